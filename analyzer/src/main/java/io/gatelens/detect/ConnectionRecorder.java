package io.gatelens.detect;

import io.gatelens.anomaly.Anomaly;
import io.gatelens.anomaly.AnomalyCode;
import io.gatelens.flow.Connection;
import io.gatelens.http.Transaction;
import io.gatelens.pipeline.TransactionRow;
import io.gatelens.tcp.Direction;
import io.gatelens.tcp.SegmentEvent;
import io.gatelens.tcp.StreamListener;
import io.gatelens.tcp.TcpStats;

import java.util.List;

import static io.gatelens.detect.ConnectionFacts.C2S;
import static io.gatelens.detect.ConnectionFacts.S2C;

/**
 * One connection's stream listener for the diagnosis: it notes the TCP facts the detectors need
 * ({@link ConnectionFacts}), passes every event on to the connection's HTTP analysis, and runs
 * the detectors on each exchange that analysis hands back ({@link #exchange}) and once more when
 * the connection is over. Each event is noted before it is passed on, so an exchange handed back
 * during a FIN or RST is judged knowing that FIN or RST.
 */
public final class ConnectionRecorder implements StreamListener {
    private final ConnectionFacts facts;
    private final Diagnosis diagnosis;
    private final Findings findings;
    private StreamListener http = NONE;

    ConnectionRecorder(Connection connection, Diagnosis diagnosis) {
        this.facts = new ConnectionFacts(connection);
        this.diagnosis = diagnosis;
        this.findings = new Findings(facts, diagnosis);
    }

    /** The connection's HTTP analysis, whose exchanges must come back through {@link #exchange}. */
    public void attach(StreamListener httpListener) {
        this.http = httpListener;
    }

    public ConnectionFacts facts() {
        return facts;
    }

    // ------------------------------------------------------------------ stream events

    @Override
    public void data(Direction dir, byte[] buf, int off, int len, long streamOffset, long frame, long nanos) {
        int s = ConnectionFacts.side(dir);
        int o = 1 - s;
        if (facts.firstDataFrame[s] < 0) {
            facts.firstDataFrame[s] = frame;
            facts.firstDataNanos[s] = nanos;
        }
        if (facts.lastDataFrame[o] > facts.lastDataFrame[s] || facts.turnFrame[s] < 0) {
            facts.turnFrame[s] = frame;
            facts.turnNanos[s] = nanos;
            facts.turnOffset[s] = streamOffset;
        }
        facts.lastDataFrame[s] = frame;
        facts.lastDataNanos[s] = nanos;
        facts.bytes[s] = streamOffset + len;
        http.data(dir, buf, off, len, streamOffset, frame, nanos);
    }

    @Override
    public void gap(Direction dir, long streamOffset, long length, long frame, long nanos) {
        facts.bytes[ConnectionFacts.side(dir)] = streamOffset + length;
        http.gap(dir, streamOffset, length, frame, nanos);
    }

    @Override
    public void fin(Direction dir, long frame, long nanos) {
        int s = ConnectionFacts.side(dir);
        if (facts.finFrame[s] < 0) {
            boolean idle = idleBetweenExchanges();
            if (s == C2S && facts.closeFrame(C2S) < 0) clientClosing();
            facts.finFrame[s] = frame;
            facts.finNanos[s] = nanos;
            if (idle) diagnosis.upstreams().idleClose(facts, s == S2C, frame, nanos, nanos - facts.previousEndNanos);
        }
        http.fin(dir, frame, nanos);
    }

    @Override
    public void reset(Direction dir, boolean afterFin, long frame, long nanos) {
        int s = ConnectionFacts.side(dir);
        if (facts.rstFrame[s] < 0) {
            if (s == C2S && facts.closeFrame(C2S) < 0) clientClosing();
            facts.rstFrame[s] = frame;
            facts.rstNanos[s] = nanos;
        }
        http.reset(dir, afterFin, frame, nanos);
    }

    @Override
    public void anomaly(Anomaly a) {
        http.anomaly(a);
    }

    @Override
    public void segment(SegmentEvent event, Direction dir, long frame, long nanos) {
        int s = ConnectionFacts.side(dir);
        switch (event) {
            case SYN:
                facts.synFrame = frame;
                facts.synNanos = nanos;
                facts.lastSynFrame = frame;
                facts.lastSynNanos = nanos;
                break;
            case SYN_RETRANSMITTED:
                facts.synRetransmissions++;
                facts.lastSynFrame = frame;
                facts.lastSynNanos = nanos;
                break;
            case SYN_ACK:
                facts.synAckFrame = frame;
                facts.synAckNanos = nanos;
                facts.synBeforeSynAckNanos = facts.synFrame < 0 ? -1 : facts.lastSynNanos;
                break;
            case RETRANSMISSION:
                retransmission(s, frame, nanos);
                break;
            case ZERO_WINDOW:
                facts.zeroSinceFrame[s] = frame;
                facts.zeroSinceNanos[s] = nanos;
                break;
            case WINDOW_OPENED:
                windowOpened(s, frame, nanos);
                break;
            default:
                break;
        }
        http.segment(event, dir, frame, nanos);
    }

