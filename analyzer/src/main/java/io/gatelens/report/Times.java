package io.gatelens.report;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** How gatelens writes times: UTC, nanoseconds kept, so a frame can be matched to Wireshark's. */
public final class Times {
    private static final DateTimeFormatter ISO =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);

    private Times() {}

    /** e.g. 2026-11-23T09:16:59.123456789Z */
    public static String iso(long epochNanos) {
        return ISO.format(Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L),
                Math.floorMod(epochNanos, 1_000_000_000L)));
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
        return millis(nanos).toPlainString();
    }

    /** Seconds for people: six decimals, like tshark's relative times. */
    public static String secondsText(long nanos) {
        return BigDecimal.valueOf(nanos, 9).setScale(6, java.math.RoundingMode.HALF_EVEN).toPlainString();
    }
}
