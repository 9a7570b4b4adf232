package io.gatelens.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A message's header fields in the order received, names as sent. Lookups ignore case (RFC 9110
 * section 5.1). Values are decoded as ISO-8859-1 so every byte survives; a parser keeps a value
 * it judged malformed as it was, and reports the anomaly separately.
 */
public final class Headers {
    private final List<String> names = new ArrayList<>();
    private final List<String> values = new ArrayList<>();

    public void add(String name, String value) {
        names.add(name);
        values.add(value);
    }

    public int size() { return names.size(); }
    public String name(int i) { return names.get(i); }
    public String value(int i) { return values.get(i); }

    /** The first value of the field, or null. */
    public String get(String name) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) return values.get(i);
        }
        return null;
    }

    /** Every value of the field, in order. */
    public List<String> getAll(String name) {
        List<String> out = null;
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                if (out == null) out = new ArrayList<>(2);
                out.add(values.get(i));
            }
        }
        return out == null ? Collections.emptyList() : out;
    }

    /**
     * True when a comma-separated field (Connection, Upgrade, Transfer-Encoding) lists
     * {@code token}, ignoring case and surrounding whitespace, in any of its lines.
     */
    public boolean hasToken(String name, String token) {
        if (token.isEmpty()) return hasTokenBySplit(name, token);
        // Walks the commas in place: this runs on every message, and split() allocated per part.
        for (int i = 0; i < names.size(); i++) {
            if (!names.get(i).equalsIgnoreCase(name)) continue;
            String v = values.get(i);
            int from = 0;
            while (from <= v.length()) {
                int comma = v.indexOf(',', from);
                int to = comma < 0 ? v.length() : comma;
                int s = from;
                int e = to;
                while (s < e && v.charAt(s) <= ' ') s++; // what String.trim() drops
                while (e > s && v.charAt(e - 1) <= ' ') e--;
                if (e - s == token.length() && v.regionMatches(true, s, token, 0, e - s)) return true;
                from = to + 1;
            }
        }
        return false;
    }

    /** The plain definition; an empty token keeps split()'s handling of empty parts. */
    private boolean hasTokenBySplit(String name, String token) {
        for (String v : getAll(name)) {
            for (String part : v.split(",")) {
                if (part.trim().equalsIgnoreCase(token)) return true;
            }
        }
        return false;
    }
}
