package io.gatelens.report;

/**
 * The HTML report's markup, built in memory. Captured bytes are hostile (a request target or a
 * header can carry {@code <script>}), so every string that is not a constant of this program goes
 * through {@link #escape}, the one escaper, whether it lands in text or in a double-quoted
 * attribute value. Markup written with {@link #raw} is ours only. Nothing variable is ever
 * written into a script, a style, an event-handler attribute or a URL: the page's one script
 * reads what it needs from the DOM.
 */
final class Html {
    private final StringBuilder b;

    Html(int capacity) {
        b = new StringBuilder(capacity);
    }

    /** Our own markup, never anything captured. */
    Html raw(String markup) {
        b.append(markup);
        return this;
    }

    /** A number: needs no escaping. */
    Html num(long n) {
        b.append(n);
        return this;
    }

    /** Text content. */
    Html text(String s) {
        escape(b, s);
        return this;
    }

    /** {@code  name="value"}, the value escaped; {@code name} is ours. */
    Html attr(String name, String value) {
        b.append(' ').append(name).append("=\"");
        escape(b, value);
        b.append('"');
        return this;
    }

    int length() {
        return b.length();
    }

    @Override
    public String toString() {
        return b.toString();
    }

    /** {@link #escape(StringBuilder, String)} into a new String. */
    static String escape(String s) {
        StringBuilder out = new StringBuilder(s == null ? 0 : s.length() + 16);
        escape(out, s);
        return out.toString();
    }

    /**
     * Safe in text and in a double- or single-quoted attribute value: the five characters HTML
     * gives meaning to become character references; characters that are no text (C0 and C1
     * controls, DEL, noncharacters) become visible {@code \xNN} / backslash-u escapes, as in
     * the text reports, so a NUL or an escape sequence in a header shows as what it is; a
     * surrogate without its pair (never valid UTF-8) becomes U+FFFD. Null is empty.
     */
    static void escape(StringBuilder out, String s) {
        if (s == null) return;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                        out.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
                    } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                        int cp = Character.toCodePoint(c, s.charAt(++i));
                        if ((cp & 0xfffe) == 0xfffe) out.append(String.format("\\u{%x}", cp));
                        else out.appendCodePoint(cp);
                    } else if (Character.isSurrogate(c)) {
                        out.append('\ufffd');
                    } else if (c == 0xfffe || c == 0xffff || (c >= 0xfdd0 && c <= 0xfdef)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** At most {@code max} characters of {@code s}, with an ellipsis when cut; null stays null. */
    static String cut(String s, int max) {
        if (s == null || s.length() <= max) return s;
        int end = max;
        // Never split a surrogate pair: the half left over would be no character.
        if (Character.isHighSurrogate(s.charAt(end - 1))) end--;
        return s.substring(0, end) + "\u2026";
    }
}
