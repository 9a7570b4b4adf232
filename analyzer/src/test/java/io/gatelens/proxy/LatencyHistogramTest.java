package io.gatelens.proxy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class LatencyHistogramTest {
    /** Any set of durations, from nanoseconds to hours: each percentile within 1/32 of the exact one. */
    @Property(tries = 300)
    void percentilesAreWithinTheBucketPrecisionOfTheExactNearestRank(
            @ForAll @Size(min = 1, max = 400) List<@LongRange(min = 0, max = 10_000_000_000_000L) Long> values) {
        LatencyHistogram h = new LatencyHistogram();
        for (long v : values) h.record(v);
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        for (double p : new double[] {1, 50, 95, 99, 100}) {
            long exact = sorted.get((int) Math.ceil(p / 100 * sorted.size()) - 1);
            long got = h.percentile(p);
            assertTrue(Math.abs(got - exact) <= exact / 32, "p" + p + ": exact " + exact + ", got " + got);
        }
        assertEquals(values.size(), h.count());
    }

    @Test
    void smallValuesAreExactAndNothingRecordedIsMinusOne() {
        LatencyHistogram h = new LatencyHistogram();
        assertEquals(-1, h.percentile(50));
        h.record(-5); // unknown: not counted
        assertEquals(0, h.count());
        for (long v = 0; v < 32; v++) h.record(v);
        assertEquals(15, h.percentile(50));
        assertEquals(31, h.percentile(100));
    }

    @Test
    void everyIndexLiesInItsBucketAcrossTheWholeRange() {
        for (long v : new long[] {16, 17, 31, 32, 33, 1_000_000, 1L << 40, Long.MAX_VALUE}) {
            int i = LatencyHistogram.index(v);
            long mid = LatencyHistogram.middle(i);
            assertTrue(Math.abs(mid - v) <= Math.max(1, v / 32), v + " -> " + i + " -> " + mid);
        }
    }
}
