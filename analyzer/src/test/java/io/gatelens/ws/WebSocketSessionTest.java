package io.gatelens.ws;

import io.gatelens.anomaly.Anomaly;
import io.gatelens.anomaly.AnomalyCode;
import io.gatelens.tcp.Direction;
import io.gatelens.tcp.TcpStats;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.gatelens.ws.WsBytes.*;
import static org.junit.jupiter.api.Assertions.*;

class WebSocketSessionTest {
    private static final Direction C2S = Direction.CLIENT_TO_SERVER;
    private static final Direction S2C = Direction.SERVER_TO_CLIENT;

    private final List<Anomaly> anomalies = new ArrayList<>();
    private final WebSocketSession session = new WebSocketSession(12, 0, anomalies::add, null);
    private final long[] offsets = new long[2];
    private long frameNo = 100;

    /** Sends {@code bytes} in one segment, as the next capture frame; returns its number. */
    private long send(Direction dir, byte[] bytes) {
        long n = ++frameNo;
        session.data(dir, bytes, 0, bytes.length, offsets[dir.ordinal()], n, n * 1000);
        offsets[dir.ordinal()] += bytes.length;
        return n;
    }

    private long fin(Direction dir) {
        long n = ++frameNo;
        session.fin(dir, n, n * 1000);
        return n;
    }

    private long reset(Direction dir) {
        long n = ++frameNo;
        session.reset(dir, false, n, n * 1000);
        return n;
    }

    private WebSocketSummary done() {
        session.closed(new TcpStats());
        return session.summary();
    }

    private void echo() {
        send(C2S, frame(FIN | 1, MASK, text("hello")));
        send(S2C, frame(FIN | 1, null, text("hello back")));
    }

    @Test
    void closedCleanly() {
        echo();
        long first = send(S2C, close(1001, "restart", null));
        long answer = send(C2S, close(1001, "", MASK));
        fin(S2C);
        fin(C2S);
        WebSocketSummary s = done();
        assertEquals(WebSocketOutcome.CLOSED_CLEANLY, s.outcome());
        assertEquals("closed_cleanly", s.outcome().id());
        assertEquals(answer, s.outcomeFrame());
        assertEquals(answer * 1000, s.outcomeNanos());
        assertEquals(S2C, s.firstCloser());
        assertTrue(s.closeAnswered());
        assertEquals(first, s.closeFrame(S2C));
        assertEquals(1001, s.closeCode(S2C));
        assertEquals("restart", s.closeReason(S2C));
        assertEquals(1001, s.closeCode(C2S));
        assertNull(s.closeReason(C2S));
        assertEquals(2, s.frames(C2S));
        assertEquals(1, s.frames(C2S, FrameKind.TEXT));
        assertEquals(1, s.frames(S2C, FrameKind.CLOSE));
        assertEquals(5 + 2, s.payloadBytes(C2S));
        assertEquals(10, s.payloadBytes(S2C, FrameKind.TEXT));
        assertEquals(1, s.messages(S2C));
        assertEquals("hello", s.firstText(C2S));
        assertEquals("hello back", s.firstText(S2C));
        assertEquals(List.of(), anomalies);
    }

    @Test
    void closedCleanlyEvenWhenResetAfterTheClosingHandshake() {
        send(C2S, close(1000, "", MASK));
        long answer = send(S2C, close(1000, "", null));
        reset(S2C);
        WebSocketSummary s = done();
        assertEquals(WebSocketOutcome.CLOSED_CLEANLY, s.outcome());
        assertEquals(answer, s.outcomeFrame());
        assertEquals(S2C, s.resetBy());
    }

    @Test
    void closedOneWay() {
        echo();
        long close = send(C2S, close(1000, "", MASK));
        send(S2C, frame(FIN | 1, null, text("still talking")));
        fin(C2S);
        fin(S2C);
        WebSocketSummary s = done();
        assertEquals(WebSocketOutcome.CLOSED_ONE_WAY, s.outcome());
        assertEquals("closed_one_way", s.outcome().id());
        assertEquals(close, s.outcomeFrame());
        assertEquals(C2S, s.firstCloser());
        assertFalse(s.closeAnswered());
    }

    @Test
    void resetAfterUpgrade() {
        echo();
        long rst = reset(S2C);
        WebSocketSummary s = done();
        assertEquals(WebSocketOutcome.RESET_AFTER_UPGRADE, s.outcome());
        assertEquals("reset_after_upgrade", s.outcome().id());
        assertEquals(rst, s.outcomeFrame());
        assertEquals(S2C, s.resetBy());
    }

    @Test
    void resetInsideAFrameTruncatesIt() {
        byte[] big = frame(FIN | 2, null, new byte[1000]);
        session.data(S2C, big, 0, 500, 0, 1, 0);
        reset(S2C);
        WebSocketSummary s = done();
        assertEquals(WebSocketOutcome.RESET_AFTER_UPGRADE, s.outcome());
        assertTrue(s.truncated(S2C));
        assertEquals(List.of(AnomalyCode.WS_FRAME_TRUNCATED), codes());
    }

