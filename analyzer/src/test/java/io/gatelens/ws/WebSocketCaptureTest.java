package io.gatelens.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatelens.anomaly.Anomaly;
import io.gatelens.http.Headers;
import io.gatelens.tcp.Direction;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Real captures of nginx in front of a WebSocket backend (fixtures/captures). */
class WebSocketCaptureTest {
    private static final Path CAPTURES = Path.of("../fixtures/captures");
    private static final Direction C2S = Direction.CLIENT_TO_SERVER;
    private static final Direction S2C = Direction.SERVER_TO_CLIENT;

    private static JsonNode expected(String scenario) throws IOException {
        return new ObjectMapper().readTree(CAPTURES.resolve(scenario).resolve("expected.json").toFile());
    }

    @Test
    void websocketOkOnBothSidesOfTheProxy() throws IOException {
        JsonNode expected = expected("websocket-ok");
        String echoed = expected.path("websocket").path("echoed_text").asText();
        int closeCode = expected.path("websocket").path("close_code").asInt();
        assertFalse(echoed.isEmpty());

        List<CaptureFeeder.Conn> conns = CaptureFeeder.read(CAPTURES.resolve("websocket-ok/capture.pcap"));
        assertEquals(2, conns.size(), "client to nginx, nginx to backend");
        for (CaptureFeeder.Conn conn : conns) {
            String which = "connection " + conn.connection.id();
            Headers request = conn.headers(C2S);
            assertTrue(conn.startLine(C2S).startsWith("GET /ws "), which);
            assertTrue(WebSocketHandshake.isUpgradeRequest("GET", request), which);
            assertEquals("HTTP/1.1 101 Switching Protocols", conn.startLine(S2C), which);
            HandshakeResult hs = WebSocketHandshake.check("GET", request, 101, conn.headers(S2C));
            assertTrue(hs.valid(), which + ": " + hs.problems());
            assertEquals(hs.expectedAccept(), hs.accept());
            assertEquals(0, hs.allowedRsv());

            List<Anomaly> anomalies = new ArrayList<>();
            WsBytes.Recorder frames = new WsBytes.Recorder();
            WebSocketSession session = new WebSocketSession(conn.connection.id(), hs.allowedRsv(), anomalies::add, frames);
            assertTrue(conn.replayAfterUpgrade(session), which);
            assertEquals(List.of(), anomalies, which);

            List<WsBytes.FrameCopy> fs = frames.frames;
            WsBytes.FrameCopy clientText = fs.stream().filter(f -> f.dir().equals("c>s") && f.opcode() == 1)
                    .findFirst().orElseThrow();
            assertTrue(clientText.masked(), which);
            assertEquals(echoed, clientText.preview(), which);
            WsBytes.FrameCopy serverText = fs.stream().filter(f -> f.dir().equals("s>c") && f.opcode() == 1)
                    .findFirst().orElseThrow();
            assertFalse(serverText.masked(), which);
            assertEquals(echoed, serverText.preview(), which);
            assertEquals(conn.headEnd(S2C), serverText.offset(), "TCP stream offset of the first byte after the 101 head");

            WebSocketSummary s = session.summary();
            assertEquals(WebSocketOutcome.CLOSED_CLEANLY, s.outcome(), which);
            assertEquals(closeCode, s.closeCode(C2S), which);
            assertEquals(closeCode, s.closeCode(S2C), which);
            assertTrue(s.closeAnswered());
            assertEquals(S2C, s.firstCloser(), "the backend closes after its echo");
            assertEquals(2, s.frames(C2S));
            assertEquals(2, s.frames(S2C));
            assertEquals(echoed.length() + 2, s.payloadBytes(C2S));
            assertEquals(echoed, s.firstText(C2S));
            assertEquals(s.closeFrame(C2S), s.outcomeFrame(), "decided by the client's answering close");
        }
    }

    /**
     * Frame numbers as tshark 4.0 shows them for this capture: on the upstream connection the
     * backend's echo starts in frame 19 (one byte) and ends in frame 23, which also carries its
     * close; the client's answering close is frame 27 towards nginx and 28 towards the backend.
     */
    @Test
    void websocketOkFrameNumbersMatchTshark() throws IOException {
        List<CaptureFeeder.Conn> conns = CaptureFeeder.read(CAPTURES.resolve("websocket-ok/capture.pcap"));
        WsBytes.Recorder upstream = new WsBytes.Recorder();
        WebSocketSession up = new WebSocketSession(1, 0, a -> fail(a.toString()), upstream);
        assertTrue(conns.get(1).replayAfterUpgrade(up));
        WsBytes.FrameCopy echo = upstream.frames.stream().filter(f -> f.dir().equals("s>c") && f.opcode() == 1)
                .findFirst().orElseThrow();
        assertEquals(19, echo.frame());
        assertEquals(23, echo.lastFrame());
        assertEquals(23, up.summary().closeFrame(S2C));
        assertEquals(28, up.summary().outcomeFrame());

        WebSocketSession client = new WebSocketSession(0, 0, a -> fail(a.toString()), null);
        assertTrue(conns.get(0).replayAfterUpgrade(client));
        assertEquals(25, client.summary().closeFrame(S2C));
        assertEquals(27, client.summary().outcomeFrame());
    }

    @Test
    void closeMidHandshakeNeverSwitches() throws IOException {
        JsonNode expected = expected("websocket-close-mid-handshake");
        int status = expected.path("requests").path(0).path("status").asInt();
        assertEquals(502, status);

        List<CaptureFeeder.Conn> conns = CaptureFeeder.read(CAPTURES.resolve("websocket-close-mid-handshake/capture.pcap"));
        assertEquals(2, conns.size());
        CaptureFeeder.Conn client = conns.get(0);
        CaptureFeeder.Conn upstream = conns.get(1);

        // Upstream: half a 101 head, then FIN. No complete head, so no WebSocket session starts.
        assertTrue(upstream.startLine(S2C).startsWith("HTTP/1.1 101"));
        assertEquals(-1, upstream.headEnd(S2C));
        assertTrue(WebSocketHandshake.isUpgradeRequest("GET", upstream.headers(C2S)));
        WebSocketSession never = new WebSocketSession(1, 0, a -> fail(a.toString()), null);
        assertFalse(upstream.replayAfterUpgrade(never));
        assertEquals(0, never.summary().frames(S2C));

        // Client side: nginx answers the upgrade request with 502. The request carried the
        // upgrade fields, and so did nginx's request upstream: not a proxy dropping them.
        Headers request = client.headers(C2S);
        assertTrue(WebSocketHandshake.isUpgradeRequest("GET", request));
        assertEquals("HTTP/1.1 502 Bad Gateway", client.startLine(S2C));
        HandshakeResult r = WebSocketHandshake.check("GET", request, status, client.headers(S2C));
        assertTrue(r.rejected());
        assertFalse(r.upgraded());
        assertTrue(r.requestHasUpgrade());
        assertTrue(r.requestHasConnectionUpgrade());
        assertEquals(List.of(), r.problems(), "the request itself was a sound upgrade request");
        HandshakeResult up = WebSocketHandshake.check("GET", upstream.headers(C2S), 502, null);
        assertTrue(up.requestHasUpgrade() && up.requestHasConnectionUpgrade());
    }
}
