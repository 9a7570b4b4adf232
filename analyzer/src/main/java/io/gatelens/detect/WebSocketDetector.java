package io.gatelens.detect;

import io.gatelens.anomaly.AnomalyCode;
import io.gatelens.anomaly.Severity;
import io.gatelens.http.Transaction;
import io.gatelens.pipeline.TransactionRow;
import io.gatelens.tcp.Direction;
import io.gatelens.ws.HandshakeResult;
import io.gatelens.ws.WebSocketOutcome;
import io.gatelens.ws.WebSocketSummary;

import java.util.ArrayList;
import java.util.List;

import static io.gatelens.detect.ConnectionFacts.C2S;
import static io.gatelens.detect.ConnectionFacts.S2C;

/**
 * The WebSocket upgrade (RFC 6455 section 4): rejected (no 101, including when the request that
 * reached the upstream had lost its Upgrade/Connection fields), truncated (the connection ended
 * during the handshake), a 101 with a wrong accept or missing fields, and an upgraded connection
 * the upstream reset or closed without a close frame.
 */
final class WebSocketDetector implements Detector {
    private static final List<AnomalyCode> BAD_101 = List.of(AnomalyCode.WS_BAD_ACCEPT, AnomalyCode.WS_MISSING_UPGRADE,
            AnomalyCode.WS_MISSING_CONNECTION_UPGRADE);

    @Override
    public void exchange(ConnectionFacts c, TransactionRow row, Findings out) {
        HandshakeResult h = row.handshake();
        Transaction t = row.transaction();
        if (h == null || t.request() == null) return;
        String request = Findings.requestLine(t.request());
        if (h.status() == 101) {
            if (!badAccept(c, t, h, request, out)) resetAfterUpgrade(c, t, row.webSocket(), request, out);
        } else if (h.status() > 0) {
            boolean gatewayError = h.status() == 502 || h.status() == 503 || h.status() == 504;
            // A gateway error to a well-formed upgrade says more as upstream_error_status.
            if (!gatewayError || !h.requestHasUpgrade() || !h.requestHasConnectionUpgrade()) rejected(c, t, h, request, out);
        } else {
            truncated(c, t, request, out);
        }
    }

    private static void rejected(ConnectionFacts c, Transaction t, HandshakeResult h, String request, Findings out) {
        Proof p = new Proof()
                .add(t.requestFirstFrame(), t.requestFirstNanos(), "WebSocket upgrade request")
                .add(t.responseFirstFrame(), t.responseFirstNanos(), "answered " + h.status() + ", not 101");
        List<String> missing = new ArrayList<>(2);
        if (!h.requestHasUpgrade()) missing.add("Upgrade: websocket");
        if (!h.requestHasConnectionUpgrade()) missing.add("Connection: upgrade");
        String specific;
        String hint = null;
        if (missing.isEmpty()) {
            specific = "The upstream refused the WebSocket upgrade: it answered " + status(t) + " instead of 101"
                    + " Switching Protocols.";
        } else {
            specific = "The upstream answered " + status(t) + " instead of 101 Switching Protocols, and the request that"
                    + " reached it carried no " + String.join(" and no ", missing) + ": the proxy did not forward these"
                    + " hop-by-hop fields, so the upstream saw an ordinary GET.";
            hint = "The request reached the upstream without " + String.join(" and ", missing) + ".";
        }
        out.add(Cause.WS_UPGRADE_REJECTED, request, specific, hint, t.responseFirstNanos(), p.list());
    }

