package io.gatelens.http;

import io.gatelens.anomaly.Anomaly;
import io.gatelens.anomaly.AnomalyCode;
import io.gatelens.tcp.Direction;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static io.gatelens.anomaly.AnomalyCode.*;
import static org.junit.jupiter.api.Assertions.*;

class HttpParserTest {
    static final long NANOS_PER_FRAME = 1000;

    /** Feeds the chunks as frames 1, 2, 3... (time 1000 x frame), then ends the stream. */
    static Recorder run(HttpParser.Mode mode, HttpLimits limits, EndKind end, List<String> methods, String... chunks) {
        Recorder r = new Recorder(true);
        r.methods.addAll(methods);
        HttpParser p = new HttpParser(mode, 7, mode == HttpParser.Mode.REQUEST ? Direction.CLIENT_TO_SERVER
                : Direction.SERVER_TO_CLIENT, limits, r, r::methodOfNextResponse);
        long off = 0;
        long frame = 0;
        for (String c : chunks) {
            byte[] b = c.getBytes(StandardCharsets.ISO_8859_1);
            frame++;
            p.data(b, 0, b.length, off, frame, frame * NANOS_PER_FRAME);
            off += b.length;
        }
        if (end != null) p.end(end, frame + 1, (frame + 1) * NANOS_PER_FRAME);
        return r;
    }

    static Recorder requests(String... chunks) {
        return run(HttpParser.Mode.REQUEST, HttpLimits.DEFAULT, EndKind.FIN, List.of(), chunks);
    }

    static Recorder responses(List<String> methods, String... chunks) {
        return run(HttpParser.Mode.RESPONSE, HttpLimits.DEFAULT, EndKind.FIN, methods, chunks);
    }

    static Recorder responses(String... chunks) {
        return responses(List.of(), chunks);
    }

    static void assertAnomaly(Anomaly a, AnomalyCode code, long offset, long frame) {
        assertEquals(code, a.code(), a.toString());
        assertEquals(offset, a.streamOffset(), a.toString());
        assertEquals(frame, a.frame(), a.toString());
        assertEquals(frame * NANOS_PER_FRAME, a.nanos(), a.toString());
        assertEquals(7, a.connection());
        assertNotNull(a.detail());
        for (char c : a.detail().toCharArray()) assertTrue(c >= 0x20 && c < 0x7f, "escaped detail: " + a.detail());
    }

    // ------------------------------------------------------------------ requests

    @Test
    void requestLineAndHeaders() {
        Recorder r = requests("GET /a?b=c HTTP/1.1\r\nHost: x\r\nAccept: */*\r\naccept: text/html\r\n\r\n");
        assertEquals(1, r.requests.size());
        RequestHead h = r.requests.get(0);
        assertEquals("GET", h.method());
        assertEquals("/a?b=c", h.target());
        assertEquals("HTTP/1.1", h.version());
        assertEquals("x", h.headers().get("HOST"));
        assertEquals(List.of("*/*", "text/html"), h.headers().getAll("Accept"));
        assertEquals(0, h.streamOffset());
        assertEquals(1, h.frame());
        assertEquals(MessageEnd.How.COMPLETE, r.ends.get(0).how());
        assertEquals(0, r.ends.get(0).bodyBytes());
        assertTrue(r.anomalies.isEmpty(), r.events.toString());
    }

    @Test
    void pipelinedRequestsWithBodiesAndLeadingEmptyLines() {
        String a = "POST /p HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello";
        String b = "\r\nGET /g HTTP/1.1\r\n\r\n";
        String c = "PUT /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
        Recorder r = requests(a + b + c);
        assertEquals(List.of("/p", "/g", "/c"), r.requests.stream().map(RequestHead::target).toList());
        assertEquals(List.of(5L, 0L, 3L), r.ends.stream().map(MessageEnd::bodyBytes).toList());
        assertEquals(a.length() + 2, r.requests.get(1).streamOffset());
        assertEquals((a + b + c).length(), r.ends.get(2).endOffset());
        assertTrue(r.anomalies.isEmpty(), r.events.toString());
    }

