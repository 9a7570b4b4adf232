package io.gatelens.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A message's header fields in the order received, names as sent. Lookups ignore case (RFC 9110
 * section 5.1). Values are decoded as ISO-8859-1 so every byte survives; a parser keeps a value
 * it judged malformed as it was, and reports the anomaly separately.
 */
public final class Headers {
    private String[] names = new String[8];
    /** Values made into Strings so far; null where only the raw bytes are held yet. */
    private String[] values = new String[8];
    /** Start and end in {@link #raw} of each value added as bytes. */
    private int[] spans = new int[16];
    /**
     * The parser's values, back to back, as received: most are never read (who asks for
     * Accept-Language?), so a String is made only for a value somebody asks for. Filled on the
     * parsing thread before the head is handed on; reading threads may make a value's String
     * at the same time, and since Strings are immutable either copy serves.
     */
    private byte[] raw = new byte[256];
    private int rawUsed;
    private int size;

    public void add(String name, String value) {
        room();
        names[size] = name;
        values[size] = value;
        size++;
    }

    /** Adds a field whose value is {@code src[from, to)}, decoded as ISO-8859-1 when asked for. */
    void addRaw(String name, byte[] src, int from, int to) {
        room();
        int len = to - from;
        if (rawUsed + len > raw.length) raw = Arrays.copyOf(raw, Math.max(raw.length * 2, rawUsed + len));
        System.arraycopy(src, from, raw, rawUsed, len);
        names[size] = name;
        values[size] = null;
        spans[2 * size] = rawUsed;
        spans[2 * size + 1] = rawUsed + len;
        rawUsed += len;
        size++;
    }

    /** An obsolete line fold (RFC 9112 section 5.2): the continuation joins the last value with one SP. */
    void foldIntoLast(String more) {
        String v = value(size - 1);
        values[size - 1] = v.isEmpty() ? more : more.isEmpty() ? v : v + " " + more;
    }

    private void room() {
        if (size == names.length) {
            names = Arrays.copyOf(names, size * 2);
            values = Arrays.copyOf(values, size * 2);
            spans = Arrays.copyOf(spans, size * 4);
        }
    }

    public int size() { return size; }

    public String name(int i) {
        Objects.checkIndex(i, size);
        return names[i];
    }

    public String value(int i) {
        Objects.checkIndex(i, size);
        String v = values[i];
        if (v == null) {
            v = new String(raw, spans[2 * i], spans[2 * i + 1] - spans[2 * i], StandardCharsets.ISO_8859_1);
            values[i] = v;
        }
        return v;
    }

    /** The first value of the field, or null. */
    public String get(String name) {
        for (int i = 0; i < size; i++) {
            if (names[i].equalsIgnoreCase(name)) return value(i);
        }
        return null;
    }

    /** Every value of the field, in order. */
    public List<String> getAll(String name) {
        List<String> out = null;
        for (int i = 0; i < size; i++) {
            if (names[i].equalsIgnoreCase(name)) {
                if (out == null) out = new ArrayList<>(2);
                out.add(value(i));
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
        for (int i = 0; i < size; i++) {
            if (!names[i].equalsIgnoreCase(name)) continue;
            String v = values[i];
            if (v == null) {
                // Read in place: asked of every message (Connection), seldom wanted as a String.
                if (rawListsToken(spans[2 * i], spans[2 * i + 1], token)) return true;
                continue;
            }
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

    /** The walk above over {@code raw[from, end)}, each byte the ISO-8859-1 char it decodes to. */
    private boolean rawListsToken(int from, int end, String token) {
        byte[] b = raw;
        int p = from;
        while (p <= end) {
            int to = p;
            while (to < end && b[to] != ',') to++;
            int s = p;
            int e = to;
            while (s < e && (b[s] & 0xff) <= ' ') s++;
            while (e > s && (b[e - 1] & 0xff) <= ' ') e--;
            if (e - s == token.length() && sameIgnoringCase(b, s, token)) return true;
            p = to + 1;
        }
        return false;
    }

    /** String.regionMatches(true, ...) for ISO-8859-1 bytes against {@code token}. */
    private static boolean sameIgnoringCase(byte[] b, int at, String token) {
        for (int k = 0; k < token.length(); k++) {
            char c1 = (char) (b[at + k] & 0xff);
            char c2 = token.charAt(k);
            if (c1 == c2) continue;
            char u1 = Character.toUpperCase(c1);
            char u2 = Character.toUpperCase(c2);
            if (u1 == u2 || Character.toLowerCase(u1) == Character.toLowerCase(u2)) continue;
            return false;
        }
        return true;
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
