package io.gatelens.detect;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class CauseTextTest {
    /** Issue #4: explanations say what nginx, HAProxy and Envoy each answer and log for the cause. */
    @Test
    void everyCauseHasItsTextsAndEveryFailureNamesTheThreeProxies() {
        for (Cause c : Cause.values()) {
            CauseText.Text t = CauseText.of(c);
            assertNotNull(t, c.id());
            assertFalse(t.seen().isBlank() || t.proxies().isBlank() || t.hint().isBlank(), c.id());
            if (c.failure() && c != Cause.UNEXPLAINED) {
                for (String proxy : new String[] {"nginx", "HAProxy", "Envoy"}) {
                    assertTrue(t.proxies().contains(proxy), c.id() + " names " + proxy + ": " + t.proxies());
                }
            }
        }
    }

    @Test
    void durationsForPeople() {
        assertEquals("0 ms", Proof.duration(0));
        assertEquals("0.02 ms", Proof.duration(20_000));
        assertEquals("28.8 ms", Proof.duration(28_800_000));
        assertEquals("120 ms", Proof.duration(120_000_000));
        assertEquals("1 s", Proof.duration(1_000_000_000));
        assertEquals("1.001 s", Proof.duration(1_001_300_000));
        assertEquals("3.02 s", Proof.duration(3_019_796_000L));
        assertEquals("120 s", Proof.duration(120_000_000_000L));
        assertEquals("?", Proof.duration(-1));
    }

    /** The integer arithmetic writes what String.format("%.2f" ...) and trimming wrote. */
    @Test
    void durationsAsFormatWroteThem() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        long[] edges = {0, 4_999, 5_000, 9_994_999, 9_995_000, 9_999_999, 10_000_000, 99_950_000, 999_949_999,
            999_950_000, 999_999_999, 1_000_000_000L, 1_000_499_999L, 1_000_500_000L, 99_999_499_999L,
            99_999_500_000L, 100_000_000_000L, 100_499_999_999L, 100_500_000_000L, 3_600_000_000_000L};
        for (long n : edges) assertEquals(formatted(n), Proof.duration(n), "nanos " + n);
        for (int i = 0; i < 200_000; i++) {
            long n = switch (i % 4) {
                case 0 -> r.nextLong(10_000_000L);
                case 1 -> r.nextLong(1_000_000_000L);
                case 2 -> r.nextLong(100_000_000_000L);
                default -> r.nextLong(10_000_000_000_000L);
            };
            assertEquals(formatted(n), Proof.duration(n), "nanos " + n);
        }
    }

    /** The earlier definition, kept here as the reference. */
    private static String formatted(long nanos) {
        if (nanos < 1_000_000_000L) {
            double ms = nanos / 1e6;
            return (ms < 10 ? String.format(java.util.Locale.ROOT, "%.2f", ms) : String.format(java.util.Locale.ROOT, "%.1f", ms))
                    .replaceAll("\\.?0+$", "") + " ms";
        }
        double s = nanos / 1e9;
        String t = s < 100 ? String.format(java.util.Locale.ROOT, "%.3f", s).replaceAll("\\.?0+$", "")
                : String.format(java.util.Locale.ROOT, "%.0f", s);
        return t + " s";
    }
}