    @Test
    void closedWithoutCloseFrame() {
        echo();
        long fin = fin(S2C);
        fin(C2S);
        WebSocketSummary s = done();
        assertEquals(WebSocketOutcome.CLOSED_WITHOUT_CLOSE_FRAME, s.outcome());
        assertEquals("closed_without_close_frame", s.outcome().id());
        assertEquals(fin, s.outcomeFrame());
        assertEquals(fin, s.finFrame(S2C));
    }

    @Test
    void truncatedByFinInsideAFrame() {
        echo();
        byte[] f = frame(FIN | 1, null, text("cut short"));
        session.data(S2C, f, 0, 4, offsets[1], 50, 0);
        long fin = fin(S2C);
        WebSocketSummary s = done();
        assertEquals(WebSocketOutcome.TRUNCATED, s.outcome());
        assertEquals("truncated", s.outcome().id());
        assertEquals(fin, s.outcomeFrame());
        assertEquals(List.of(AnomalyCode.WS_FRAME_TRUNCATED), codes());
        Anomaly a = anomalies.get(0);
        assertEquals(12, a.connection());
        assertEquals(50, a.frame(), "points at the cut frame's first byte");
        assertEquals(offsets[1], a.streamOffset());
    }

    @Test
    void truncatedByAGapThatStopsParsing() {
        echo();
        long gapFrame = ++frameNo;
        session.gap(S2C, offsets[1], 30, gapFrame, 0);
        WebSocketSummary s = done();
        assertEquals(WebSocketOutcome.TRUNCATED, s.outcome());
        assertEquals(gapFrame, s.outcomeFrame());
        assertTrue(s.cutByGap(S2C));
        assertEquals(List.of(AnomalyCode.WS_CUT_BY_GAP), codes());
    }

    @Test
    void openAtEnd() {
        echo();
        byte[] f = frame(FIN | 2, null, new byte[100]);
        long last = send(S2C, java.util.Arrays.copyOf(f, 50));
        WebSocketSummary s = done();
        assertEquals(WebSocketOutcome.OPEN_AT_END, s.outcome());
        assertEquals("open_at_end", s.outcome().id());
        assertEquals(last, s.outcomeFrame());
        assertEquals(List.of(), anomalies, "the capture ending is not the frame ending");
        assertTrue(s.closed());
    }

    @Test
    void nothingAtAllIsOpenAtEnd() {
        WebSocketSummary s = done();
        assertEquals(WebSocketOutcome.OPEN_AT_END, s.outcome());
        assertEquals(-1, s.outcomeFrame());
        assertEquals(0, s.frames(C2S));
    }

    @Test
    void anomaliesCarryTheConnectionAndTcpAnomaliesPassThrough() {
        send(C2S, frame(FIN | 1, null, text("unmasked")));
        send(S2C, frame(FIN | 1, MASK, text("masked")));
        Anomaly tcp = new Anomaly(AnomalyCode.TCP_GAP, 12, S2C, 9, 0, 0, "x");
        session.anomaly(tcp);
        assertEquals(List.of(AnomalyCode.WS_UNMASKED_CLIENT_FRAME, AnomalyCode.WS_MASKED_SERVER_FRAME,
                AnomalyCode.TCP_GAP), codes());
        assertEquals(C2S, anomalies.get(0).direction());
        assertEquals(S2C, anomalies.get(1).direction());
        assertEquals(12, anomalies.get(0).connection());
        assertSame(tcp, anomalies.get(2));
        assertEquals(2, done().anomalies(), "TCP anomalies are not counted as WebSocket ones");
    }

    @Test
    void fragmentedMessagesAndFramesAfterClose() {
        send(S2C, frame(1, null, text("a")));
        send(S2C, frame(FIN | 9, null, new byte[0]));
        send(S2C, frame(0, null, text("b")));
        send(S2C, frame(FIN, null, text("c")));
        send(S2C, close(1000, "", null));
        send(S2C, frame(FIN | 2, null, new byte[4]));
        WebSocketSummary s = done();
        assertEquals(2, s.messages(S2C), "the fragmented one, and the binary one after the close");
        assertEquals(2, s.frames(S2C, FrameKind.CONTINUATION));
        assertEquals(1, s.frames(S2C, FrameKind.PING));
        assertEquals(1, s.framesAfterClose(S2C));
        assertEquals(List.of(AnomalyCode.WS_DATA_AFTER_CLOSE), codes());
    }

    @Test
    void deflateNegotiatedInTheHandshakeAllowsRsv1() {
        io.gatelens.http.Headers req = new io.gatelens.http.Headers();
        req.add("Sec-WebSocket-Extensions", "permessage-deflate");
        io.gatelens.http.Headers resp = new io.gatelens.http.Headers();
        resp.add("Sec-WebSocket-Extensions", "permessage-deflate");
        HandshakeResult h = WebSocketHandshake.check(req, 101, resp);
        WebSocketSession deflate = new WebSocketSession(1, h, anomalies::add);
        byte[] f = frame(FIN | RSV1 | 1, null, new byte[5]);
        deflate.data(S2C, f, 0, f.length, 0, 1, 0);
        assertEquals(List.of(), codes());
        session.data(S2C, f, 0, f.length, 0, 1, 0);
        assertEquals(List.of(AnomalyCode.WS_RESERVED_BITS), codes());
    }

    private List<AnomalyCode> codes() {
        List<AnomalyCode> out = new ArrayList<>();
        for (Anomaly a : anomalies) out.add(a.code());
        return out;
    }
}
