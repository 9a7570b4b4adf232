package io.gatelens.report;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class RenderThreadTest {
    @Test
    void runsEverythingInSubmissionOrderOnItsOwnThreadByClose() {
        List<Integer> seen = new ArrayList<>();
        List<String> threads = new ArrayList<>();
        try (RenderThread r = new RenderThread("render-test")) {
            // Not a multiple of the batch: the last partial batch must run too.
            for (int i = 0; i < 10_001; i++) {
                int n = i;
                r.submit(() -> {
                    seen.add(n);
                    if (n == 0) threads.add(Thread.currentThread().getName());
                });
            }
        }
        assertEquals(10_001, seen.size());
        for (int i = 0; i < seen.size(); i++) assertEquals(i, seen.get(i));
        assertEquals(List.of("render-test"), threads);
    }

    @Test
    void aFailureIsRethrownAndDoesNotBlockTheProducer() {
        RenderThread r = new RenderThread("render-fail");
        r.submit(() -> {
            throw new IllegalStateException("writer broke");
        });
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
            // Far more than the queue holds: the render thread must keep draining after the failure.
            for (int i = 0; i < 100_000; i++) r.submit(() -> { });
            r.close();
        });
        assertEquals("writer broke", e.getMessage());
    }
}
