package io.gatelens.detect;

import io.gatelens.anomaly.Anomaly;
import io.gatelens.anomaly.AnomalyCode;
import io.gatelens.detect.ConnectionFacts.Side;
import io.gatelens.flow.Connection;
import io.gatelens.http.Transaction;
import io.gatelens.pipeline.TransactionRow;
import io.gatelens.tcp.Direction;
import io.gatelens.tcp.SegmentEvent;
import io.gatelens.tcp.StreamListener;
import io.gatelens.tcp.TcpStats;

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
        Side me = facts.side(dir);
        Side other = facts.side(dir.reverse());
        if (me.firstDataFrame < 0) {
            me.firstDataFrame = frame;
            me.firstDataNanos = nanos;
        }
        if (other.lastDataFrame > me.lastDataFrame || me.turnFrame < 0) {
            me.turnFrame = frame;
            me.turnNanos = nanos;
            me.turnOffset = streamOffset;
        }
        me.lastDataFrame = frame;
        me.lastDataNanos = nanos;
        me.bytes = streamOffset + len;
        http.data(dir, buf, off, len, streamOffset, frame, nanos);
    }

    @Override
    public void gap(Direction dir, long streamOffset, long length, long frame, long nanos) {
        facts.side(dir).bytes = streamOffset + length;
        http.gap(dir, streamOffset, length, frame, nanos);
    }

    @Override
    public void fin(Direction dir, long frame, long nanos) {
        int s = ConnectionFacts.index(dir);
        Side me = facts.side(s);
        if (me.finFrame < 0) {
            boolean idle = idleBetweenExchanges();
            if (s == C2S && facts.closeFrame(C2S) < 0) clientClosing();
            me.finFrame = frame;
            me.finNanos = nanos;
            long idleNanos = nanos - facts.previousEndNanos;
            if (idle && idleNanos >= diagnosis.options().keepAliveMinIdleNanos()) {
                diagnosis.upstreams().idleClose(facts, s == S2C, frame, nanos, idleNanos);
            }
        }
        http.fin(dir, frame, nanos);
    }

    @Override
    public void reset(Direction dir, boolean afterFin, long frame, long nanos) {
        int s = ConnectionFacts.index(dir);
        Side me = facts.side(s);
        if (me.rstFrame < 0) {
            if (s == C2S && facts.closeFrame(C2S) < 0) clientClosing();
            me.rstFrame = frame;
            me.rstNanos = nanos;
        }
        http.reset(dir, afterFin, frame, nanos);
    }

    @Override
    public void anomaly(Anomaly a) {
        http.anomaly(a);
    }

    @Override
    public void segment(SegmentEvent event, Direction dir, long frame, long nanos) {
        Side me = facts.side(dir);
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
                retransmission(me, frame, nanos);
                break;
            case ZERO_WINDOW:
                me.zeroSinceFrame = frame;
                me.zeroSinceNanos = nanos;
                break;
            case WINDOW_OPENED:
                windowOpened(me, frame, nanos);
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
        // A window still shut when the connection ends stalled until then.
        windowOpened(facts.client, -1, Math.max(now, facts.client.zeroSinceNanos));
        windowOpened(facts.server, -1, Math.max(now, facts.server.zeroSinceNanos));
        for (Detector d : diagnosis.detectors()) d.closed(facts, findings);
        diagnosis.sink().connectionClosed(facts.connection, stats);
    }

    // ------------------------------------------------------------------ from the HTTP analysis

    /** An exchange the connection's HTTP analysis handed on: passed to the sink, then judged. */
    public void exchange(TransactionRow row) {
        Transaction t = row.transaction();
        for (Anomaly a : t.anomalies()) noteTls(a);
        diagnosis.sink().exchange(row);
        diagnosis.upstreams().exchange(facts, row);
        findings.beginExchange();
        for (Detector d : diagnosis.detectors()) {
            d.exchange(facts, row, findings);
            if (findings.claimed()) break;
        }
        facts.exchanges++;
        if (t.responseFirstNanos() >= 0 && t.requestLastNanos() >= 0 && t.responseFirstFrame() > t.requestLastFrame()) {
            long answer = t.responseFirstNanos() - t.requestLastNanos();
            if (facts.fastestAnswerNanos < 0 || answer < facts.fastestAnswerNanos) facts.fastestAnswerNanos = answer;
        }
        long endFrame = Math.max(Math.max(t.responseLastFrame(), t.responseFirstFrame()), t.requestLastFrame());
        if (endFrame > facts.previousEndFrame) {
            facts.previousEndFrame = endFrame;
            facts.previousEndNanos = endFrame == t.responseLastFrame() ? t.responseLastNanos()
                    : endFrame == t.responseFirstFrame() ? t.responseFirstNanos() : t.requestLastNanos();
        }
        facts.clientBytesAtPreviousEnd = facts.client.bytes;
    }

    /** An anomaly outside any exchange (not HTTP, TLS, a gap between messages): noted, then passed to the sink. */
    public void connectionAnomaly(Anomaly a) {
        noteTls(a);
        diagnosis.sink().anomaly(a);
    }

    // ------------------------------------------------------------------ bookkeeping

    private void noteTls(Anomaly a) {
        if (a.code() != AnomalyCode.NOT_HTTP_TLS || a.direction() == null) return;
        Side me = facts.side(a.direction());
        if (me.tlsFrame < 0) {
            me.tlsFrame = a.frame();
            me.tlsNanos = a.nanos();
        }
    }

    /**
     * At least one exchange is over and nothing was sent since, either way: the connection is idle
     * in keep-alive. (Server bytes after the end: the rest of a response the parser gave up on,
     * such as a bad chunk; a close after them answers them, it is no idle timeout.)
     */
    private boolean idleBetweenExchanges() {
        return facts.exchanges > 0 && facts.client.bytes == facts.clientBytesAtPreviousEnd
                && facts.server.lastDataFrame <= facts.previousEndFrame
                && facts.closeFrame(C2S) < 0 && facts.closeFrame(S2C) < 0 && facts.previousEndFrame > 0;
    }

    /** The client's first FIN or RST: what the server had sent by then says whether it was waiting for it. */
    private void clientClosing() {
        facts.serverDataBeforeClientCloseFrame = facts.server.lastDataFrame;
        facts.serverDataBeforeClientCloseNanos = facts.server.lastDataNanos;
    }

    private void retransmission(Side me, long frame, long nanos) {
        me.retransmissions++;
        if (me.runFirstFrame < 0 || nanos - me.runFirstNanos > diagnosis.options().burstWindowNanos()) {
            me.runFirstFrame = frame;
            me.runFirstNanos = nanos;
            me.runCount = 0;
        }
        me.runCount++;
        me.runLastFrame = frame;
        me.runLastNanos = nanos;
        if (me.runCount > me.burstCount) {
            me.burstCount = me.runCount;
            me.burstFirstFrame = me.runFirstFrame;
            me.burstFirstNanos = me.runFirstNanos;
            me.burstLastFrame = frame;
            me.burstLastNanos = nanos;
        }
    }

    /** The window opened again at {@code frame} (-1: it never did before the end, at {@code nanos}). */
    private static void windowOpened(Side me, long frame, long nanos) {
        if (me.zeroSinceFrame < 0) return;
        long d = nanos - me.zeroSinceNanos;
        if (d > me.stallDurationNanos || me.stallFrame < 0) {
            me.stallFrame = me.zeroSinceFrame;
            me.stallNanos = me.zeroSinceNanos;
            me.stallEndFrame = frame;
            me.stallDurationNanos = d;
        }
        me.zeroSinceFrame = -1;
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