    @Test
    void firstAndLastByteFramesFollowTheChunks() {
        Recorder r = requests("POST / HTTP/1.1\r\nContent-Length: 4\r\n\r\nab", "cd", "GET / HTTP/1.1\r\n", "\r\n");
        assertEquals(1, r.requests.get(0).frame());
        assertEquals(2, r.ends.get(0).lastFrame());
        assertEquals(3, r.requests.get(1).frame());
        assertEquals(4, r.ends.get(1).lastFrame());
    }

    // ------------------------------------------------------------------ responses and framing

    @Test
    void contentLengthChunkedAndCloseDelimited() {
        Recorder r = responses(List.of("GET", "GET", "GET"),
                "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc"
                        + "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                        + "4;name=value;x\r\nwxyz\r\n1 ; ext\r\n!\r\n0\r\nX-Sum: 5\r\nX-Other: a\r\n\r\n"
                        + "HTTP/1.0 200 OK\r\n\r\nuntil the end");
        assertEquals(3, r.responses.size());
        assertEquals(List.of(3L, 5L, 13L), r.ends.stream().map(MessageEnd::bodyBytes).toList());
        assertEquals("5", r.ends.get(1).trailers().get("x-sum"));
        assertEquals(2, r.ends.get(1).trailers().size());
        assertTrue(r.ends.stream().allMatch(e -> e.how() == MessageEnd.How.COMPLETE), r.events.toString());
        assertTrue(r.anomalies.isEmpty(), r.events.toString());
    }

    @Test
    void closeDelimitedBodyEndedByFinIsCompleteByResetIsTruncated() {
        String msg = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nsome body";
        Recorder fin = run(HttpParser.Mode.RESPONSE, HttpLimits.DEFAULT, EndKind.FIN, List.of("GET"), msg);
        assertEquals(MessageEnd.How.COMPLETE, fin.ends.get(0).how());
        assertEquals(9, fin.ends.get(0).bodyBytes());
        assertTrue(fin.anomalies.isEmpty());

        Recorder rst = run(HttpParser.Mode.RESPONSE, HttpLimits.DEFAULT, EndKind.RESET, List.of("GET"), msg);
        assertEquals(MessageEnd.How.TRUNCATED, rst.ends.get(0).how());
        assertEquals(EndKind.RESET, rst.ends.get(0).endKind());
        assertAnomaly(rst.only(HTTP_BODY_TRUNCATED), HTTP_BODY_TRUNCATED, msg.length(), 2);

        Recorder cap = run(HttpParser.Mode.RESPONSE, HttpLimits.DEFAULT, EndKind.CAPTURE_END, List.of("GET"), msg);
        assertEquals(MessageEnd.How.UNFINISHED, cap.ends.get(0).how());
        assertTrue(cap.anomalies.isEmpty(), "the capture ending is not the peer's fault");
    }

