package io.gatelens.pipeline;

import io.gatelens.anomaly.Anomaly;
import io.gatelens.capture.PacketSource;
import io.gatelens.detect.ConnectionRecorder;
import io.gatelens.detect.DetectOptions;
import io.gatelens.detect.Diagnosis;
import io.gatelens.detect.DiagnosisSink;
import io.gatelens.flow.Connection;
import io.gatelens.http.HttpLimits;
import io.gatelens.flow.FlowTable;
import io.gatelens.tcp.StreamListener;
import io.gatelens.tcp.TcpLimits;
import io.gatelens.tcp.TcpReassembler;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongConsumer;

/** The chains the commands run: each one streaming pass, wired one way. */
public final class Passes {
    private Passes() {}

    /** What one pass left for the command to report: the summary and the flow table's counters. */
    public record Result(CaptureSummary summary, FlowTable flows) {}

    /**
     * Frames to connections to reassembled streams: {@code listeners} gives each connection its
     * stream listener; {@code done} then sees each connection once it is over.
     */
    public static Result streams(Path file, int maxConnections, TcpLimits limits,
                                 Function<Connection, StreamListener> listeners,
                                 Consumer<Connection> done) throws IOException {
        return streams(file, maxConnections, limits, listeners, done, null);
    }

    /** As above, telling {@code progress} (may be null) how far the pass has read. */
    public static Result streams(Path file, int maxConnections, TcpLimits limits,
                                 Function<Connection, StreamListener> listeners,
                                 Consumer<Connection> done, CapturePass.Progress progress) throws IOException {
        return streams(file, maxConnections, limits, listeners, done, progress, null);
    }

    /**
     * As above; {@code clock}, when not null, sees each TCP frame's time before the frame is
     * handled (the diagnosis hands it its {@link ListenerThread}; tests compare the one-thread form
     * with both second-thread forms).
     */
    static Result streams(Path file, int maxConnections, TcpLimits limits,
                                  Function<Connection, StreamListener> listeners,
                                  Consumer<Connection> done, CapturePass.Progress progress,
                                  LongConsumer clock) throws IOException {
        return streams(pass -> pass.run(file), maxConnections, limits, listeners, done, progress, clock, null);
    }

    /** Where a pass reads its frames from: a file, or a source already open (live, followed). */
    @FunctionalInterface
    interface Input {
        CaptureSummary readWith(CapturePass pass) throws IOException;
    }

    private static Result streams(Input input, int maxConnections, TcpLimits limits,
                                  Function<Connection, StreamListener> listeners,
                                  Consumer<Connection> done, CapturePass.Progress progress,
                                  LongConsumer clock, Consumer<FlowTable> opened) throws IOException {
        TcpReassembler reassembler = new TcpReassembler(limits, listeners);
        FlowTable flows = new FlowTable(maxConnections, c -> {
            reassembler.connectionDone(c);
            done.accept(c);
        });
        if (opened != null) opened.accept(flows);
        // A connection's streams are finished as soon as it ends (FIN both ways, or RST), not when
        // the flow table lets it go: at thousands of connections a second, holding parsers for the
        // table's linger would make memory grow with the capture. Late segments (the last ACK)
        // still count in the flow table; any data they carry is past the end and not analysed.
        CapturePass.SegmentListener segments = (c, dir, frame, packet) -> {
            if (clock != null) clock.accept(frame.epochNanos());
            if (c.analysisFinished()) return;
            reassembler.segment(c, dir, frame, packet);
            if (c.ended()) {
                c.finishAnalysis();
                reassembler.connectionDone(c);
            }
        };
        CaptureSummary summary = input.readWith(new CapturePass(flows, segments, progress));
        return new Result(summary, flows);
    }

    /**
     * HTTP exchanges (with WebSocket sessions behind upgrades) as each completes, and anomalies
     * that fall outside any exchange.
     */
    public static Result transactions(Path file, int maxConnections, HttpLimits limits,
                                      Consumer<TransactionRow> rows, Consumer<Anomaly> anomalies) throws IOException {
        return transactions(file, maxConnections, limits, rows, anomalies, null);
    }

    public static Result transactions(Path file, int maxConnections, HttpLimits limits,
                                      Consumer<TransactionRow> rows, Consumer<Anomaly> anomalies,
                                      CapturePass.Progress progress) throws IOException {
        HttpWiring http = new HttpWiring(limits, rows, anomalies);
        // Rows read only the connection's id and endpoints, which do not change.
        return streamsOnSecondThread(file, maxConnections, TcpLimits.DEFAULT, http::listenerFor, progress,
                ReassemblyThread.ARENA);
    }

    /**
     * As {@link #streams}, with reassembly and the listeners on a second thread: for listeners
     * that read nothing of their connection but its id and endpoints (see {@link ReassemblyThread}).
     */
    static Result streamsOnSecondThread(Path file, int maxConnections, TcpLimits limits,
                                        Function<Connection, StreamListener> listeners,
                                        CapturePass.Progress progress, int arenaBytes) throws IOException {
        try (ReassemblyThread parse = new ReassemblyThread(limits, listeners, arenaBytes)) {
            FlowTable flows = new FlowTable(maxConnections, parse::connectionDone);
            CaptureSummary summary = new CapturePass(flows, parse, progress).run(file);
            return new Result(summary, flows);
        }
    }

