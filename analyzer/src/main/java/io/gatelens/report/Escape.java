package io.gatelens.report;

/** Captured bytes are hostile: control characters and non-ASCII become visible escapes in text output. */
public final class Escape {
    private Escape() {}

    public static String text(String s) {
        if (s == null) return "";
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean plain = c >= 0x20 && c < 0x7f;
            if (plain && b == null) continue;
            if (b == null) b = new StringBuilder(s.length() + 16).append(s, 0, i);
            if (plain) b.append(c);
            else b.append(String.format("\\x%02x", (int) c & 0xff));
        }
        return b == null ? s : b.toString();
    }
}
