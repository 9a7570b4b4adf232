package io.gatelens.http;

import io.gatelens.anomaly.Anomaly;
import io.gatelens.anomaly.AnomalyCode;
import io.gatelens.tcp.Direction;
import io.gatelens.tcp.StreamListener;
import io.gatelens.tcp.TcpStats;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.gatelens.tcp.Direction.CLIENT_TO_SERVER;
import static io.gatelens.tcp.Direction.SERVER_TO_CLIENT;
import static org.junit.jupiter.api.Assertions.*;

class HttpConnectionTest {
    /** Drives one HttpConnection as a reassembler would: frames numbered in call order, time = frame x 1000. */
    static final class Wire {
        final List<Transaction> done = new ArrayList<>();
        final List<Anomaly> stray = new ArrayList<>();
        final HttpConnection conn;
        long frame;
        final long[] offset = new long[2];

        Wire(UpgradeHandlerFactory upgrades) {
            conn = new HttpConnection(42, done::add, stray::add, HttpLimits.DEFAULT, upgrades);
        }

        Wire() {
            this(null);
        }

        Wire c(String s) { return send(CLIENT_TO_SERVER, s); }
        Wire s(String s) { return send(SERVER_TO_CLIENT, s); }

        Wire send(Direction d, String s) {
            byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
            frame++;
            conn.data(d, b, 0, b.length, offset[d.ordinal()], frame, frame * 1000);
            offset[d.ordinal()] += b.length;
            return this;
        }

        Wire gap(Direction d, long n) {
            frame++;
            conn.gap(d, offset[d.ordinal()], n, frame, frame * 1000);
            offset[d.ordinal()] += n;
            return this;
        }

        Wire fin(Direction d) {
            frame++;
            conn.fin(d, frame, frame * 1000);
            return this;
        }

        Wire reset(Direction d) {
            frame++;
            conn.reset(d, false, frame, frame * 1000);
            return this;
        }

        Wire close() {
            conn.closed(new TcpStats());
            return this;
        }

        Transaction only() {
            assertEquals(1, done.size(), done.toString());
            return done.get(0);
        }
    }

    static final String GET = "GET / HTTP/1.1\r\nHost: h\r\n\r\n";
    static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

    @Test
    void simpleExchangeWithTimes() {
        Wire w = new Wire().c(GET).s("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab").s("cd");
        Transaction t = w.only();
        assertEquals(42, t.connection());
        assertEquals(0, t.index());
        assertEquals("GET", t.request().method());
        assertEquals(200, t.status());
        assertEquals(TransactionEnd.COMPLETE, t.end());
        assertEquals(4, t.responseBodyBytes());
        assertEquals(1, t.requestFirstFrame());
        assertEquals(1, t.requestLastFrame());
        assertEquals(2, t.responseFirstFrame());
        assertEquals(2000, t.responseFirstNanos());
        assertEquals(3, t.responseLastFrame());
        assertEquals(3000, t.responseLastNanos());
        assertTrue(t.anomalies().isEmpty());
        assertTrue(w.stray.isEmpty());
    }

    @Test
    void pipelinedRequestsPairInOrderWithHeadKnownToTheResponseParser() {
        Wire w = new Wire().c(GET + "HEAD /h HTTP/1.1\r\n\r\n" + "GET /3 HTTP/1.1\r\n\r\n")
                .s(OK + "HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n" + "HTTP/1.1 404 Not Found\r\nContent-Length: 1\r\n\r\nx");
        assertEquals(3, w.done.size());
        assertEquals(List.of("/", "/h", "/3"), w.done.stream().map(t -> t.request().target()).toList());
        assertEquals(List.of(200, 200, 404), w.done.stream().map(Transaction::status).toList());
        assertEquals(List.of(2L, 0L, 1L), w.done.stream().map(Transaction::responseBodyBytes).toList());
        assertEquals(List.of(0, 1, 2), w.done.stream().map(Transaction::index).toList());
        assertTrue(w.done.stream().allMatch(t -> t.end() == TransactionEnd.COMPLETE));
    }