    private static void truncated(ConnectionFacts c, Transaction t, String request, Findings out) {
        long serverClose = c.closeFrame(S2C);
        if (serverClose < 0 || serverClose < t.requestFirstFrame()) return;
        long clientClose = c.closeFrame(C2S);
        if (clientClose >= 0 && clientClose < serverClose) return; // the proxy gave up first: a timeout
        long got = Rows.answerBytes(c, t);
        Proof p = new Proof().add(t.requestFirstFrame(), t.requestFirstNanos(), "WebSocket upgrade request");
        if (got > 0) p.add(c.server.turnFrame, c.server.turnNanos, "start of the upstream's answer");
        p.add(serverClose, c.closeNanos(S2C), "upstream " + Rows.closeWord(c, S2C) + " during the handshake");
        String specific = got > 0
                ? "The upstream sent " + got + " bytes of its answer to the WebSocket upgrade, then "
                + (c.closedByReset(S2C) ? "reset" : "closed") + " the connection before the head was complete: the 101"
                + " Switching Protocols never arrived whole."
                : "The upstream " + (c.closedByReset(S2C) ? "reset" : "closed") + " the connection "
                + Proof.duration(c.closeNanos(S2C) - t.requestFirstNanos()) + " after the WebSocket upgrade request,"
                + " without answering it.";
        out.add(Cause.WS_TRUNCATED_UPGRADE, request, specific, null, c.closeNanos(S2C), p.list());
    }

    private static boolean badAccept(ConnectionFacts c, Transaction t, HandshakeResult h, String request, Findings out) {
        List<String> problems = new ArrayList<>(2);
        for (HandshakeResult.Problem pr : h.problems()) {
            if (BAD_101.contains(pr.code())) problems.add(pr.detail());
        }
        if (problems.isEmpty()) return false;
        Proof p = new Proof()
                .add(t.requestFirstFrame(), t.requestFirstNanos(), "upgrade request, Sec-WebSocket-Key " + h.key())
                .add(t.responseFirstFrame(), t.responseFirstNanos(), "101 with a bad handshake");
        String specific = "The upstream switched protocols (101) but its handshake is wrong: " + String.join("; ", problems)
                + (h.accept() != null && h.expectedAccept() != null && !h.accept().equals(h.expectedAccept())
                ? " (Sec-WebSocket-Accept should be " + h.expectedAccept() + ")" : "")
                + ". A WebSocket client must then fail the connection (RFC 6455 section 4.1).";
        out.add(Cause.BAD_WS_ACCEPT, request, specific, null, t.responseFirstNanos(), p.list());
        return true;
    }

    private static void resetAfterUpgrade(ConnectionFacts c, Transaction t, WebSocketSummary ws, String request, Findings out) {
        if (ws == null) return;
        WebSocketOutcome o = ws.outcome();
        boolean byServer;
        if (o == WebSocketOutcome.RESET_AFTER_UPGRADE) {
            byServer = ws.resetBy() == Direction.SERVER_TO_CLIENT;
        } else if (o == WebSocketOutcome.CLOSED_WITHOUT_CLOSE_FRAME) {
            long s = ws.finFrame(Direction.SERVER_TO_CLIENT);
            long cl = ws.finFrame(Direction.CLIENT_TO_SERVER);
            byServer = s >= 0 && (cl < 0 || s <= cl);
        } else {
            return;
        }
        if (!byServer) return;
        long after = ws.outcomeNanos() - t.responseFirstNanos();
        long messages = ws.messages(Direction.SERVER_TO_CLIENT) + ws.messages(Direction.CLIENT_TO_SERVER);
        boolean early = after <= out.options().wsEarlyCloseNanos() || messages == 0;
        Proof p = new Proof()
                .add(t.responseFirstFrame(), t.responseFirstNanos(), "101 Switching Protocols")
                .add(ws.outcomeFrame(), ws.outcomeNanos(), o == WebSocketOutcome.RESET_AFTER_UPGRADE
                        ? "upstream RST, no close frame" : "upstream FIN, no close frame");
        String specific = "The upstream " + (o == WebSocketOutcome.RESET_AFTER_UPGRADE ? "reset" : "closed")
                + " the WebSocket connection " + Proof.duration(after) + " after its 101, without a close frame"
                + " (RFC 6455 section 7), after " + messages + " message" + (messages == 1 ? "" : "s") + ".";
        out.add(Cause.WS_RESET_AFTER_UPGRADE, early ? Severity.ERROR : Severity.WARNING, request, specific, null,
                ws.outcomeNanos(), p.list());
    }

    private static String status(Transaction t) {
        String reason = t.response() == null ? "" : t.response().reason();
        return t.status() + (reason == null || reason.isEmpty() ? "" : " " + reason);
    }
}
