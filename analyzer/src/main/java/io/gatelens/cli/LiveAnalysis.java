package io.gatelens.cli;

import io.gatelens.capture.PacketSource;
import io.gatelens.detect.Cause;
import io.gatelens.detect.DetectOptions;
import io.gatelens.flow.FlowTable;
import io.gatelens.http.HttpLimits;
import io.gatelens.pipeline.Passes;
import io.gatelens.proxy.AnalysisSummary;
import io.gatelens.proxy.CorrelationLimits;
import io.gatelens.proxy.ProxyCorrelator;
import io.gatelens.report.LiveReport;
import io.gatelens.report.Times;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The diagnosis of a capture still going on ({@code capture --analyze}, {@code analyze --follow}):
 * the file analysis's pass (the diagnosis on a second thread, as for a file), findings printed as
 * they are judged, the correlation's
 * clock moved on while the link is quiet, and a status line now and then.
 */
final class LiveAnalysis {
    /**
     * How far behind its estimate of capture time the correlation's clock is moved on a quiet link:
     * packets reach gatelens up to libpcap's timeout (100 ms) or a writer's flush after their
     * timestamp, so judging at the estimate itself could judge an exchange before its partner's
     * frames were read. libpcap's timeout is 100 ms; ticks come every {@link #TICK_NANOS}.
     */
    static final long CLOCK_LAG_NANOS = 150_000_000L;

    /** How often the pass's thread ticks while capturing or following: the finding's delay's grain. */
    static final long TICK_NANOS = 100_000_000L;

    static final int LIVE_MAX_CANDIDATES = 64;

    private final LiveReport report;
    private final ProxyCorrelator correlator;
    private final PrintWriter err;
    private final long statusNanos;
    private final Supplier<String> counts;
    private long nextStatus;
    /** Set on the pass's thread, read for the status line on the diagnosis's. */
    private volatile FlowTable flows;
    private volatile Consumer<Runnable> onDiagnosisThread;
    private long lastFrameNanos = Long.MIN_VALUE;
    private long anchorFrameNanos = Long.MIN_VALUE;
    private long anchorMonotonic;

    /**
     * @param settleNanos the correlation's horizon: how long an exchange waits for its partner
     * @param statusNanos how often {@link #tick} prints a status line; 0 for never
     * @param counts      the packet counts that start a status line (capture or file side)
     */
    LiveAnalysis(PrintWriter out, PrintWriter err, boolean json, String name, DiagnoseOptions diagnose,
                 long settleNanos, long statusNanos, Supplier<String> counts) {
        // A second's window holds few overlapping exchanges of one request line; looking at 64 of
        // them per match instead of 1,024 halves the analysis's time on a busy link of identical
        // requests ("GET /" from a load balancer's checks), where the live pass must keep up.
        CorrelationLimits limits = CorrelationLimits.DEFAULT.withHorizonNanos(settleNanos)
                .withMaxCandidates(LIVE_MAX_CANDIDATES);
        this.report = json ? LiveReport.json(out) : LiveReport.text(out, name);
        this.correlator = new ProxyCorrelator(diagnose.roles(limits), limits, report);
        this.err = err;
        this.statusNanos = statusNanos;
        this.counts = counts;
        this.nextStatus = System.nanoTime() + statusNanos;
    }

    /** Reads {@code source} to its end; findings go out as they are judged. */
    Passes.Result run(PacketSource source, int maxConnections, DetectOptions detect) throws IOException {
        return Passes.diagnoseOnSecondThread(source, maxConnections, HttpLimits.DEFAULT, detect, correlator,
                f -> flows = f, t -> lastFrameNanos = t, run -> onDiagnosisThread = run);
    }

    /**
     * On the pass's thread, between frames or while none come. Capture time is taken to go on from
     * the last frame's time as the monotonic clock does since that frame was seen: not the wall
     * clock, which a file from another host (or an old one) does not share.
     */
    void tick(long monotonicNanos) {
        if (lastFrameNanos != anchorFrameNanos) {
            anchorFrameNanos = lastFrameNanos;
            // A frame stamped by this machine's clock within the last second (a live capture, a file
            // being written here) is as old as that clock says; any other is taken as stamped now,
            // which only makes the wait longer.
            long age = System.currentTimeMillis() * 1_000_000L - lastFrameNanos;
            anchorMonotonic = monotonicNanos - (age > 0 && age < 1_000_000_000L ? age : 0);
        }
        Consumer<Runnable> there = onDiagnosisThread;
        if (there == null) return; // still waiting for the file's header: nothing to judge
        long capture = anchorFrameNanos == Long.MIN_VALUE ? Long.MIN_VALUE
                : anchorFrameNanos + (monotonicNanos - anchorMonotonic) - CLOCK_LAG_NANOS;
        boolean statusDue = statusNanos > 0 && monotonicNanos - nextStatus >= 0;
        if (statusDue) nextStatus = monotonicNanos + statusNanos;
        // The correlation lives on the diagnosis's thread: the tick runs there, after the events
        // of every frame read so far.
        there.accept(() -> {
            if (capture != Long.MIN_VALUE) correlator.tick(capture);
            if (statusDue) status();
        });
    }

    private void status() {
        AnalysisSummary a = correlator.summary();
        long fivexx = 0;
        for (long n : a.client5xx().values()) fivexx += n;
        Map.Entry<Cause, Long> top = a.causes().entrySet().stream().findFirst().orElse(null);
        err.println("gatelens: " + Times.iso(System.currentTimeMillis() * 1_000_000L) + "  " + counts.get()
                + "  connections held " + (flows == null ? 0 : flows.liveCount())
                + "  client 5xx " + fivexx
                + "  top cause " + (top == null ? "none" : top.getKey().id() + " (" + top.getValue() + ")"));
        err.flush();
    }

    /**
     * Judges what is still held, writes the summary, says what limited the result (the flow
     * table's caps too when {@code caps}); returns
     * {@code code}, or 1 when it was 0 and an error-severity finding was made.
     */
    int finish(int code, String name, boolean caps) {
        correlator.finish();
        AnalysisSummary summary = correlator.summary();
        report.summary(summary);
        report.close();
        for (String g : summary.unmatchedGiven()) {
            err.println("gatelens: " + name + ": " + g + " matched no server endpoint in the capture");
        }
        if (!caps) {
            // The caller reports the flow table's caps with the rest of the pass's (a followed file).
        } else if (flows != null && flows.limitHit()) {
            err.println("gatelens: " + name + ": connection table full at frame " + flows.limitHitAtFrame()
                    + " (--max-connections " + flows.maxLive() + "); " + flows.releasedEarly()
                    + " idle connections were released early");
        }
        if (caps && flows != null && flows.expiredIdle() > 0) {
            err.println("gatelens: " + name + ": " + flows.expiredIdle() + " connections had no frame for "
                    + FlowTable.IDLE_TIMEOUT_NANOS / 1_000_000_000L + " s and were let go before they ended");
        }
        err.flush();
        return code == ExitCodes.OK && correlator.errors() > 0 ? ExitCodes.PROBLEMS_FOUND : code;
    }
}
