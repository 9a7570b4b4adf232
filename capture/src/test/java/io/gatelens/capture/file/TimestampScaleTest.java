package io.gatelens.capture.file;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Against exact big-integer arithmetic: floor(ticks * 10^9 / base^exp) + offset * 10^9. */
class TimestampScaleTest {
    private static final BigInteger BILLION = BigInteger.valueOf(1_000_000_000L);
    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private static long reference(int tsresol, long offsetSeconds, long ticks) {
        BigInteger t = new BigInteger(Long.toUnsignedString(ticks));
        int exp = tsresol & 0x7f;
        BigInteger unitsPerSecond = ((tsresol & 0x80) != 0 ? BigInteger.TWO : BigInteger.TEN).pow(exp);
        BigInteger beforeOffset = t.multiply(BILLION).divide(unitsPerSecond);
        BigInteger offset = BigInteger.valueOf(offsetSeconds).multiply(BILLION);
        BigInteger nanos = beforeOffset.add(offset);
        // Documented limit: the time before the offset, the offset and the sum must each fit a
        // long. The sentinel is Long.MIN_VALUE itself, so that value counts as out of range too.
        if (!fits(beforeOffset) || !fits(offset) || !fits(nanos)) {
            return TimestampScale.OUT_OF_RANGE;
        }
        return nanos.longValueExact();
    }

    private static boolean fits(BigInteger v) {
        return v.compareTo(LONG_MIN) > 0 && v.compareTo(LONG_MAX) <= 0;
    }

    @Test
    void everyResolutionAgreesWithExactArithmetic() {
        SplittableRandom random = new SplittableRandom(42);
        long[] offsets = {0, 1, -1, 1000, -86_400, 9_223_372_036L, -9_223_372_036L, Long.MAX_VALUE, Long.MIN_VALUE};
        for (int tsresol = 0; tsresol < 256; tsresol++) {
            for (long offset : offsets) {
                TimestampScale scale = TimestampScale.of(tsresol, offset);
                long[] fixed = {0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, 1_700_000_000_123_456L,
                        1_700_000_000_123_456_789L, 1L << 32, (1_700_000_000L << 20) | 1};
                for (long ticks : fixed) {
                    assertEquals(reference(tsresol, offset, ticks), scale.toEpochNanos(ticks),
                            "tsresol " + tsresol + " offset " + offset + " ticks " + Long.toUnsignedString(ticks));
                }
                for (int i = 0; i < 200; i++) {
                    // Spread over magnitudes so every resolution sees in-range and overflowing counts.
                    long ticks = random.nextLong() >>> random.nextInt(64);
                    assertEquals(reference(tsresol, offset, ticks), scale.toEpochNanos(ticks),
                            "tsresol " + tsresol + " offset " + offset + " ticks " + Long.toUnsignedString(ticks));
                }
            }
        }
    }

    @Test
    void commonResolutions() {
        assertEquals(1_700_000_000_123_456_000L, TimestampScale.of(6, 0).toEpochNanos(1_700_000_000_123_456L));
        assertEquals(1_700_000_000_123_456_789L, TimestampScale.of(9, 0).toEpochNanos(1_700_000_000_123_456_789L));
        // 2^-30 s: 1 tick is 0.931... ns, 2^30 ticks one second.
        assertEquals(0, TimestampScale.of(0x80 | 30, 0).toEpochNanos(1));
        assertEquals(1_000_000_000L, TimestampScale.of(0x80 | 30, 0).toEpochNanos(1L << 30));
        // Picoseconds truncate to whole nanoseconds.
        assertEquals(1_999L, TimestampScale.of(12, 0).toEpochNanos(1_999_999L));
    }
}
