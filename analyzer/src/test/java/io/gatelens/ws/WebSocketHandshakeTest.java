package io.gatelens.ws;

import io.gatelens.anomaly.Anomaly;
import io.gatelens.anomaly.AnomalyCode;
import io.gatelens.http.Headers;
import io.gatelens.tcp.Direction;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class WebSocketHandshakeTest {
    /** RFC 6455 section 1.3. */
    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    private static final String ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

    private static Headers headers(String... nameValues) {
        Headers h = new Headers();
        for (int i = 0; i < nameValues.length; i += 2) h.add(nameValues[i], nameValues[i + 1]);
        return h;
    }

    private static Headers goodRequest() {
        return headers("Host", "server.example.com", "Upgrade", "websocket", "Connection", "Upgrade",
                "Sec-WebSocket-Key", KEY, "Sec-WebSocket-Version", "13");
    }

    private static Headers goodResponse() {
        return headers("Upgrade", "websocket", "Connection", "Upgrade", "Sec-WebSocket-Accept", ACCEPT);
    }

    private static List<String> details(HandshakeResult r, AnomalyCode code) {
        List<String> out = new ArrayList<>();
        for (HandshakeResult.Problem p : r.problems()) if (p.code() == code) out.add(p.detail());
        return out;
    }

    @Test
    void acceptValueOfRfc6455Section1_3() {
        assertEquals(ACCEPT, WebSocketHandshake.acceptFor(KEY));
    }

    @Test
    void wellFormedHandshakeHasNoProblems() {
        HandshakeResult r = WebSocketHandshake.check("GET", goodRequest(), 101, goodResponse());
        assertTrue(r.valid(), r.problems().toString());
        assertTrue(r.upgraded());
        assertFalse(r.rejected());
        assertEquals("13", r.version());
        assertEquals(KEY, r.key());
        assertEquals(ACCEPT, r.expectedAccept());
        assertEquals(ACCEPT, r.accept());
        assertNull(r.subprotocol());
        assertNull(r.extensions());
        assertEquals(0, r.allowedRsv());
    }

    @Test
    void tokensAreMatchedIgnoringCaseAndInLists() {
        Headers req = headers("Upgrade", "WebSocket", "Connection", "keep-alive, Upgrade",
                "Sec-WebSocket-Key", " " + KEY + " ", "Sec-WebSocket-Version", "13");
        Headers resp = headers("upgrade", "WEBSOCKET", "connection", "upgrade", "sec-websocket-accept", ACCEPT);
        assertTrue(WebSocketHandshake.check(req, 101, resp).valid());
    }

    @Test
    void requestWithoutUpgrade() {
        Headers req = headers("Connection", "Upgrade", "Sec-WebSocket-Key", KEY, "Sec-WebSocket-Version", "13");
        HandshakeResult r = WebSocketHandshake.check(req, 101, goodResponse());
        assertEquals(List.of(AnomalyCode.WS_BAD_REQUEST), codes(r));
        assertTrue(details(r, AnomalyCode.WS_BAD_REQUEST).get(0).contains("Upgrade"));
        assertFalse(r.requestHasUpgrade());
        assertTrue(r.requestHasConnectionUpgrade());
    }

    @Test
    void requestWithoutConnectionUpgrade() {
        Headers req = headers("Upgrade", "websocket", "Connection", "keep-alive", "Sec-WebSocket-Key", KEY,
                "Sec-WebSocket-Version", "13");
        HandshakeResult r = WebSocketHandshake.check(req, 101, goodResponse());
        assertEquals(List.of(AnomalyCode.WS_BAD_REQUEST), codes(r));
        assertTrue(details(r, AnomalyCode.WS_BAD_REQUEST).get(0).contains("\"keep-alive\""));
        assertFalse(r.requestHasConnectionUpgrade());
    }

    @Test
    void requestWithoutKeyCannotBeAccepted() {
        Headers req = headers("Upgrade", "websocket", "Connection", "Upgrade", "Sec-WebSocket-Version", "13");
        HandshakeResult r = WebSocketHandshake.check(req, 101, goodResponse());
        assertEquals(List.of(AnomalyCode.WS_BAD_REQUEST, AnomalyCode.WS_BAD_ACCEPT), codes(r));
        assertNull(r.expectedAccept());
    }

    @Test
    void keyThatIsNotSixteenBytes() {
        for (String bad : new String[] {"dGhlIHNhbXBsZQ==", "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25j*Q==",
                "dGhlIHNhbXBsZSBub25jZQ=x", "dGhlIHNhbXBsZSBub25jZSBub25jZQ=="}) {
            Headers req = headers("Upgrade", "websocket", "Connection", "Upgrade", "Sec-WebSocket-Key", bad,
                    "Sec-WebSocket-Version", "13");
            HandshakeResult r = WebSocketHandshake.check(req, 400, null);
            assertEquals(List.of(AnomalyCode.WS_BAD_REQUEST), codes(r), bad);
            assertTrue(r.problems().get(0).detail().contains("16 bytes"), bad);
        }
        assertTrue(WebSocketHandshake.isSixteenBytesBase64("AAAAAAAAAAAAAAAAAAAAAA=="));
    }

    @Test
    void versionOtherThan13OrMissing() {
        for (String v : new String[] {"8", "13, 8", null}) {
            Headers req = headers("Upgrade", "websocket", "Connection", "Upgrade", "Sec-WebSocket-Key", KEY);
            if (v != null) req.add("Sec-WebSocket-Version", v);
            HandshakeResult r = WebSocketHandshake.check(req, 426, headers("Sec-WebSocket-Version", "13"));
            assertEquals(List.of(AnomalyCode.WS_BAD_REQUEST), codes(r), String.valueOf(v));
            assertTrue(r.problems().get(0).detail().contains("not 13"));
            assertTrue(r.rejected());
        }
    }

    @Test
    void methodOtherThanGet() {
        HandshakeResult r = WebSocketHandshake.check("POST", goodRequest(), 101, goodResponse());
        assertEquals(List.of(AnomalyCode.WS_BAD_REQUEST), codes(r));
        assertTrue(r.problems().get(0).detail().contains("POST"));
    }

    @Test
    void switchWithoutUpgrade() {
        Headers resp = headers("Connection", "Upgrade", "Sec-WebSocket-Accept", ACCEPT);
        HandshakeResult r = WebSocketHandshake.check(goodRequest(), 101, resp);
        assertEquals(List.of(AnomalyCode.WS_MISSING_UPGRADE), codes(r));
        assertFalse(r.valid());
        assertTrue(r.upgraded());
    }

    @Test
    void switchWithoutConnectionUpgrade() {
        Headers resp = headers("Upgrade", "websocket", "Connection", "close", "Sec-WebSocket-Accept", ACCEPT);
        HandshakeResult r = WebSocketHandshake.check(goodRequest(), 101, resp);
        assertEquals(List.of(AnomalyCode.WS_MISSING_CONNECTION_UPGRADE), codes(r));
        assertTrue(r.problems().get(0).detail().contains("\"close\""));
    }

    @Test
    void wrongAcceptNamesExpectedAndGot() {
        Headers resp = headers("Upgrade", "websocket", "Connection", "Upgrade",
                "Sec-WebSocket-Accept", "HALaVkPV3Dmf+Ibb/nmj1Qpa7U8=");
        HandshakeResult r = WebSocketHandshake.check(goodRequest(), 101, resp);
        assertEquals(List.of(AnomalyCode.WS_BAD_ACCEPT), codes(r));
        String d = r.problems().get(0).detail();
        assertTrue(d.contains("expected \"" + ACCEPT + "\""), d);
        assertTrue(d.contains("got \"HALaVkPV3Dmf+Ibb/nmj1Qpa7U8=\""), d);
    }

    @Test
    void missingAccept() {
        HandshakeResult r = WebSocketHandshake.check(goodRequest(), 101, headers("Upgrade", "websocket",
                "Connection", "Upgrade"));
        assertEquals(List.of(AnomalyCode.WS_BAD_ACCEPT), codes(r));
        assertTrue(r.problems().get(0).detail().contains("got (none)"));
    }

    @Test
    void subprotocolAndExtensionsRecorded() {
        Headers req = goodRequest();
        req.add("Sec-WebSocket-Protocol", "chat, superchat");
        req.add("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits");
        Headers resp = goodResponse();
        resp.add("Sec-WebSocket-Protocol", "superchat");
        resp.add("Sec-WebSocket-Extensions", "permessage-deflate; server_no_context_takeover");
        HandshakeResult r = WebSocketHandshake.check(req, 101, resp);
        assertTrue(r.valid(), r.problems().toString());
        assertEquals("superchat", r.subprotocol());
        assertEquals("permessage-deflate; server_no_context_takeover", r.extensions());
        assertEquals(4, r.allowedRsv());
    }

    @Test
    void unofferedSubprotocolOrExtension() {
        Headers resp = goodResponse();
        resp.add("Sec-WebSocket-Protocol", "chat");
        resp.add("Sec-WebSocket-Extensions", "x-mystery");
        HandshakeResult r = WebSocketHandshake.check(goodRequest(), 101, resp);
        assertEquals(List.of(AnomalyCode.WS_BAD_NEGOTIATION, AnomalyCode.WS_BAD_NEGOTIATION), codes(r));
        // An extension unknown here may use any RSV bit: the frame parser must not judge them.
        assertEquals(7, r.allowedRsv());
    }

    @Test
    void rejectionSaysWhetherTheRequestAskedToUpgrade() {
        HandshakeResult asked = WebSocketHandshake.check("GET", goodRequest(), 502, headers("Content-Type", "text/html"));
        assertTrue(asked.rejected());
        assertTrue(asked.problems().isEmpty(), "a 502 is not judged as a handshake");
        assertTrue(asked.requestHasUpgrade());
        assertTrue(asked.requestHasConnectionUpgrade());

        // What an upstream sees behind a proxy that dropped the hop-by-hop fields.
        Headers stripped = headers("Host", "backend", "Sec-WebSocket-Key", KEY, "Sec-WebSocket-Version", "13");
        assertTrue(WebSocketHandshake.isUpgradeRequest("GET", stripped));
        HandshakeResult r = WebSocketHandshake.check("GET", stripped, 400, null);
        assertTrue(r.rejected());
        assertFalse(r.requestHasUpgrade());
        assertFalse(r.requestHasConnectionUpgrade());
        assertEquals(2, details(r, AnomalyCode.WS_BAD_REQUEST).size());
    }

    @Test
    void isUpgradeRequest() {
        assertTrue(WebSocketHandshake.isUpgradeRequest("GET", goodRequest()));
        assertFalse(WebSocketHandshake.isUpgradeRequest("GET", headers("Host", "a")));
        assertFalse(WebSocketHandshake.isUpgradeRequest("GET", headers("Upgrade", "h2c", "Connection", "Upgrade")));
        assertTrue(WebSocketHandshake.isUpgradeRequest("GET", headers("Upgrade", "foo, WebSocket")));
    }

    @Test
    void reportPlacesProblemsAtTheAnswer() {
        HandshakeResult r = WebSocketHandshake.check(goodRequest(), 101, headers("Upgrade", "websocket"));
        List<Anomaly> got = new ArrayList<>();
        r.report(got::add, 7, 42, 1_000L, 300);
        assertEquals(2, got.size());
        for (Anomaly a : got) {
            assertEquals(7, a.connection());
            assertEquals(42, a.frame());
            assertEquals(300, a.streamOffset());
            assertEquals(Direction.SERVER_TO_CLIENT, a.direction());
        }
        assertEquals(AnomalyCode.WS_MISSING_CONNECTION_UPGRADE, got.get(0).code());
        assertEquals(AnomalyCode.WS_BAD_ACCEPT, got.get(1).code());
    }

    @Test
    void detailsAreEscaped() {
        Headers resp = headers("Upgrade", "websocket", "Connection", "Upgrade", "Sec-WebSocket-Accept", "a\u0001\"b\u00ff");
        String d = WebSocketHandshake.check(goodRequest(), 101, resp).problems().get(0).detail();
        assertTrue(d.contains("a\\x01\\\"b\\xff"), d);
    }

    private static List<AnomalyCode> codes(HandshakeResult r) {
        List<AnomalyCode> out = new ArrayList<>();
        for (HandshakeResult.Problem p : r.problems()) out.add(p.code());
        return out;
    }
}
