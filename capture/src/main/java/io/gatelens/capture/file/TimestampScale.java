package io.gatelens.capture.file;

/**
 * Turns a pcapng timestamp (an unsigned 64-bit count of if_tsresol units, plus if_tsoffset
 * seconds) into nanoseconds since the epoch, exactly: integer arithmetic only, rounding toward
 * zero for resolutions finer than a nanosecond, and {@link #OUT_OF_RANGE} when the time before
 * the offset, the offset, or their sum does not fit in a long (past the year 2262), never a
 * silent wrap. (A huge count pulled back into range by a huge negative offset is refused too: no
 * real capture has one, and 64-bit intermediates keep the per-packet path cheap.)
 */
final class TimestampScale {
    static final long OUT_OF_RANGE = Long.MIN_VALUE;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** 10^0 .. 10^18; 10^19 does not fit a signed long. */
    private static final long[] POW10 = new long[19];

    static {
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) {
            POW10[i] = POW10[i - 1] * 10;
        }
    }

    private final int tsresol;
    private final boolean binary;
    private final int exponent;
    /** Decimal resolutions of a nanosecond or coarser: nanos = ticks * multiplier. */
    private final long multiplier;
    /** Decimal resolutions finer than a nanosecond: nanos = ticks / divisor (unsigned). */
    private final long divisor;
    private final long offsetNanos;
    private final boolean offsetFits;

    private TimestampScale(int tsresol, long offsetSeconds) {
        this.tsresol = tsresol;
        this.binary = (tsresol & 0x80) != 0;
        this.exponent = tsresol & 0x7f;
        if (binary) {
            multiplier = 0;
            divisor = 0;
        } else if (exponent <= 9) {
            multiplier = POW10[9 - exponent];
            divisor = 0;
        } else {
            multiplier = 0;
            int d = exponent - 9;
            // 10^19 only fits unsigned; beyond that every 64-bit count is below one nanosecond.
            divisor = d <= 18 ? POW10[d] : d == 19 ? -8446744073709551616L : 0;
        }
        long off = offsetSeconds * NANOS_PER_SECOND;
        long maxSeconds = Long.MAX_VALUE / NANOS_PER_SECOND;
        this.offsetFits = offsetSeconds <= maxSeconds && offsetSeconds >= -maxSeconds;
        this.offsetNanos = offsetFits ? off : 0;
    }

    /** {@code tsresol} is the if_tsresol option byte (6 when absent: microseconds). */
    static TimestampScale of(int tsresol, long offsetSeconds) {
        return new TimestampScale(tsresol & 0xff, offsetSeconds);
    }

    int tsresol() {
        return tsresol;
    }

    /** {@code ticks} is unsigned. */
    long toEpochNanos(long ticks) {
        if (!offsetFits) {
            return OUT_OF_RANGE;
        }
        long nanos;
        if (binary) {
            nanos = binaryToNanos(ticks);
            if (nanos == OUT_OF_RANGE) {
                return OUT_OF_RANGE;
            }
        } else if (multiplier != 0) {
            if (Long.compareUnsigned(ticks, Long.MAX_VALUE / multiplier) > 0) {
                return OUT_OF_RANGE;
            }
            nanos = ticks * multiplier;
        } else {
            nanos = divisor == 0 ? 0 : Long.divideUnsigned(ticks, divisor);
        }
        long sum = nanos + offsetNanos;
        // nanos >= 0 here, so only a positive offset can overflow.
        if (offsetNanos > 0 && sum < 0) {
            return OUT_OF_RANGE;
        }
        return sum;
    }

    private long binaryToNanos(long ticks) {
        int b = exponent;
        if (b == 0) {
            if (Long.compareUnsigned(ticks, Long.MAX_VALUE / NANOS_PER_SECOND) > 0) {
                return OUT_OF_RANGE;
            }
            return ticks * NANOS_PER_SECOND;
        }
        long seconds = b >= 64 ? 0 : ticks >>> b;
        long fraction = b >= 64 ? ticks : ticks & ((1L << b) - 1);
        if (seconds > Long.MAX_VALUE / NANOS_PER_SECOND) {
            return OUT_OF_RANGE;
        }
        // fraction * 10^9 needs up to 94 bits: take the unsigned 128-bit product, then shift.
        long lo = fraction * NANOS_PER_SECOND;
        long hi = Math.multiplyHigh(fraction, NANOS_PER_SECOND)
                + ((fraction >> 63) & NANOS_PER_SECOND);
        long fractionNanos = b < 64 ? (lo >>> b) | (hi << (64 - b)) : hi >>> (b - 64);
        long nanos = seconds * NANOS_PER_SECOND + fractionNanos;
        return nanos < 0 ? OUT_OF_RANGE : nanos;
    }
}