    /**
     * The per-connection diagnosis (issue #4): every connection's exchanges, the detectors'
     * findings and anomalies outside exchanges go to {@code sink} as they come, each connection's
     * close after them; at the end, the per-upstream predictors and timings. Findings are made
     * whatever the connection's leg: telling client legs from upstream legs is the caller's job.
     */
    public static Result diagnose(Path file, int maxConnections, HttpLimits limits, DetectOptions options,
                                  DiagnosisSink sink) throws IOException {
        return diagnose(file, maxConnections, limits, options, sink, null);
    }

    public static Result diagnose(Path file, int maxConnections, HttpLimits limits, DetectOptions options,
                                  DiagnosisSink sink, CapturePass.Progress progress) throws IOException {
        Diagnosis diagnosis = new Diagnosis(options, sink);
        HttpWiring http = new HttpWiring(limits);
        // Reassembly on the pass thread, the diagnosis (HTTP and the detectors, the heavier half)
        // on the second, with the pass's clock: the sink is called there.
        Result result;
        try (ListenerThread parse = new ListenerThread(c -> {
            ConnectionRecorder recorder = diagnosis.open(c);
            recorder.attach(http.listenerFor(c, recorder::exchange, recorder::connectionAnomaly));
            return recorder;
        }, diagnosis::clock)) {
            result = streams(file, maxConnections, TcpLimits.DEFAULT, parse, c -> { }, progress, parse);
        }
        diagnosis.finish();
        return result;
    }

    /**
     * The same diagnosis on a source already open, all on the calling thread: for a live capture
     * or a followed file, where the source's ticks run on this thread too and a second thread's
     * batches would hold findings back while the link is quiet. Per frame it is the file's pass
     * (tests check the one-thread and two-thread forms agree). {@code opened} (may be null) gets
     * the flow table before the first frame, for a status line; {@code frameTimes} (may be null)
     * each TCP frame's time.
     */
    public static Result diagnose(PacketSource source, int maxConnections, HttpLimits limits, DetectOptions options,
                                  DiagnosisSink sink, Consumer<FlowTable> opened, LongConsumer frameTimes)
            throws IOException {
        Diagnosis diagnosis = new Diagnosis(options, sink);
        HttpWiring http = new HttpWiring(limits);
        Result result = streams(pass -> pass.run(source), maxConnections, TcpLimits.DEFAULT, c -> {
            ConnectionRecorder recorder = diagnosis.open(c);
            recorder.attach(http.listenerFor(c, recorder::exchange, recorder::connectionAnomaly));
            return recorder;
        }, c -> { }, null, frameTimes == null ? diagnosis::clock : t -> {
            diagnosis.clock(t);
            frameTimes.accept(t);
        }, opened);
        diagnosis.finish();
        return result;
    }

    /**
     * The same as {@link #diagnose(PacketSource, int, HttpLimits, DetectOptions, DiagnosisSink,
     * Consumer, LongConsumer)} with the diagnosis (HTTP, detectors, {@code sink}) on a second
     * thread, as a file's: {@code onDiagnosisThread} is given a way to run code there, after the
     * events of the frames read so far (a live capture's ticks and status line). On a machine
     * whose cores are busy (the proxy under load) two threads also get the pass a fairer share.
     */
    public static Result diagnoseOnSecondThread(PacketSource source, int maxConnections, HttpLimits limits,
                                                DetectOptions options, DiagnosisSink sink, Consumer<FlowTable> opened,
                                                LongConsumer frameTimes,
                                                Consumer<Consumer<Runnable>> onDiagnosisThread) throws IOException {
        Diagnosis diagnosis = new Diagnosis(options, sink);
        HttpWiring http = new HttpWiring(limits);
        Result result;
        try (ListenerThread parse = new ListenerThread(c -> {
            ConnectionRecorder recorder = diagnosis.open(c);
            recorder.attach(http.listenerFor(c, recorder::exchange, recorder::connectionAnomaly));
            return recorder;
        }, diagnosis::clock)) {
            onDiagnosisThread.accept(parse::run);
            result = streams(pass -> pass.run(source), maxConnections, TcpLimits.DEFAULT, parse, c -> { }, null,
                    frameTimes == null ? parse : t -> {
                        parse.accept(t);
                        frameTimes.accept(t);
                    }, opened);
        }
        diagnosis.finish();
        return result;
    }

    /** TCP statistics per connection, handed on as each connection ends. */
    public static Result tcpStats(Path file, int maxConnections, Consumer<StreamSummary> rows) throws IOException {
        return tcpStats(file, maxConnections, rows, null);
    }

    public static Result tcpStats(Path file, int maxConnections, Consumer<StreamSummary> rows,
                                  CapturePass.Progress progress) throws IOException {
        return streams(file, maxConnections, TcpLimits.DEFAULT, c -> new StatsOnly(c, rows), c -> { }, progress);
    }
}
