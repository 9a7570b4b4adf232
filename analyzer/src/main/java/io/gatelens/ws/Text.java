package io.gatelens.ws;

/** Small text helpers for anomaly details, which must be short and escaped. */
final class Text {
    static final int MAX_DETAIL_VALUE = 80;

    private Text() {}

    /** Quoted, printable ASCII only (others as \xNN or \\uNNNN), cut at {@code max} characters. */
    static String quote(String s) {
        if (s == null) return "(none)";
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_DETAIL_VALUE) + 8).append('"');
        int n = Math.min(s.length(), MAX_DETAIL_VALUE);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c >= 0x20 && c < 0x7f) b.append(c);
            else if (c <= 0xff) b.append(String.format("\\x%02x", (int) c));
            else b.append(String.format("\\u%04x", (int) c));
        }
        if (s.length() > n) b.append("...");
        return b.append('"').toString();
    }

    /**
     * Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF. RFC 6455
     * section 5.5.1 requires the close reason to be UTF-8.
     */
    static boolean isUtf8(byte[] b, int off, int len) {
        int i = off;
        int end = off + len;
        while (i < end) {
            int c = b[i] & 0xff;
            if (c < 0x80) { i++; continue; }
            int need;
            int min;
            if (c >= 0xc2 && c <= 0xdf) { need = 1; min = 0x80; c &= 0x1f; }
            else if (c >= 0xe0 && c <= 0xef) { need = 2; min = 0x800; c &= 0x0f; }
            else if (c >= 0xf0 && c <= 0xf4) { need = 3; min = 0x10000; c &= 0x07; }
            else return false;
            if (end - i - 1 < need) return false;
            for (int k = 1; k <= need; k++) {
                int cc = b[i + k] & 0xff;
                if ((cc & 0xc0) != 0x80) return false;
                c = (c << 6) | (cc & 0x3f);
            }
            if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) return false;
            i += need + 1;
        }
        return true;
    }
}
