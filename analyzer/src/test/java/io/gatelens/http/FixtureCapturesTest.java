package io.gatelens.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatelens.anomaly.Anomaly;
import io.gatelens.anomaly.AnomalyCode;
import io.gatelens.tcp.Direction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** The parser and pairing on the real recorded captures, against what the harness saw. */
class FixtureCapturesTest {
    static final Path CAPTURES = Path.of("../fixtures/captures");

    static Stream<String> scenarios() {
        List<String> names = io.gatelens.testing.RecordedCaptures.scenarios();
        assertTrue(names.size() >= 20, "fixtures present: " + names);
        return names.stream();
    }

    record Run(JsonNode expected, CaptureFeeder feeder) {
        List<Transaction> clientLeg() { return feeder.toPort(expected.get("proxy_port").asInt()); }
        List<Transaction> upstreamLeg() { return feeder.toPort(expected.get("backend_port").asInt()); }
        Transaction upstream() {
            List<Transaction> u = upstreamLeg();
            assertEquals(1, u.size(), u.toString());
            return u.get(0);
        }
    }

    static Run run(String scenario) throws IOException {
        Path dir = CAPTURES.resolve(scenario);
        JsonNode expected = new ObjectMapper().readTree(dir.resolve("expected.json").toFile());
        return new Run(expected, CaptureFeeder.run(dir.resolve(expected.get("capture_file").asText())));
    }