    @Override
    public void closed(TcpStats stats) {
        http.closed(stats); // hands on the exchanges still open: they are judged first
        long now = diagnosis.clock();
        for (int s = 0; s < 2; s++) {
            if (facts.zeroSinceFrame[s] >= 0) windowOpened(s, -1, Math.max(now, facts.zeroSinceNanos[s]));
        }
        for (Detector d : diagnosis.detectors()) d.closed(facts, findings);
        diagnosis.sink().connectionClosed(facts.connection, stats);
    }

    // ------------------------------------------------------------------ from the HTTP analysis

    /** An exchange the connection's HTTP analysis handed on: passed to the sink, then judged. */
    public void exchange(TransactionRow row) {
        Transaction t = row.transaction();
        noteTls(t.anomalies());
        diagnosis.sink().exchange(row);
        diagnosis.upstreams().exchange(facts, row);
        findings.beginExchange();
        for (Detector d : diagnosis.detectors()) {
            d.exchange(facts, row, findings);
            if (findings.claimed()) break;
        }
        facts.exchanges++;
        long endFrame = Math.max(Math.max(t.responseLastFrame(), t.responseFirstFrame()), t.requestLastFrame());
        if (endFrame > facts.previousEndFrame) {
            facts.previousEndFrame = endFrame;
            facts.previousEndNanos = endFrame == t.responseLastFrame() ? t.responseLastNanos()
                    : endFrame == t.responseFirstFrame() ? t.responseFirstNanos() : t.requestLastNanos();
        }
        facts.clientBytesAtPreviousEnd = facts.bytes[C2S];
    }

    /** An anomaly outside any exchange (not HTTP, TLS, a gap between messages): noted, then passed to the sink. */
    public void connectionAnomaly(Anomaly a) {
        noteTls(List.of(a));
        diagnosis.sink().anomaly(a);
    }

    // ------------------------------------------------------------------ bookkeeping

    private void noteTls(List<Anomaly> anomalies) {
        for (Anomaly a : anomalies) {
            if (a.code() != AnomalyCode.NOT_HTTP_TLS || a.direction() == null) continue;
            int s = ConnectionFacts.side(a.direction());
            if (facts.tlsFrame[s] < 0) {
                facts.tlsFrame[s] = a.frame();
                facts.tlsNanos[s] = a.nanos();
            }
        }
    }

    /** At least one exchange is over and nothing was sent since: the connection is idle in keep-alive. */
    private boolean idleBetweenExchanges() {
        return facts.exchanges > 0 && facts.bytes[C2S] == facts.clientBytesAtPreviousEnd
                && facts.closeFrame(C2S) < 0 && facts.closeFrame(S2C) < 0 && facts.previousEndFrame > 0;
    }

    /** The client's first FIN or RST: what the server had sent by then says whether it was waiting for it. */
    private void clientClosing() {
        facts.serverDataBeforeClientCloseFrame = facts.lastDataFrame[S2C];
        facts.serverDataBeforeClientCloseNanos = facts.lastDataNanos[S2C];
    }

    private void retransmission(int s, long frame, long nanos) {
        facts.retransmissions[s]++;
        if (facts.runFirstFrame[s] < 0 || nanos - facts.runFirstNanos[s] > diagnosis.options().burstWindowNanos()) {
            facts.runFirstFrame[s] = frame;
            facts.runFirstNanos[s] = nanos;
            facts.runCount[s] = 0;
        }
        facts.runCount[s]++;
        facts.runLastFrame[s] = frame;
        facts.runLastNanos[s] = nanos;
        if (facts.runCount[s] > facts.burstCount[s]) {
            facts.burstCount[s] = facts.runCount[s];
            facts.burstFirstFrame[s] = facts.runFirstFrame[s];
            facts.burstFirstNanos[s] = facts.runFirstNanos[s];
            facts.burstLastFrame[s] = frame;
            facts.burstLastNanos[s] = nanos;
        }
    }

    /** The window opened again at {@code frame} (-1: it never did before the end, at {@code nanos}). */
    private void windowOpened(int s, long frame, long nanos) {
        if (facts.zeroSinceFrame[s] < 0) return;
        long d = nanos - facts.zeroSinceNanos[s];
        if (d > facts.stallDurationNanos[s] || facts.stallFrame[s] < 0) {
            facts.stallFrame[s] = facts.zeroSinceFrame[s];
            facts.stallNanos[s] = facts.zeroSinceNanos[s];
            facts.stallEndFrame[s] = frame;
            facts.stallDurationNanos[s] = d;
        }
        facts.zeroSinceFrame[s] = -1;
    }

    private static final StreamListener NONE = new StreamListener() {
        @Override public void data(Direction d, byte[] b, int o, int l, long so, long f, long n) { }
        @Override public void gap(Direction d, long so, long l, long f, long n) { }
        @Override public void fin(Direction d, long f, long n) { }
        @Override public void reset(Direction d, boolean a, long f, long n) { }
        @Override public void closed(TcpStats s) { }
        @Override public void anomaly(Anomaly a) { }
    };
}
