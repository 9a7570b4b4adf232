package io.gatelens.capture.file;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * The strftime(3) subset that tcpdump's {@code -G} file names use. Checked once when the capture
 * starts, so a mistyped conversion is an error before the first packet, not a strange file name an
 * hour later.
 *
 * <p>Conversions: {@code %Y} year, {@code %y} year of the century, {@code %m} month, {@code %d}
 * day, {@code %e} day padded with a space, {@code %H} hour (00-23), {@code %M} minute, {@code %S}
 * second, {@code %j} day of the year (001-366), {@code %s} seconds since 1970, {@code %F}
 * ({@code %Y-%m-%d}), {@code %T} ({@code %H:%M:%S}) and {@code %%} for a percent sign.
 */
final class FileNamePattern {
    static final String SUPPORTED = "%Y %y %m %d %e %H %M %S %j %s %F %T %%";

    private final String pattern;

    FileNamePattern(String pattern) {
        for (int i = 0; i < pattern.length(); i++) {
            if (pattern.charAt(i) != '%') {
                continue;
            }
            if (i + 1 == pattern.length()) {
                throw new IllegalArgumentException("file name pattern '" + pattern + "' ends with a lone %"
                        + " (write %% for a percent sign)");
            }
            char c = pattern.charAt(++i);
            if ("YymdeHMSjsFT%".indexOf(c) < 0) {
                throw new IllegalArgumentException("file name pattern '" + pattern + "' has %" + c
                        + ", which is not supported (supported: " + SUPPORTED + ")");
            }
        }
        this.pattern = pattern;
    }

    String format(long epochMillis, ZoneId zone) {
        ZonedDateTime t = Instant.ofEpochMilli(epochMillis).atZone(zone);
        StringBuilder s = new StringBuilder(pattern.length() + 16);
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c != '%') {
                s.append(c);
                continue;
            }
            switch (pattern.charAt(++i)) {
                case 'Y' -> s.append(t.getYear());
                case 'y' -> two(s, t.getYear() % 100);
                case 'm' -> two(s, t.getMonthValue());
                case 'd' -> two(s, t.getDayOfMonth());
                case 'e' -> s.append(t.getDayOfMonth() < 10 ? " " : "").append(t.getDayOfMonth());
                case 'H' -> two(s, t.getHour());
                case 'M' -> two(s, t.getMinute());
                case 'S' -> two(s, t.getSecond());
                case 'j' -> {
                    int day = t.getDayOfYear();
                    s.append(day < 100 ? (day < 10 ? "00" : "0") : "").append(day);
                }
                case 's' -> s.append(Math.floorDiv(epochMillis, 1000L));
                case 'F' -> {
                    s.append(t.getYear()).append('-');
                    two(s, t.getMonthValue());
                    s.append('-');
                    two(s, t.getDayOfMonth());
                }
                case 'T' -> {
                    two(s, t.getHour());
                    s.append(':');
                    two(s, t.getMinute());
                    s.append(':');
                    two(s, t.getSecond());
                }
                default -> s.append('%'); // "%%": the constructor let nothing else through
            }
        }
        return s.toString();
    }

    private static void two(StringBuilder s, int v) {
        if (v < 10) {
            s.append('0');
        }
        s.append(v);
    }
}