    static List<AnomalyCode> codes(Transaction t) {
        return t.anomalies().stream().map(Anomaly::code).toList();
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void clientLegMatchesWhatTheClientSaw(String scenario) throws IOException {
        Run r = run(scenario);
        List<Transaction> client = r.clientLeg();
        JsonNode requests = r.expected().get("requests");
        assertEquals(requests.size(), client.size(), scenario + ": " + client);
        for (int i = 0; i < requests.size(); i++) {
            JsonNode want = requests.get(i);
            Transaction t = client.get(i);
            assertEquals(want.get("method").asText(), t.request().method(), scenario);
            assertEquals(want.get("target").asText(), t.request().target(), scenario);
            int status = want.get("status").isNull() ? -1 : want.get("status").asInt();
            assertEquals(status, t.status(), scenario + " request " + i);
            boolean complete = t.end() == TransactionEnd.COMPLETE || t.end() == TransactionEnd.WEBSOCKET_UPGRADED;
            if (status > 0) assertEquals(want.get("body_complete").asBoolean(), complete, scenario + " " + t.end());
        }
        for (Transaction t : r.feeder().transactions) {
            for (Anomaly a : t.anomalies()) {
                assertFalse(a.code().name().startsWith("NOT_HTTP"), scenario + ": " + a);
            }
        }
        checkStray(r, scenario, r.feeder().stray);
    }

    /**
     * Nothing outside an exchange, except where the scenario is a TLS mismatch: there the
     * ClientHello the proxy sent to a plain-HTTP upstream must be labelled as TLS.
     */
    static void checkStray(Run r, String scenario, List<Anomaly> stray) {
        boolean tlsMismatch = false;
        for (JsonNode cause : r.expected().path("expected_causes")) {
            tlsMismatch |= cause.asText().equals("tls_mismatch");
        }
        if (!tlsMismatch) {
            assertTrue(stray.isEmpty(), scenario + ": " + stray);
            return;
        }
        assertFalse(stray.isEmpty(), scenario + ": the TLS bytes sent upstream were not flagged");
        assertTrue(stray.stream().allMatch(a -> a.code() == AnomalyCode.NOT_HTTP_TLS), scenario + ": " + stray);
    }

    static String summary(Transaction t) {
        return "c" + t.connection() + "#" + t.index() + " " + (t.request() == null ? "-" : t.request().method() + " "
                + t.request().target()) + " -> " + t.status() + " " + t.end().id() + " " + t.resetBy()
                + " req=" + t.requestBodyBytes() + " resp=" + t.responseBodyBytes() + " frames=" + t.requestFirstFrame()
                + "," + t.requestLastFrame() + "," + t.responseFirstFrame() + "," + t.responseLastFrame()
                + " tunnel=" + t.tunnelBytesClientToServer() + "/" + t.tunnelBytesServerToClient()
                + " " + t.anomalies().stream().map(a -> a.code().id() + "@" + a.streamOffset() + "/f" + a.frame()).toList();
    }

    /** The real reassembler (main's Passes.streams) in front of HttpConnection gives what the simple feeder gives. */
    @ParameterizedTest
    @MethodSource("scenarios")
    void realReassemblerAgreesWithTheFeeder(String scenario) throws IOException {
        Run r = run(scenario);
        List<Transaction> got = new ArrayList<>();
        List<Anomaly> stray = new ArrayList<>();
        io.gatelens.pipeline.Passes.streams(CAPTURES.resolve(scenario).resolve(r.expected().get("capture_file").asText()),
                io.gatelens.flow.FlowTable.DEFAULT_MAX_LIVE, io.gatelens.tcp.TcpLimits.DEFAULT,
                c -> new HttpConnection(c.id(), got::add, stray::add, HttpLimits.DEFAULT, UpgradeHandlerFactory.NONE),
                c -> { });
        List<String> want = r.feeder().transactions.stream().map(FixtureCapturesTest::summary).sorted().toList();
        assertEquals(want, got.stream().map(FixtureCapturesTest::summary).sorted().toList(), scenario);
        checkStray(r, scenario, stray);
    }

    /** The upgrade contract end to end: main's WebSocketSession, created by the factory, reads the frames after the 101. */
    @Test
    void websocketSessionsGetTheBytesAfterThe101() throws IOException {
        String scenario = "websocket-ok";
        Run r = run(scenario);
        List<io.gatelens.ws.WebSocketSession> sessions = new ArrayList<>();
        List<Transaction> got = new ArrayList<>();
        List<Anomaly> stray = new ArrayList<>();
        UpgradeHandlerFactory ws = (id, request, response) -> {
            io.gatelens.ws.WebSocketSession session = new io.gatelens.ws.WebSocketSession(id,
                    io.gatelens.ws.WebSocketHandshake.check(request.method(), request.headers(), response.status(),
                            response.headers()), stray::add);
            sessions.add(session);
            return session;
        };
        io.gatelens.pipeline.Passes.streams(CAPTURES.resolve(scenario).resolve(r.expected().get("capture_file").asText()),
                io.gatelens.flow.FlowTable.DEFAULT_MAX_LIVE, io.gatelens.tcp.TcpLimits.DEFAULT,
                c -> new HttpConnection(c.id(), got::add, stray::add, HttpLimits.DEFAULT, ws), c -> { });
        assertEquals(2, sessions.size(), "client leg and upstream leg");
        String echoed = r.expected().get("websocket").get("echoed_text").asText();
        int code = r.expected().get("websocket").get("close_code").asInt();
        for (io.gatelens.ws.WebSocketSession s : sessions) {
            assertEquals(echoed, s.summary().firstText(Direction.SERVER_TO_CLIENT));
            assertEquals(echoed, s.summary().firstText(Direction.CLIENT_TO_SERVER));
            assertEquals(code, s.summary().closeCode(Direction.CLIENT_TO_SERVER));
            assertTrue(s.summary().closeAnswered());
        }
        assertTrue(stray.isEmpty(), stray.toString());
        assertTrue(got.stream().allMatch(t -> t.end() == TransactionEnd.WEBSOCKET_UPGRADED));
    }

    @Test
    void healthyKeepaliveReusesOneUpstreamConnection() throws IOException {
        Run r = run("healthy-keepalive");
        List<Transaction> up = r.upstreamLeg();
        assertEquals(List.of("GET", "GET", "HEAD", "GET", "GET", "GET"), up.stream().map(t -> t.request().method()).toList());
        assertEquals(List.of(200, 200, 200, 200, 304, 404), up.stream().map(Transaction::status).toList());
        assertEquals(1, up.stream().map(Transaction::connection).distinct().count());
        assertTrue(up.stream().allMatch(t -> t.end() == TransactionEnd.COMPLETE && t.anomalies().isEmpty()));
        assertEquals("chunked", up.get(1).response().headers().get("transfer-encoding"));
        assertTrue(up.get(1).responseBodyBytes() > 0);
        assertEquals(0, up.get(2).responseBodyBytes(), "HEAD: Content-Length but no body");
        for (Transaction t : up) {
            assertTrue(t.requestFirstFrame() > 0 && t.responseFirstFrame() > t.requestFirstFrame());
            assertTrue(t.responseLastNanos() >= t.responseFirstNanos() && t.responseFirstNanos() > t.requestFirstNanos());
        }
    }

    @Test
    void resetAfterRequest() throws IOException {
        Transaction t = run("reset-after-request").upstream();
        assertNull(t.response());
        assertEquals(TransactionEnd.CONNECTION_RESET, t.end());
        assertEquals(Direction.SERVER_TO_CLIENT, t.resetBy());
        assertEquals(TransactionEnd.CONNECTION_RESET, run("haproxy-reset-after-request").upstream().end());
    }

    @Test
    void closeWithoutAnswer() throws IOException {
        for (String s : List.of("close-without-answer", "haproxy-close-without-answer", "apache-close-without-answer")) {
            Transaction t = run(s).upstream();
            assertNull(t.response(), s);
            assertEquals(TransactionEnd.CLOSED_EARLY, t.end(), s);
        }
    }

    @Test
    void shortBodyIsTruncatedOnBothLegs() throws IOException {
        Run r = run("short-body");
        Transaction up = r.upstream();
        assertEquals(TransactionEnd.BODY_TRUNCATED, up.end());
        assertEquals("1000", up.response().headers().get("Content-Length"));
        assertTrue(up.responseBodyBytes() < 1000);
        assertTrue(codes(up).contains(AnomalyCode.HTTP_BODY_TRUNCATED));
        assertEquals(TransactionEnd.BODY_TRUNCATED, r.clientLeg().get(0).end());
    }

    @Test
    void badChunked() throws IOException {
        for (String s : List.of("bad-chunked", "bad-chunked-at-once")) {
            Transaction up = run(s).upstream();
            assertEquals(TransactionEnd.BODY_MALFORMED, up.end(), s);
            assertEquals(List.of(AnomalyCode.HTTP_BAD_CHUNK_SIZE), codes(up), s);
            assertTrue(up.anomalies().get(0).detail().contains("zz") || up.anomalies().get(0).detail().contains("z"));
        }
    }

    @Test
    void headerTooBigForNginxIsFineForUs() throws IOException {
        Transaction up = run("header-too-big").upstream();
        assertEquals(200, up.status());
        assertTrue(codes(up).isEmpty(), up.anomalies().toString());
        int size = 0;
        for (int i = 0; i < up.response().headers().size(); i++) {
            size += up.response().headers().name(i).length() + up.response().headers().value(i).length();
        }
        assertTrue(size > 15_000 && size < HttpLimits.DEFAULT.maxHeaderSectionBytes(), "head of " + size);
    }

    @Test
    void malformedStatusLine() throws IOException {
        Run r = run("malformed-status-line");
        Transaction up = r.upstream();
        assertNull(up.response());
        assertEquals(List.of(AnomalyCode.HTTP_BAD_STATUS_LINE), codes(up));
        assertTrue(up.anomalies().get(0).detail().contains("2OO"));
        assertEquals(0, up.anomalies().get(0).streamOffset());
        // nginx relayed the upstream's bytes as they were (HTTP/0.9 style): same anomaly on the client leg
        assertEquals(List.of(AnomalyCode.HTTP_BAD_STATUS_LINE), codes(r.clientLeg().get(0)));
    }

    @Test
    void invalidHeaderNul() throws IOException {
        Transaction up = run("invalid-header").upstream();
        assertEquals(List.of(AnomalyCode.HTTP_NUL_IN_HEADER), codes(up));
        Anomaly a = up.anomalies().get(0);
        assertTrue(a.frame() >= up.responseFirstFrame() && a.frame() <= up.responseLastFrame());
        String broken = up.response().headers().get("X-Broken");
        assertNotNull(broken);
        assertTrue(broken.indexOf('\0') >= 0, "value kept as sent");
    }

    @Test
    void websocketUpgradeOnBothLegs() throws IOException {
        Run r = run("websocket-ok");
        List<Transaction> all = new ArrayList<>(r.clientLeg());
        all.add(r.upstream());
        for (Transaction t : all) {
            assertEquals(TransactionEnd.WEBSOCKET_UPGRADED, t.end());
            assertTrue(t.tunnelBytesClientToServer() > 0 && t.tunnelBytesServerToClient() > 0, t.toString());
        }
        Transaction cut = run("websocket-close-mid-handshake").upstream();
        assertEquals(TransactionEnd.CLOSED_EARLY, cut.end());
        assertEquals(List.of(AnomalyCode.HTTP_HEADER_TRUNCATED), codes(cut));
    }
}
