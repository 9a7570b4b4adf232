package io.gatelens.proxy;

import io.gatelens.capture.PacketSource;
import io.gatelens.capture.file.CaptureFiles;
import io.gatelens.detect.Cause;
import io.gatelens.detect.DetectOptions;
import io.gatelens.finding.Finding;
import io.gatelens.flow.FlowTable;
import io.gatelens.http.HttpLimits;
import io.gatelens.pipeline.Passes;
import io.gatelens.testing.RecordedCaptures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live form of the diagnosis: one thread over an open source, a short horizon, and ticks
 * that move the correlation's clock on while no frame comes. A finding is held until its
 * exchange has waited the horizon out, by frames or by ticks, then handed on once; it is the
 * finding the file's analysis makes.
 */
class LiveCorrelationTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aTickPastTheHorizonHandsOnWhatTheFramesLeftWaitingAndNothingTwice() throws IOException {
        Path file = RecordedCaptures.DIR.resolve("reset-after-request").resolve("capture.pcap");
        CorrelationLimits limits = CorrelationLimits.DEFAULT.withHorizonNanos(SECOND);
        List<Finding> live = new ArrayList<>();
        ProxyCorrelator correlator = new ProxyCorrelator(new Roles(List.of(), List.of(), limits.maxEndpoints()), limits,
                live::add);
        long[] last = {0};
        try (PacketSource source = CaptureFiles.open(file)) {
            Passes.diagnose(source, FlowTable.DEFAULT_MAX_LIVE, HttpLimits.DEFAULT, DetectOptions.DEFAULT, correlator,
                    null, t -> last[0] = Math.max(last[0], t));
        }
        // The whole exchange took a few milliseconds: still inside the horizon, nothing judged yet.
        assertTrue(live.isEmpty(), "judged before the horizon: " + live);
        correlator.tick(last[0] + SECOND / 2);
        assertTrue(live.isEmpty(), "half the horizon is not enough: " + live);
        correlator.tick(last[0] + 2 * SECOND);
        assertEquals(1, live.size(), live.toString());
        Finding f = live.get(0);
        assertEquals(Cause.RESET_BEFORE_RESPONSE, f.cause());
        assertEquals(502, f.client().status(), "tied to the client's 502 within the short horizon");
        correlator.finish();
        assertEquals(1, live.size(), "finish hands on nothing twice");

        // The file's analysis (120 s horizon, second thread) says the same.
        List<Finding> fromFile = new ArrayList<>();
        ProxyCorrelator whole = new ProxyCorrelator(new Roles(List.of(), List.of(), CorrelationLimits.DEFAULT.maxEndpoints()),
                CorrelationLimits.DEFAULT, fromFile::add);
        Passes.diagnose(file, FlowTable.DEFAULT_MAX_LIVE, HttpLimits.DEFAULT, DetectOptions.DEFAULT, whole);
        whole.finish();
        assertEquals(fromFile.toString(), live.toString());
    }
}
