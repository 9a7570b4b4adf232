package io.gatelens.report;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TimesTest {
    private static final DateTimeFormatter REFERENCE =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);

    private static String reference(long epochNanos) {
        return REFERENCE.format(Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L),
                Math.floorMod(epochNanos, 1_000_000_000L)));
    }

    private static long nanosOf(int y, int mo, int d, int h, int mi, int s, int n) {
        return LocalDateTime.of(y, mo, d, h, mi, s, n).toEpochSecond(ZoneOffset.UTC) * 1_000_000_000L + n;
    }

    @Test
    void knownInstant() {
        assertEquals("2026-11-23T09:16:59.123456789Z", Times.iso(nanosOf(2026, 11, 23, 9, 16, 59, 123_456_789)));
        assertEquals("1970-01-01T00:00:00.000000000Z", Times.iso(0));
        assertEquals("1969-12-31T23:59:59.999999999Z", Times.iso(-1));
    }

    @Test
    void extremesAndLeapDaysMatchDateTimeFormatter() {
        long[] cases = {
                Long.MIN_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE, Long.MAX_VALUE - 1, 0, 1, -1,
                -1_000_000_000L, -1_000_000_001L, -999_999_999L, 86_400_000_000_000L, -86_400_000_000_000L,
                nanosOf(2000, 2, 29, 12, 0, 0, 5), nanosOf(2000, 3, 1, 0, 0, 0, 0),
                nanosOf(1904, 2, 29, 23, 59, 59, 999_999_999), nanosOf(1900, 2, 28, 23, 59, 59, 1),
                nanosOf(1900, 3, 1, 0, 0, 0, 0), nanosOf(2100, 2, 28, 23, 59, 59, 0),
                nanosOf(2100, 3, 1, 0, 0, 0, 0), nanosOf(2024, 2, 29, 0, 0, 0, 0),
                nanosOf(1968, 2, 29, 6, 30, 0, 42), nanosOf(1700, 3, 1, 0, 0, 0, 0),
                nanosOf(2262, 4, 11, 23, 47, 16, 0), nanosOf(1677, 9, 21, 0, 12, 44, 0),
        };
        for (long n : cases) assertEquals(reference(n), Times.iso(n), "nanos " + n);
    }

    @Test
    void everyDayBoundaryOverFourCenturiesMatches() {
        long day = 86_400_000_000_000L;
        long from = Math.floorDiv(Long.MIN_VALUE, day) + 1;
        long to = Math.floorDiv(Long.MAX_VALUE, day) - 1;
        for (long d = from; d <= to; d++) {
            long start = d * day;
            assertEquals(reference(start), Times.iso(start));
            assertEquals(reference(start - 1), Times.iso(start - 1));
        }
    }

    @Test
    void randomInstantsMatch() {
        SplittableRandom r = new SplittableRandom(20261123);
        for (int k = 0; k < 200_000; k++) {
            long n = r.nextLong();
            assertEquals(reference(n), Times.iso(n), "nanos " + n);
        }
    }

    /** millisText rounds as millis() does (half-even to the microsecond) and prints the same text. */
    @Test
    void millisTextMatchesBigDecimal() {
        long[] cases = {0, 1, 499, 500, 501, 1499, 1500, 1501, 2500, 999_999_499L, 999_999_500L,
                999_999_501L, 1_000_000_000L, 123_456_789L, Long.MAX_VALUE, Long.MAX_VALUE - 500,
                -1, -500, -1500, -123_456_789L, Long.MIN_VALUE};
        for (long n : cases) assertEquals(Times.millis(n).toPlainString(), Times.millisText(n), "nanos " + n);
        SplittableRandom r = new SplittableRandom(42);
        for (int k = 0; k < 200_000; k++) {
            long n = k % 2 == 0 ? r.nextLong(0, 10_000_000_000L) : r.nextLong();
            if (k % 3 == 0) n = n / 1000 * 1000 + 500; // exact ties
            assertEquals(Times.millis(n).toPlainString(), Times.millisText(n), "nanos " + n);
        }
    }
}
