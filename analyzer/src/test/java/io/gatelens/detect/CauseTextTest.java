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
}
