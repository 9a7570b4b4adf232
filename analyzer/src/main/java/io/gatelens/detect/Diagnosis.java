package io.gatelens.detect;

import io.gatelens.flow.Connection;

import java.util.List;

/**
 * One pass's diagnosis: gives each connection its {@link ConnectionRecorder}, runs the
 * detectors in their fixed order, keeps the per-upstream timings, and at the end reports the
 * predictors that need every connection of an upstream. Not thread-safe: one pass, one thread.
 *
 * <p>Use: {@link #open} per connection (attach its HTTP analysis to the recorder), {@link #clock}
 * with each frame's time, {@link #finish} once after the last connection closed.
 */
public final class Diagnosis {
    /**
     * The order decides which cause explains an exchange when several could: the more specific
     * first (a TLS mismatch before the close it leads to, a keep-alive race before a plain reset,
     * a proxy timeout before the upstream's answering FIN), the upstream's own 5xx last.
     */
    private static final List<Detector> DETECTORS = List.of(
            new ConnectDetector(),
            new TlsMismatchDetector(),
            new KeepAliveRaceDetector(),
            new WebSocketDetector(),
            new ResponseHeadDetector(),
            new HeaderSizeDetector(),
            new ResponseTimeoutDetector(),
            new BadChunkedDetector(),
            new EarlyEndDetector(),
            new UpstreamStatusDetector(),
            new TcpStallDetector());

    private final DetectOptions options;
    private final DiagnosisSink sink;
    private final Upstreams upstreams;
    private long clock;

    public Diagnosis(DetectOptions options, DiagnosisSink sink) {
        this.options = options;
        this.sink = sink;
        this.upstreams = new Upstreams(options, sink);
    }

    /** The recorder for a new connection; attach the connection's HTTP analysis to it. */
    public ConnectionRecorder open(Connection c) {
        ConnectionRecorder r = new ConnectionRecorder(c, this);
        upstreams.connectionOpened(r.facts());
        return r;
    }

    /** The time of the latest frame read: an unanswered connect is judged against it at the end. */
    public void clock(long nanos) {
        if (nanos > clock) clock = nanos;
    }

    /** After the last connection closed: per-upstream predictors and timings. */
    public void finish() {
        upstreams.finish();
    }

    /** Upstream endpoints whose timings were concluded early because {@link DetectOptions#maxUpstreams} was reached. */
    public long upstreamsEvicted() {
        return upstreams.evicted();
    }

    long clock() { return clock; }
    DetectOptions options() { return options; }
    DiagnosisSink sink() { return sink; }
    Upstreams upstreams() { return upstreams; }
    List<Detector> detectors() { return DETECTORS; }
}