    @Test
    void headResponseWithContentLengthHasNoBody() {
        Recorder r = responses(List.of("HEAD", "GET"),
                "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        assertEquals(2, r.responses.size());
        assertEquals(List.of(0L, 2L), r.ends.stream().map(MessageEnd::bodyBytes).toList());
        assertTrue(r.anomalies.isEmpty(), r.events.toString());
    }

    @Test
    void noBodyFor204And304EvenWithContentLength() {
        Recorder r = responses(List.of("GET", "GET", "GET"),
                "HTTP/1.1 204 No Content\r\n\r\n"
                        + "HTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\nETag: \"x\"\r\n\r\n"
                        + "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nz");
        assertEquals(List.of(204, 304, 200), r.responses.stream().map(ResponseHead::status).toList());
        assertEquals(List.of(0L, 0L, 1L), r.ends.stream().map(MessageEnd::bodyBytes).toList());
    }

    @Test
    void interimResponsesDoNotConsumeTheRequest() {
        Recorder r = responses(List.of("POST"),
                "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n"
                        + "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
        assertEquals(List.of(100, 103, 201), r.responses.stream().map(ResponseHead::status).toList());
        assertTrue(r.responses.get(0).interim() && r.responses.get(1).interim() && !r.responses.get(2).interim());
        assertTrue(r.methods.isEmpty());
    }

    @Test
    void connectTwoHundredAndSwitchingProtocolsPassTheRestThrough() {
        Recorder c = responses(List.of("CONNECT"), "HTTP/1.1 200 Connection established\r\n\r\n\u0016\u0003\u0001tls bytes");
        assertEquals("\u0016\u0003\u0001tls bytes", c.passed.toString());
        assertTrue(c.anomalies.isEmpty(), c.events.toString());

        Recorder u = responses(List.of("GET"), "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\u0081\u0002hi");
        assertEquals("\u0081\u0002hi", u.passed.toString());
        assertEquals(1, u.ends.size());

        Recorder refused = responses(List.of("CONNECT"), "HTTP/1.1 403 Forbidden\r\nContent-Length: 2\r\n\r\nno");
        assertEquals("", refused.passed.toString());
        assertEquals(2, refused.ends.get(0).bodyBytes());
    }

    @Test
    void requestParserHoldsAfterUpgradeRequestUntilTold() {
        Recorder r = new Recorder();
        HttpParser p = new HttpParser(HttpParser.Mode.REQUEST, 1, Direction.CLIENT_TO_SERVER, HttpLimits.DEFAULT, r, null);
        byte[] b = "GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\nGET /next HTTP/1.1\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1);
        p.data(b, 0, b.length, 0, 1, 1);
        assertTrue(p.holding());
        assertEquals(1, r.requests.size());
        p.resumeHttp();
        assertEquals(2, r.requests.size(), "held bytes parsed once the answer was not a 101");
        assertEquals(b.length - "GET /next HTTP/1.1\r\n\r\n".length(), r.requests.get(1).streamOffset());

        Recorder s = new Recorder();
        HttpParser q = new HttpParser(HttpParser.Mode.REQUEST, 1, Direction.CLIENT_TO_SERVER, HttpLimits.DEFAULT, s, null);
        byte[] c = "CONNECT h:443 HTTP/1.1\r\nHost: h:443\r\n\r\n\u0016\u0003\u0001".getBytes(StandardCharsets.ISO_8859_1);
        q.data(c, 0, c.length, 0, 1, 1);
        q.switchToPassthrough();
        byte[] more = "more".getBytes(StandardCharsets.ISO_8859_1);
        q.data(more, 0, more.length, c.length, 2, 2);
        assertEquals("\u0016\u0003\u0001more", s.passed.toString());
        assertEquals(7, q.passthroughBytes());
    }

    // ------------------------------------------------------------------ anomalies, one by one

    @Test
    void badRequestLineThenResync() {
        String bad = "BROKEN LINE\r\n";
        String junk = "more junk\r\n";
        Recorder r = requests("GET / HTTP/1.1\r\n\r\n", bad + junk, "GET /ok HTTP/1.1\r\n\r\n");
        assertAnomaly(r.only(HTTP_BAD_REQUEST_LINE), HTTP_BAD_REQUEST_LINE, 18, 2);
        assertAnomaly(r.only(HTTP_RESYNC), HTTP_RESYNC, 18 + bad.length() + junk.length(), 3);
        assertEquals(List.of("/", "/ok"), r.requests.stream().map(RequestHead::target).toList());
    }

    @Test
    void badStatusLineAndBadVersion() {
        Recorder r = responses(List.of("GET", "GET"), "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
                "HTTP/1.1 2OO OK\r\nX: y\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        assertAnomaly(r.only(HTTP_BAD_STATUS_LINE), HTTP_BAD_STATUS_LINE, 38, 2);
        assertAnomaly(r.only(HTTP_RESYNC), HTTP_RESYNC, 38 + 25, 3);
        assertEquals(2, r.responses.size());

        Recorder v = requests("GET / HTTP/1.2\r\n\r\n");
        assertAnomaly(v.only(HTTP_BAD_VERSION), HTTP_BAD_VERSION, 6, 1);
        assertEquals(1, v.requests.size(), "structurally sound: parsed on");
    }

    @Test
    void fieldLineAnomalies() {
        String start = "GET / HTTP/1.1\r\n";
        Recorder r = requests(start, "NoColonHere\r\n", "Bad Name: v\r\n", "Spaced : v\r\n", "Ok: a\r\n \tfolded\r\n\r\n");
        int o = start.length();
        assertAnomaly(r.only(HTTP_HEADER_WITHOUT_COLON), HTTP_HEADER_WITHOUT_COLON, o, 2);
        assertAnomaly(r.only(HTTP_BAD_HEADER_NAME), HTTP_BAD_HEADER_NAME, o + 13, 3);
        assertAnomaly(r.only(HTTP_WHITESPACE_BEFORE_COLON), HTTP_WHITESPACE_BEFORE_COLON, o + 13 + 13 + 6, 4);
        assertAnomaly(r.only(HTTP_OBSOLETE_LINE_FOLDING), HTTP_OBSOLETE_LINE_FOLDING, o + 13 + 13 + 12 + 7, 5);
        Headers h = r.requests.get(0).headers();
        assertEquals("a folded", h.get("ok"), "fold replaced by one space");
        assertEquals("v", h.get("Spaced"));
        assertNull(h.get("NoColonHere"));
    }

    @Test
    void nulBareCrAndBareLf() {
        Recorder r = responses(List.of("GET"), "HTTP/1.1 502 Bad Gateway\r\nX-Bad: a\u0000b\r\n", "X-Cr: a\rb\r\n", "X-Lf: c\n\r\n");
        assertAnomaly(r.only(HTTP_NUL_IN_HEADER), HTTP_NUL_IN_HEADER, 34, 1);
        assertAnomaly(r.only(HTTP_BARE_CR), HTTP_BARE_CR, 38 + 7, 2);
        assertAnomaly(r.only(HTTP_BARE_LF), HTTP_BARE_LF, 38 + 11 + 7, 3);
        assertEquals("a\u0000b", r.responses.get(0).headers().get("x-bad"), "value kept as sent");
        assertEquals("a b", r.responses.get(0).headers().get("x-cr"));
        assertEquals("c", r.responses.get(0).headers().get("x-lf"));
        assertTrue(r.only(HTTP_NUL_IN_HEADER).detail().contains("\\x00"));
    }

    @Test
    void contentLengthProblems() {
        String s = "HTTP/1.1 200 OK\r\n";
        Recorder bad = responses(List.of("GET"), s + "Content-Length: 12a\r\n\r\nbody until close");
        assertAnomaly(bad.only(HTTP_BAD_CONTENT_LENGTH), HTTP_BAD_CONTENT_LENGTH, s.length(), 1);
        assertEquals(16, bad.ends.get(0).bodyBytes(), "read to the close");

        Recorder neg = requests("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\nGET /next HTTP/1.1\r\n\r\n");
        assertEquals(HTTP_BAD_CONTENT_LENGTH, neg.codes().get(0));
        assertEquals(MessageEnd.How.MALFORMED, neg.ends.get(0).how());
        assertEquals(List.of("/", "/next"), neg.requests.stream().map(RequestHead::target).toList(),
                "a request with no usable length: resync finds the next one");

        Recorder huge = requests("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n");
        assertEquals(List.of(HTTP_BAD_CONTENT_LENGTH), huge.codes());

        Recorder conflict = responses(List.of("GET"), s + "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd");
        assertAnomaly(conflict.only(HTTP_CONFLICTING_CONTENT_LENGTH), HTTP_CONFLICTING_CONTENT_LENGTH, s.length(), 1);

        Recorder same = responses(List.of("GET"), s + "Content-Length: 3, 3\r\nContent-Length: 3\r\n\r\nabc");
        assertTrue(same.anomalies.isEmpty(), same.events.toString());
        assertEquals(3, same.ends.get(0).bodyBytes());

        Recorder both = responses(List.of("GET"), s + "Content-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n");
        assertAnomaly(both.only(HTTP_CONTENT_LENGTH_WITH_CHUNKED), HTTP_CONTENT_LENGTH_WITH_CHUNKED, s.length(), 1);
        assertEquals(2, both.ends.get(0).bodyBytes(), "chunked wins (RFC 9112 section 6.3)");
    }

    @Test
    void transferEncodingProblems() {
        String q = "POST / HTTP/1.1\r\n";
        Recorder notLast = requests(q + "Transfer-Encoding: chunked, gzip\r\n\r\n");
        assertAnomaly(notLast.only(HTTP_BAD_TRANSFER_ENCODING), HTTP_BAD_TRANSFER_ENCODING, q.length(), 1);
        Recorder gzipRequest = requests(q + "Transfer-Encoding: gzip\r\n\r\n");
        assertEquals(List.of(HTTP_BAD_TRANSFER_ENCODING), gzipRequest.codes());
        Recorder gzipResponse = responses(List.of("GET"), "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nzzz");
        assertTrue(gzipResponse.anomalies.isEmpty(), "a response may end a non-chunked coding by closing");
        assertEquals(3, gzipResponse.ends.get(0).bodyBytes());
    }

    @Test
    void bogusChunkSizes() {
        String head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
        int h = head.length();
        for (String[] c : new String[][] {
                {"zz\r\n", "0"}, {"-1\r\n", "0"}, {"\r\n", "0"}, {"fffffffffffffffffff\r\n", "15"},
                {"10000000000000000\r\n", "16"}, {"5 x\r\nabcde\r\n", "-1"}}) {
            Recorder r = responses(List.of("GET"), head, c[0]);
            int at = Integer.parseInt(c[1]);
            if (at < 0) {
                assertTrue(r.anomalies.stream().noneMatch(a -> a.code() == HTTP_BAD_CHUNK_SIZE), c[0] + ": extension");
                continue;
            }
            assertAnomaly(r.only(HTTP_BAD_CHUNK_SIZE), HTTP_BAD_CHUNK_SIZE, h + at, 2);
            assertEquals(MessageEnd.How.MALFORMED, r.ends.get(0).how(), c[0]);
        }
        Recorder max = responses(List.of("GET"), head, "7fffffffffffffff\r\nab");
        assertTrue(max.anomalies.stream().noneMatch(a -> a.code() == HTTP_BAD_CHUNK_SIZE), "largest size that fits");
        assertEquals(MessageEnd.How.TRUNCATED, max.ends.get(0).how());
    }

    @Test
    void badChunkEnd() {
        String head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
        Recorder r = responses(List.of("GET", "GET"), head, "3\r\nabcX\r\n0\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n");
        assertAnomaly(r.only(HTTP_BAD_CHUNK_END), HTTP_BAD_CHUNK_END, head.length() + 6, 2);
        assertEquals(MessageEnd.How.MALFORMED, r.ends.get(0).how());
        assertEquals(List.of(200, 204), r.responses.stream().map(ResponseHead::status).toList(), "resynced");
    }

    @Test
    void truncationAtEveryStage() {
        String head = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n";
        Recorder inHead = responses(List.of("GET"), "HTTP/1.1 101 Switching");
        assertAnomaly(inHead.only(HTTP_HEADER_TRUNCATED), HTTP_HEADER_TRUNCATED, 22, 2);
        assertTrue(inHead.ends.isEmpty());

        Recorder inBody = responses(List.of("GET"), head + "abcd");
        assertAnomaly(inBody.only(HTTP_BODY_TRUNCATED), HTTP_BODY_TRUNCATED, head.length() + 4, 2);
        assertEquals(MessageEnd.How.TRUNCATED, inBody.ends.get(0).how());
        assertEquals(EndKind.FIN, inBody.ends.get(0).endKind());
        assertEquals(4, inBody.ends.get(0).bodyBytes());
        assertEquals(1, inBody.ends.get(0).lastFrame());

        Recorder inChunks = responses(List.of("GET"), "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab");
        assertEquals(List.of(HTTP_BODY_TRUNCATED), inChunks.codes());
        Recorder inTrailer = responses(List.of("GET"), "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: 1\r\n");
        assertEquals(List.of(HTTP_BODY_TRUNCATED), inTrailer.codes());

        Recorder atCaptureEnd = run(HttpParser.Mode.RESPONSE, HttpLimits.DEFAULT, EndKind.CAPTURE_END, List.of("GET"),
                head + "ab");
        assertTrue(atCaptureEnd.anomalies.isEmpty());
        assertEquals(MessageEnd.How.UNFINISHED, atCaptureEnd.ends.get(0).how());
    }

    @Test
    void dataAfterConnectionClose() {
        Recorder r = requests("GET / HTTP/1.1\r\nConnection: close\r\n\r\n", "GET /again HTTP/1.1\r\n\r\n");
        assertAnomaly(r.only(HTTP_DATA_AFTER_CLOSE), HTTP_DATA_AFTER_CLOSE, 37, 2);
        assertEquals(2, r.requests.size());
    }

    // ------------------------------------------------------------------ not HTTP

    static String tlsClientHello() {
        // Record header: handshake (0x16), TLS 1.0 record version (0x0301), length; then ClientHello.
        byte[] b = {0x16, 0x03, 0x01, 0x00, 0x2f, 0x01, 0x00, 0x00, 0x2b, 0x03, 0x03, 0x0a, 0x0d, 0x00};
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    @Test
    void tlsClientHelloIsLabelledNotParsed() {
        Recorder r = requests(tlsClientHello(), "GET / HTTP/1.1\r\n\r\n");
        assertAnomaly(r.only(NOT_HTTP_TLS), NOT_HTTP_TLS, 0, 1);
        assertEquals(1, r.anomalies.size());
        assertTrue(r.requests.isEmpty(), "the direction is no longer parsed");
        Recorder s = responses(tlsClientHello().replace('\u0001', '\u0003'));
        assertEquals(List.of(NOT_HTTP_TLS), s.codes());
    }

    @Test
    void h2PrefaceIsLabelled() {
        Recorder r = requests("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "\u0000\u0000\u0012\u0004\u0000");
        assertAnomaly(r.only(NOT_HTTP_H2_PREFACE), NOT_HTTP_H2_PREFACE, 0, 1);
        assertEquals(1, r.anomalies.size());
    }

    @Test
    void junkAtTheStartIsNotHttp() {
        for (String junk : new String[] {"\u0000\u0001\u0002", "hello there\r\n", "{\"json\": 1}", "\u0016\u0003\u0009x", "G\u0003ET / HTTP/1.1\r\n"}) {
            Recorder r = requests(junk, "GET / HTTP/1.1\r\n\r\n");
            assertEquals(List.of(NOT_HTTP), r.codes(), junk);
            assertEquals(0, r.anomalies.get(0).streamOffset());
            assertTrue(r.requests.isEmpty());
        }
        Recorder resp = responses("SSH-2.0-OpenSSH\r\n");
        assertEquals(List.of(NOT_HTTP), resp.codes());
        Recorder later = requests("GET / HTTP/1.1\r\n\r\n", "\u0016\u0003\u0001\u0000\r\n", "GET /b HTTP/1.1\r\n\r\n");
        assertFalse(later.codes().contains(NOT_HTTP_TLS), "only the very start is judged so");
        assertEquals(2, later.requests.size());
    }

    // ------------------------------------------------------------------ gaps

    static Recorder withGap(HttpParser.Mode mode, List<String> methods, String before, long gap, String after) {
        Recorder r = new Recorder(true);
        r.methods.addAll(methods);
        HttpParser p = new HttpParser(mode, 7, Direction.SERVER_TO_CLIENT, HttpLimits.DEFAULT, r, r::methodOfNextResponse);
        byte[] a = before.getBytes(StandardCharsets.ISO_8859_1);
        byte[] b = after.getBytes(StandardCharsets.ISO_8859_1);
        p.data(a, 0, a.length, 0, 1, NANOS_PER_FRAME);
        p.gap(a.length, gap, 2, 2 * NANOS_PER_FRAME);
        p.data(b, 0, b.length, a.length + gap, 3, 3 * NANOS_PER_FRAME);
        p.end(EndKind.FIN, 4, 4 * NANOS_PER_FRAME);
        return r;
    }

    @Test
    void gapInsideBodyOfKnownLengthIsSkipped() {
        String head = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n";
        Recorder r = withGap(HttpParser.Mode.RESPONSE, List.of("GET", "GET"), head + "abc", 4,
                "hij" + "HTTP/1.1 204 No Content\r\n\r\n");
        assertAnomaly(r.only(HTTP_CUT_BY_GAP), HTTP_CUT_BY_GAP, head.length() + 3, 2);
        assertEquals(MessageEnd.How.COMPLETE, r.ends.get(0).how());
        assertTrue(r.ends.get(0).cutByGap());
        assertEquals(6, r.ends.get(0).bodyBytes());
        assertEquals(2, r.responses.size(), "parsing went on after the body");
        assertFalse(r.codes().contains(HTTP_RESYNC));

        Recorder past = withGap(HttpParser.Mode.RESPONSE, List.of("GET", "GET"), head + "abc", 20,
                "junk\r\nHTTP/1.1 204 No Content\r\n\r\n");
        assertTrue(past.ends.get(0).cutByGap());
        assertEquals(2, past.responses.size());
        assertTrue(past.codes().contains(HTTP_RESYNC));
    }

    @Test
    void gapInsideHeadersResyncs() {
        Recorder r = withGap(HttpParser.Mode.RESPONSE, List.of("GET", "GET"), "HTTP/1.1 200 OK\r\nContent-Le", 30,
                "rest of something\r\n\r\nbody\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        assertAnomaly(r.only(HTTP_CUT_BY_GAP), HTTP_CUT_BY_GAP, 27, 2);
        assertEquals(1, r.responses.size());
        assertEquals(27 + 30 + 27, r.responses.get(0).streamOffset());
        Anomaly resync = r.only(HTTP_RESYNC);
        assertEquals(27 + 30 + 27, resync.streamOffset());
        assertEquals(3, resync.frame());
    }

    @Test
    void gapInChunkedFramingResyncs() {
        String head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
        Recorder inData = withGap(HttpParser.Mode.RESPONSE, List.of("GET"), head + "5\r\nab", 2, "e\r\n0\r\n\r\n");
        assertEquals(MessageEnd.How.COMPLETE, inData.ends.get(0).how(), "gap within chunk data: skipped");
        assertTrue(inData.ends.get(0).cutByGap());
        Recorder inLine = withGap(HttpParser.Mode.RESPONSE, List.of("GET"), head + "5", 2, "\r\nabcde\r\n0\r\n\r\n");
        assertEquals(MessageEnd.How.CUT_BY_GAP, inLine.ends.get(0).how());
    }

    @Test
    void gapAtTheStartMeansResyncNotJunk() {
        Recorder r = withGap(HttpParser.Mode.REQUEST, List.of(), "", 100, "middle of a body\r\nGET /x HTTP/1.1\r\n\r\n");
        assertFalse(r.codes().contains(NOT_HTTP));
        assertEquals(1, r.requests.size());
        assertEquals(List.of(HTTP_RESYNC), r.codes());
    }

    // ------------------------------------------------------------------ limits: N passes, N+1 fails

    static String headOfSize(int total) {
        // "GET / HTTP/1.1\r\n" + "X: vvv...\r\n" + "\r\n"
        String start = "GET / HTTP/1.1\r\n";
        int fill = total - start.length() - 2 - 5;
        return start + "X: " + "v".repeat(fill) + "\r\n\r\n";
    }

    @Test
    void headerSectionLimit() {
        HttpLimits l = new HttpLimits(200, 100, 100);
        String ok = headOfSize(200);
        assertEquals(200, ok.length());
        Recorder pass = run(HttpParser.Mode.REQUEST, l, EndKind.FIN, List.of(), ok);
        assertTrue(pass.anomalies.isEmpty(), pass.events.toString());
        assertEquals(1, pass.requests.size());

        String over = headOfSize(201);
        Recorder fail = run(HttpParser.Mode.REQUEST, l, EndKind.FIN, List.of(), over + "GET /next HTTP/1.1\r\n\r\n");
        assertAnomaly(fail.only(HTTP_HEADER_TOO_LARGE), HTTP_HEADER_TOO_LARGE, 200, 1);
        assertEquals(List.of("/next"), fail.requests.stream().map(RequestHead::target).toList(), "resynced after");
    }

    @Test
    void headerCountLimit() {
        HttpLimits l = new HttpLimits(1000, 3, 100);
        String three = "GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n";
        assertTrue(run(HttpParser.Mode.REQUEST, l, EndKind.FIN, List.of(), three).anomalies.isEmpty());
        Recorder four = run(HttpParser.Mode.REQUEST, l, EndKind.FIN, List.of(),
                "GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n");
        assertAnomaly(four.only(HTTP_HEADER_TOO_LARGE), HTTP_HEADER_TOO_LARGE, 16 + 18, 1);
        assertTrue(four.requests.isEmpty());
        Recorder folded = run(HttpParser.Mode.REQUEST, l, EndKind.FIN, List.of(),
                "GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n more\r\n\r\n");
        assertFalse(folded.codes().contains(HTTP_HEADER_TOO_LARGE), "a continuation is not a new field");
    }

    @Test
    void startLineLimit() {
        HttpLimits l = new HttpLimits(1000, 10, 20);
        String twenty = "GET /" + "a".repeat(6) + " HTTP/1.1";
        assertEquals(20, twenty.length());
        assertTrue(run(HttpParser.Mode.REQUEST, l, EndKind.FIN, List.of(), twenty + "\r\n\r\n").anomalies.isEmpty());
        Recorder r = run(HttpParser.Mode.REQUEST, l, EndKind.FIN, List.of(),
                "GET /" + "a".repeat(7) + " HTTP/1.1\r\n\r\n");
        assertAnomaly(r.only(HTTP_HEADER_TOO_LARGE), HTTP_HEADER_TOO_LARGE, 20, 1);
    }

    @Test
    void chunkSizeLineLimit() {
        HttpLimits l = new HttpLimits(1000, 10, 20);
        String head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
        String twenty = "1;" + "e".repeat(18);
        Recorder pass = run(HttpParser.Mode.RESPONSE, l, EndKind.FIN, List.of("GET"), head, twenty + "\r\nx\r\n0\r\n\r\n");
        assertTrue(pass.anomalies.isEmpty(), pass.events.toString());
        assertEquals(MessageEnd.How.COMPLETE, pass.ends.get(0).how());
        Recorder fail = run(HttpParser.Mode.RESPONSE, l, EndKind.FIN, List.of("GET"), head, twenty + "e\r\nx\r\n0\r\n\r\n");
        assertAnomaly(fail.only(HTTP_BAD_CHUNK_SIZE), HTTP_BAD_CHUNK_SIZE, head.length() + 20, 2);
    }

    @Test
    void hugeHeaderNeverBufferedPastTheLimit() {
        // 10 MB of one header line: one anomaly, the parser moves on, and memory stays bounded.
        Recorder r = new Recorder();
        HttpParser p = new HttpParser(HttpParser.Mode.REQUEST, 1, Direction.CLIENT_TO_SERVER, HttpLimits.DEFAULT, r, null);
        byte[] start = "GET / HTTP/1.1\r\nX-Big: ".getBytes(StandardCharsets.ISO_8859_1);
        p.data(start, 0, start.length, 0, 1, 1);
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'a');
        long off = start.length;
        for (int i = 0; i < 160; i++) {
            p.data(chunk, 0, chunk.length, off, 2, 2);
            off += chunk.length;
        }
        byte[] next = "\r\n\r\nGET /after HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        p.data(next, 0, next.length, off, 3, 3);
        assertEquals(List.of(HTTP_HEADER_TOO_LARGE, HTTP_RESYNC), r.codes());
        assertEquals(HttpLimits.DEFAULT.maxHeaderSectionBytes(), r.anomalies.get(0).streamOffset());
        assertEquals(List.of("/after"), r.requests.stream().map(RequestHead::target).toList());
    }

    @Test
    void responseHeadOfSixteenKilobytesFitsTheDefault() {
        String big = "HTTP/1.1 200 OK\r\n" + "X-Big: " + "b".repeat(16 * 1024) + "\r\nContent-Length: 0\r\n\r\n";
        Recorder r = responses(List.of("GET"), big);
        assertTrue(r.anomalies.isEmpty());
        assertEquals(16 * 1024, r.responses.get(0).headers().get("x-big").length());
        assertEquals(big.length(), r.responses.get(0).headBytes());
    }

    /** What a proxy must buffer before it can act: status line through the empty line, not the body. */
    @Test
    void headBytesCountTheHeadOnlyWhateverTheSplit() {
        String head = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n";
        String second = "HTTP/1.1 204 No Content\n\n";
        Recorder r = responses(List.of("GET", "GET"), "\r\n" + head.substring(0, 10), head.substring(10) + "he",
                "llo" + second);
        assertEquals(List.of((long) head.length(), (long) second.length()),
                r.responses.stream().map(ResponseHead::headBytes).toList());
    }
}
