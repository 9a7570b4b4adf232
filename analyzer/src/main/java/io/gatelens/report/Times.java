package io.gatelens.report;

import java.math.BigDecimal;

/** How gatelens writes times: UTC, nanoseconds kept, so a frame can be matched to Wireshark's. */
public final class Times {
    private Times() {}

    /**
     * e.g. 2026-11-23T09:16:59.123456789Z. Written by hand: a DateTimeFormatter per row was a
     * visible share of the transactions report. A long of nanoseconds spans the years 1677 to
     * 2262, so the year always has four digits and no sign.
     */
    public static String iso(long epochNanos) {
        long secs = Math.floorDiv(epochNanos, 1_000_000_000L);
        int nano = (int) Math.floorMod(epochNanos, 1_000_000_000L);
        long days = Math.floorDiv(secs, 86_400L);
        int sod = (int) Math.floorMod(secs, 86_400L);
        // Days to a proleptic Gregorian civil date, counting in 400-year eras that start on
        // March 1st so the leap day falls at the end of each year (Howard Hinnant's method).
        long z = days + 719_468L;
        long era = Math.floorDiv(z, 146_097L);
        int doe = (int) (z - era * 146_097L);
        int yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        int mp = (5 * doy + 2) / 153;
        int day = doy - (153 * mp + 2) / 5 + 1;
        int month = mp < 10 ? mp + 3 : mp - 9;
        int year = (int) (yoe + era * 400) + (month <= 2 ? 1 : 0);
        char[] c = new char[30];
        digits(c, 0, year, 4);
        c[4] = '-';
        digits(c, 5, month, 2);
        c[7] = '-';
        digits(c, 8, day, 2);
        c[10] = 'T';
        digits(c, 11, sod / 3600, 2);
        c[13] = ':';
        digits(c, 14, sod / 60 % 60, 2);
        c[16] = ':';
        digits(c, 17, sod % 60, 2);
        c[19] = '.';
        digits(c, 20, nano, 9);
        c[29] = 'Z';
        return new String(c);
    }

    /** {@code value} (not negative) as exactly {@code width} decimal digits, zero-padded. */
    private static void digits(char[] out, int at, int value, int width) {
        for (int k = at + width - 1; k >= at; k--) {
            out[k] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    /** Seconds with all nine decimals, exact (no double rounding). */
    public static BigDecimal seconds(long nanos) {
        return BigDecimal.valueOf(nanos, 9);
    }

    /** Milliseconds with microsecond precision, exact. */
    public static BigDecimal millis(long nanos) {
        return BigDecimal.valueOf(nanos, 6).setScale(3, java.math.RoundingMode.HALF_EVEN);
    }

    /** Milliseconds for people: three decimals. */
    public static String millisText(long nanos) {
        if (nanos < 0) return millis(nanos).toPlainString();
        // The same rounding as millis() (half-even to the microsecond) without a BigDecimal:
        // every transactions row writes two of these.
        long micros = nanos / 1000;
        int rest = (int) (nanos % 1000);
        if (rest > 500 || (rest == 500 && (micros & 1) == 1)) micros++;
        int frac = (int) (micros % 1000);
        return (micros / 1000) + "." + (char) ('0' + frac / 100) + (char) ('0' + frac / 10 % 10)
                + (char) ('0' + frac % 10);
    }

    /** Seconds for people: six decimals, like tshark's relative times. */
    public static String secondsText(long nanos) {
        return BigDecimal.valueOf(nanos, 9).setScale(6, java.math.RoundingMode.HALF_EVEN).toPlainString();
    }
}