    @Test
    void keepAliveReuse() {
        Wire w = new Wire().c(GET).s(OK).c("POST /p HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc").s(OK);
        assertEquals(2, w.done.size());
        assertEquals(3, w.done.get(1).requestBodyBytes());
        assertEquals(3, w.done.get(1).requestFirstFrame());
    }

    @Test
    void expectContinueAttachesInterimToTheRequest() {
        Wire w = new Wire().c("PUT /u HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
                .s("HTTP/1.1 100 Continue\r\n\r\n").c("data").s("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
        Transaction t = w.only();
        assertEquals(List.of(100), t.interimStatuses());
        assertEquals(201, t.status());
        assertEquals(4, t.requestBodyBytes());
        assertEquals(3, t.requestLastFrame());
        assertEquals(4, t.responseFirstFrame(), "time to first byte counts from the final response");
        assertEquals(2, t.interim().get(0).frame());
    }

    @Test
    void resetBeforeResponse() {
        Wire w = new Wire().c(GET).reset(SERVER_TO_CLIENT).close();
        Transaction t = w.only();
        assertNull(t.response());
        assertEquals(TransactionEnd.CONNECTION_RESET, t.end());
        assertEquals(SERVER_TO_CLIENT, t.resetBy());
        assertEquals("connection_reset", t.end().id());
    }

    @Test
    void finBeforeResponseIsClosedEarlyAndHandedOnAtOnce() {
        Wire w = new Wire().c(GET).fin(SERVER_TO_CLIENT);
        Transaction t = w.only();
        assertEquals(TransactionEnd.CLOSED_EARLY, t.end());
        assertNull(t.resetBy());
    }

    @Test
    void halfAStatusLineThenFin() {
        Wire w = new Wire().c("GET /ws HTTP/1.1\r\nUpgrade: websocket\r\n\r\n").s("HTTP/1.1 101 Switch").fin(SERVER_TO_CLIENT).close();
        Transaction t = w.only();
        assertNull(t.response());
        assertEquals(TransactionEnd.CLOSED_EARLY, t.end());
        assertEquals(List.of(AnomalyCode.HTTP_HEADER_TRUNCATED), t.anomalies().stream().map(Anomaly::code).toList());
    }

    @Test
    void captureEndWhileWaiting() {
        Wire w = new Wire().c(GET).close();
        assertEquals(TransactionEnd.NO_RESPONSE, w.only().end());
        Wire mid = new Wire().c(GET).s("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nab").close();
        assertEquals(TransactionEnd.CAPTURE_ENDED, mid.only().end());
        assertEquals(MessageEnd.How.UNFINISHED, mid.only().responseEnd());
    }

    @Test
    void shortBodyAndCloseDelimitedBodies() {
        Wire shortBody = new Wire().c(GET).s("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n40 bytes").fin(SERVER_TO_CLIENT);
        assertEquals(TransactionEnd.BODY_TRUNCATED, shortBody.only().end());
        assertEquals(AnomalyCode.HTTP_BODY_TRUNCATED, shortBody.only().anomalies().get(0).code());

        Wire byFin = new Wire().c(GET).s("HTTP/1.1 200 OK\r\n\r\nuntil close").fin(SERVER_TO_CLIENT);
        assertEquals(TransactionEnd.COMPLETE, byFin.only().end());
        assertEquals(11, byFin.only().responseBodyBytes());

        Wire byRst = new Wire().c(GET).s("HTTP/1.1 200 OK\r\n\r\nuntil close").reset(SERVER_TO_CLIENT);
        assertEquals(TransactionEnd.CONNECTION_RESET, byRst.only().end());
        assertEquals(SERVER_TO_CLIENT, byRst.only().resetBy());
    }

    @Test
    void badChunkIsBodyMalformedWithTheAnomaly() {
        Wire w = new Wire().c(GET).s("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n").s("zz\r\n")
                .fin(SERVER_TO_CLIENT);
        Transaction t = w.only();
        assertEquals(TransactionEnd.BODY_MALFORMED, t.end());
        assertEquals(5, t.responseBodyBytes());
        Anomaly a = t.anomalies().get(0);
        assertEquals(AnomalyCode.HTTP_BAD_CHUNK_SIZE, a.code());
        assertEquals(3, a.frame());
        assertEquals(SERVER_TO_CLIENT, a.direction());
    }

    @Test
    void responseWithoutRequestIsStillRecorded() {
        Wire w = new Wire().s(OK).close();
        Transaction t = w.only();
        assertNull(t.request());
        assertEquals(200, t.status());
        assertEquals(TransactionEnd.COMPLETE, t.end());
        Anomaly a = t.anomalies().get(0);
        assertEquals(AnomalyCode.HTTP_RESPONSE_WITHOUT_REQUEST, a.code());
        assertEquals(0, a.streamOffset());
        assertEquals(1, a.frame());
        assertEquals(SERVER_TO_CLIENT, a.direction());

        Wire second = new Wire().c(GET).s(OK).s("HTTP/1.1 204 No Content\r\n\r\n").close();
        assertEquals(2, second.done.size());
        Anomaly b = second.done.get(1).anomalies().get(0);
        assertEquals(AnomalyCode.HTTP_RESPONSE_WITHOUT_REQUEST, b.code());
        assertEquals(OK.length(), b.streamOffset());
        assertEquals(3, b.frame());
    }

    @Test
    void unansweredPipelineIsBounded() {
        Wire w = new Wire();
        int n = HttpConnection.OPEN_MAX + 5;
        w.c("GET /r HTTP/1.1\r\n\r\n".repeat(n));
        assertEquals(5, w.done.size(), "oldest handed on unanswered");
        assertTrue(w.done.stream().allMatch(t -> t.response() == null && t.end() == TransactionEnd.NO_RESPONSE));
        w.s(OK).close();
        assertEquals(n + 1, w.done.size());
        List<Transaction> answered = w.done.stream().filter(t -> t.response() != null).toList();
        assertEquals(1, answered.size());
        assertNull(answered.get(0).request(), "the answer belongs to a request already handed on");
        assertTrue(answered.get(0).anomalies().isEmpty());
        assertEquals(n, answered.get(0).index());
    }

    @Test
    void holdingIsBoundedThenParsedAsHttp() {
        // A client that sends more than the header limit after an Upgrade request without waiting
        // is assumed not to have switched: its bytes are parsed as HTTP, nothing kept past the limit.
        String upgradeReq = "GET /u HTTP/1.1\r\nUpgrade: x\r\n\r\n";
        Wire w = new Wire().c(upgradeReq);
        String filler = "POST /f HTTP/1.1\r\nContent-Length: 70000\r\n\r\n" + "a".repeat(70000);
        w.c(filler).s("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n").s(OK).close();
        assertEquals(List.of("/u", "/f"), w.done.stream().map(t -> t.request().target()).toList());
        assertEquals(70000, w.done.get(1).requestBodyBytes());
        assertEquals(List.of(400, 200), w.done.stream().map(Transaction::status).toList());
    }

    @Test
    void switchWhileTheUpgradeRequestBodyIsStillComing() {
        Wire w = new Wire().c("POST /u HTTP/1.1\r\nUpgrade: x\r\nContent-Length: 4\r\n\r\nab")
                .s("HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n").c("cdNEW").close();
        Transaction t = w.only();
        assertEquals(TransactionEnd.UPGRADED, t.end());
        assertEquals(4, t.requestBodyBytes());
        assertEquals(3, t.tunnelBytesClientToServer(), "bytes after the request body");
    }

    @Test
    void gapWhileHoldingIsAGapInHttp() {
        Wire w = new Wire().c("GET /u HTTP/1.1\r\nUpgrade: x\r\n\r\n").gap(CLIENT_TO_SERVER, 10).c(GET)
                .s("HTTP/1.1 426 Upgrade Required\r\nContent-Length: 0\r\n\r\n" + OK).close();
        assertEquals(List.of(426, 200), w.done.stream().map(Transaction::status).toList());
    }

    @Test
    void anomaliesGoWithTheirExchangeOrToTheSink() {
        Wire w = new Wire().c(GET).c("junk line\r\n").c("GET /b HTTP/1.1\r\nNo colon\r\n\r\n").s(OK + OK).close();
        assertEquals(2, w.done.size());
        assertTrue(w.done.get(0).anomalies().isEmpty(), w.done.get(0).anomalies().toString());
        assertEquals(List.of(AnomalyCode.HTTP_HEADER_WITHOUT_COLON),
                w.done.get(1).anomalies().stream().map(Anomaly::code).toList());
        assertEquals(List.of(AnomalyCode.HTTP_BAD_REQUEST_LINE, AnomalyCode.HTTP_RESYNC),
                w.stray.stream().map(Anomaly::code).toList(), "between exchanges: to the sink");
    }

    @Test
    void tcpAnomaliesInsideAnExchangeTravelWithIt() {
        Wire w = new Wire().c(GET).s("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab");
        w.conn.anomaly(new Anomaly(AnomalyCode.TCP_GAP, 42, SERVER_TO_CLIENT, 9, 9000, 40, "gap"));
        w.s("cd");
        assertEquals(AnomalyCode.TCP_GAP, w.only().anomalies().get(0).code());
    }

    @Test
    void anomaliesPerExchangeAreCappedNotLost() {
        Wire w = new Wire().c(GET).s("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab");
        int n = HttpConnection.EXCHANGE_ANOMALIES_MAX + 3;
        for (int i = 0; i < n; i++) {
            w.conn.anomaly(new Anomaly(AnomalyCode.TCP_GAP, 42, SERVER_TO_CLIENT, 9, 9000, 40, "gap"));
        }
        w.s("cd");
        assertEquals(HttpConnection.EXCHANGE_ANOMALIES_MAX, w.only().anomalies().size());
        assertEquals(3, w.stray.size());
    }

    @Test
    void gapInResponseBodyIsCutByGap() {
        Wire w = new Wire().c(GET).s("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab").gap(SERVER_TO_CLIENT, 5).s("abc")
                .c(GET).s(OK);
        assertEquals(2, w.done.size());
        assertEquals(TransactionEnd.CUT_BY_GAP, w.done.get(0).end());
        assertEquals(TransactionEnd.COMPLETE, w.done.get(1).end());
    }

    @Test
    void gapInResponseHeadIsCutByGap() {
        Wire w = new Wire().c(GET).s("HTTP/1.1 200 OK\r\nConte").gap(SERVER_TO_CLIENT, 100).close();
        assertEquals(TransactionEnd.CUT_BY_GAP, w.only().end());
    }

    @Test
    void connectTunnel() {
        Wire w = new Wire().c("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n")
                .s("HTTP/1.1 200 Connection Established\r\n\r\n")
                .c(new String(new byte[] {0x16, 0x03, 0x01, 0x00, 0x05}, StandardCharsets.ISO_8859_1))
                .s("\u0016\u0003\u0003serverhello").fin(CLIENT_TO_SERVER).fin(SERVER_TO_CLIENT).close();
        Transaction t = w.only();
        assertEquals(TransactionEnd.TUNNEL, t.end());
        assertEquals(5, t.tunnelBytesClientToServer());
        assertEquals(14, t.tunnelBytesServerToClient());
        assertTrue(t.anomalies().isEmpty(), "tunnel bytes are not parsed: " + t.anomalies());
        assertTrue(w.stray.isEmpty(), w.stray.toString());
    }

    @Test
    void connectRefusedGoesOnAsHttp() {
        Wire w = new Wire().c("CONNECT h:1 HTTP/1.1\r\n\r\n" + GET).s("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n" + OK);
        assertEquals(2, w.done.size());
        assertEquals(List.of(403, 200), w.done.stream().map(Transaction::status).toList());
    }

    @Test
    void websocketUpgradeHandsBothDirectionsToTheHandler() {
        List<String> seen = new ArrayList<>();
        StreamListener handler = new StreamListener() {
            @Override public void data(Direction dir, byte[] buf, int off, int len, long streamOffset, long frame, long nanos) {
                seen.add(dir.arrow() + "@" + streamOffset + ":" + new String(buf, off, len, StandardCharsets.ISO_8859_1));
            }
            @Override public void gap(Direction dir, long streamOffset, long length, long frame, long nanos) { seen.add("gap"); }
            @Override public void fin(Direction dir, long frame, long nanos) { seen.add("fin " + dir.arrow()); }
            @Override public void reset(Direction dir, boolean afterFin, long frame, long nanos) { seen.add("reset"); }
            @Override public void closed(TcpStats stats) { seen.add("closed"); }
            @Override public void anomaly(Anomaly a) { seen.add("anomaly"); }
        };
        List<String> asked = new ArrayList<>();
        String req = "GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: k\r\n\r\n";
        String resp = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n";
        Wire w = new Wire((id, rq, rs) -> {
            asked.add(id + " " + rq.target() + " " + rs.status());
            return handler;
        }).c(req).s(resp + "S1").c("C1").s("S2").fin(CLIENT_TO_SERVER).close();
        assertEquals(List.of("42 /ws 101"), asked);
        assertEquals(List.of("s>c@" + resp.length() + ":S1", "c>s@" + req.length() + ":C1",
                "s>c@" + (resp.length() + 2) + ":S2", "fin c>s", "closed"), seen);
        Transaction t = w.only();
        assertEquals(TransactionEnd.WEBSOCKET_UPGRADED, t.end());
        assertEquals("websocket_upgraded", t.end().id());
        assertEquals(2, t.tunnelBytesClientToServer());
        assertEquals(4, t.tunnelBytesServerToClient());
    }

    @Test
    void clientBytesSentBeforeThe101AreHeldThenHandedOn() {
        StringBuilder got = new StringBuilder();
        StreamListener handler = new StreamListener() {
            @Override public void data(Direction dir, byte[] buf, int off, int len, long streamOffset, long frame, long nanos) {
                got.append(dir.arrow()).append(new String(buf, off, len, StandardCharsets.ISO_8859_1));
            }
            @Override public void gap(Direction dir, long streamOffset, long length, long frame, long nanos) { }
            @Override public void fin(Direction dir, long frame, long nanos) { }
            @Override public void reset(Direction dir, boolean afterFin, long frame, long nanos) { }
            @Override public void closed(TcpStats stats) { }
            @Override public void anomaly(Anomaly a) { }
        };
        Wire w = new Wire((id, rq, rs) -> handler).c("GET /x HTTP/1.1\r\nUpgrade: h2c\r\n\r\nEARLY")
                .s("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n").close();
        assertEquals("c>sEARLY", got.toString());
        assertEquals(TransactionEnd.UPGRADED, w.only().end());
    }

    @Test
    void nonHttpDirectionsAreCountedNotParsed() {
        Wire w = new Wire().c(HttpParserTest.tlsClientHello()).s("\u0016\u0003\u0003\u0000\u0002xx").close();
        assertTrue(w.done.isEmpty());
        assertEquals(List.of(AnomalyCode.NOT_HTTP_TLS, AnomalyCode.NOT_HTTP_TLS), w.stray.stream().map(Anomaly::code).toList());
        assertEquals(HttpParserTest.tlsClientHello().length(), w.conn.ignoredBytes(CLIENT_TO_SERVER));
    }
}
