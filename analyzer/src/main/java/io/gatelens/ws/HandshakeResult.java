package io.gatelens.ws;

import io.gatelens.anomaly.Anomaly;
import io.gatelens.anomaly.AnomalyCode;
import io.gatelens.anomaly.AnomalySink;
import io.gatelens.tcp.Direction;

import java.util.List;

/**
 * What {@link WebSocketHandshake#check} found in one upgrade request and its answer.
 *
 * @param status               the answer's status code (101 when the server switched protocols)
 * @param requestHasUpgrade    the request, as seen on this connection, carried Upgrade: websocket
 * @param requestHasConnectionUpgrade the request carried Connection: upgrade; a proxy that drops
 *                             these hop-by-hop fields (nginx without {@code proxy_set_header
 *                             Upgrade}) leaves the upstream a plain GET
 * @param key                  Sec-WebSocket-Key as sent, or null
 * @param version              Sec-WebSocket-Version as sent, or null
 * @param expectedAccept       the accept value computed from the key, or null without a key
 * @param accept               Sec-WebSocket-Accept as answered, or null
 * @param subprotocol          Sec-WebSocket-Protocol of the 101, or null
 * @param extensions           Sec-WebSocket-Extensions of the 101 (all lines joined), or null
 * @param allowedRsv           RSV bits (RSV1 = 4, RSV2 = 2, RSV3 = 1) the negotiated extensions
 *                             may set on data frames; 7 when an extension unknown here was agreed
 * @param problems             what is wrong, in the order checked; empty when all is well
 */
public record HandshakeResult(int status, boolean requestHasUpgrade, boolean requestHasConnectionUpgrade,
                              String key, String version, String expectedAccept, String accept,
                              String subprotocol, String extensions, int allowedRsv,
                              List<Problem> problems) {

    /** One thing wrong with the handshake: the code and a short escaped detail. */
    public record Problem(AnomalyCode code, String detail) {}

    public HandshakeResult {
        problems = List.copyOf(problems);
    }

    /** The server switched protocols (whatever else is wrong). */
    public boolean upgraded() { return status == 101; }

    /** The server answered the upgrade request with something other than 101. */
    public boolean rejected() { return status != 101; }

    /** Switched, with nothing wrong on either side. */
    public boolean valid() { return upgraded() && problems.isEmpty(); }

    public boolean hasProblem(AnomalyCode code) {
        for (Problem p : problems) {
            if (p.code() == code) return true;
        }
        return false;
    }

    /** Sends every problem to {@code sink}, placed at the answer's first byte. */
    public void report(AnomalySink sink, long connection, long frame, long nanos, long responseOffset) {
        for (Problem p : problems) {
            // Request problems are found in the request, but only the answer decides they matter.
            sink.anomaly(new Anomaly(p.code(), connection, Direction.SERVER_TO_CLIENT, frame, nanos,
                    responseOffset, p.detail()));
        }
    }
}
