package io.gatelens.proxy;

/**
 * Percentiles of durations in fixed memory: a log-scale histogram with 16 buckets per power of two
 * (HdrHistogram's layout with 4 significant bits), so any reported value is within 1/32 (about
 * 3 %) of a value that was recorded, whatever the count. 960 counters, 7.5 KiB, whether it holds
 * ten values or ten million.
 */
public final class LatencyHistogram {
    private static final int SUB_BITS = 4;
    private static final int SUB = 1 << SUB_BITS;
    private final long[] counts = new long[(64 - SUB_BITS) * SUB];
    private long total;
    private long min = Long.MAX_VALUE;
    private long max = Long.MIN_VALUE;

    /** Records one duration in nanoseconds; negative values (unknown) are ignored. */
    public void record(long nanos) {
        if (nanos < 0) return;
        counts[index(nanos)]++;
        total++;
        if (nanos < min) min = nanos;
        if (nanos > max) max = nanos;
    }

    public long count() { return total; }

    static int index(long v) {
        if (v < SUB) return (int) v;
        int e = 63 - Long.numberOfLeadingZeros(v);
        int sub = (int) (v >>> (e - SUB_BITS)) & (SUB - 1);
        return (e - SUB_BITS + 1) * SUB + sub;
    }

    /** The middle of a bucket: at most half a bucket's width from every value in it. */
    static long middle(int index) {
        if (index < SUB) return index;
        int e = index / SUB + SUB_BITS - 1;
        long lower = (long) (SUB + index % SUB) << (e - SUB_BITS);
        long width = 1L << (e - SUB_BITS);
        return lower + width / 2;
    }

    /**
     * The value at percentile {@code p} (0 < p <= 100): the smallest recorded value with at least
     * p % of the values at or below it, to the bucket's precision; -1 when nothing was recorded.
     */
    public long percentile(double p) {
        if (total == 0) return -1;
        long rank = Math.max(1, (long) Math.ceil(p / 100.0 * total));
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) return Math.max(min, Math.min(max, middle(i)));
        }
        return max;
    }
}
