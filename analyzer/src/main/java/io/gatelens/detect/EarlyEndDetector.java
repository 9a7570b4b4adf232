package io.gatelens.detect;

import io.gatelens.http.MessageEnd;
import io.gatelens.http.Transaction;
import io.gatelens.http.TransactionEnd;
import io.gatelens.pipeline.TransactionRow;
import io.gatelens.tcp.Direction;

import static io.gatelens.detect.ConnectionFacts.C2S;
import static io.gatelens.detect.ConnectionFacts.S2C;

/**
 * The upstream ended the connection (FIN or RST) before its response was complete:
 * reset_during_request (the proxy was still sending the request), reset_before_response (no
 * response byte yet), closed_before_response (FIN before a complete head), reset_during_response
 * (RST after part of the response) and truncated_body (FIN before Content-Length or the last
 * chunk). Only when the upstream closed first: a close that answers the proxy's own is the
 * proxy's doing (see {@link ResponseTimeoutDetector}).
 */
final class EarlyEndDetector implements Detector {
    @Override
    public void exchange(ConnectionFacts c, TransactionRow row, Findings out) {
        Transaction t = row.transaction();
        if (t.request() == null || t.requestFirstFrame() < 0) return;
        long serverClose = c.closeFrame(S2C);
        if (serverClose < 0 || serverClose < t.requestFirstFrame()) return;
        long clientClose = c.closeFrame(C2S);
        if (clientClose >= 0 && clientClose < serverClose) return;
        boolean reset = c.closedByReset(S2C);
        long closeNanos = c.closeNanos(S2C);
        String request = Findings.requestLine(t.request());
        String word = reset ? "RST" : "FIN";
        Proof p = new Proof().add(t.requestFirstFrame(), t.requestFirstNanos(), "request begins");

        MessageEnd.How req = t.requestEnd();
        if (req == null || req == MessageEnd.How.TRUNCATED || req == MessageEnd.How.UNFINISHED) {
            // The request never ended: the upstream cut it off.
            if (!reset && t.response() != null) return; // answered early, then closed: the proxy has its answer
            p.add(c.client.lastDataFrame < serverClose ? c.client.lastDataFrame : -1, c.client.lastDataNanos, "proxy still sending")
                    .add(serverClose, closeNanos, "upstream " + word + " while the request is being sent");
            String answered = t.response() == null ? "" : " It had answered " + t.status() + " first.";
            String specific = "The upstream " + (reset ? "reset" : "closed") + " the connection while the proxy was still"
                    + " sending the request: " + c.client.bytes + " request bytes were sent"
                    + (t.requestBodyBytes() > 0 ? ", " + t.requestBodyBytes() + " of them body" : "") + "." + answered;
            out.add(reset ? Cause.RESET_DURING_REQUEST : Cause.CLOSED_BEFORE_RESPONSE, request, specific, null, closeNanos, p.list());
            return;
        }
        if (t.requestLastFrame() != t.requestFirstFrame()) p.add(t.requestLastFrame(), t.requestLastNanos(), "request complete");
        if (t.response() == null) {
            if (t.end() != TransactionEnd.CONNECTION_RESET && t.end() != TransactionEnd.CLOSED_EARLY) return;
            long got = Rows.answerBytes(c, t);
            if (got > 0) p.add(c.server.turnFrame, c.server.turnNanos, "start of an incomplete response head");
            p.add(serverClose, closeNanos, "upstream " + word + (got > 0 ? " inside the response head" : ", no response byte"));
            long after = closeNanos - t.requestLastNanos();
            if (reset && got > 0) {
                out.add(Cause.RESET_DURING_RESPONSE, request, "The upstream reset the connection after sending " + got
                        + " bytes of its response head, " + Proof.duration(after) + " after the request.", null, closeNanos, p.list());
            } else if (reset) {
                out.add(Cause.RESET_BEFORE_RESPONSE, request, "The upstream reset the connection (RST) "
                        + Proof.duration(after) + " after the request, without sending any response byte.", null, closeNanos, p.list());
            } else {
                String specific = got > 0
                        ? "The upstream sent " + got + " bytes of a response head, then closed the connection (FIN) before"
                        + " the head was complete, " + Proof.duration(after) + " after the request."
                        : "The upstream closed the connection (FIN) " + Proof.duration(after) + " after the request,"
                        + " without sending any response byte.";
                out.add(Cause.CLOSED_BEFORE_RESPONSE, request, specific, null, closeNanos, p.list());
            }
            return;
        }
        p.add(t.responseFirstFrame(), t.responseFirstNanos(), "response head " + t.status());
        if (t.end() == TransactionEnd.CONNECTION_RESET && t.resetBy() == Direction.SERVER_TO_CLIENT) {
            p.add(serverClose, closeNanos, "upstream RST in the middle of the response");
            String specific = "The upstream answered " + t.status() + ", then reset the connection after "
                    + t.responseBodyBytes() + " body bytes" + promised(t) + ".";
            out.add(Cause.RESET_DURING_RESPONSE, request, specific, null, closeNanos, p.list());
        } else if (t.end() == TransactionEnd.BODY_TRUNCATED) {
            p.add(t.responseLastFrame(), t.responseLastNanos(), "last body bytes")
                    .add(serverClose, closeNanos, "upstream " + word + " before the body is complete");
            String specific = "The upstream answered " + t.status() + ", sent " + t.responseBodyBytes() + " body bytes"
                    + promised(t) + ", then closed the connection (FIN). The body is cut short.";
            out.add(Cause.TRUNCATED_BODY, request, specific, null, closeNanos, p.list());
        }
    }

    /** Reset with no exchange at all: the upstream cut off a request whose head was not even complete. */
    @Override
    public void closed(ConnectionFacts c, Findings out) {
        if (c.exchanges > 0 || c.emitted != 0 || c.server.rstFrame < 0 || c.client.firstDataFrame < 0
                || c.server.firstDataFrame >= 0 || c.client.tlsFrame >= 0 || !c.closedByReset(S2C)) {
            return;
        }
        long clientClose = c.closeFrame(C2S);
        if (clientClose >= 0 && clientClose < c.server.rstFrame) return;
        Proof p = new Proof()
                .add(c.client.firstDataFrame, c.client.firstDataNanos, "request begins")
                .add(c.server.rstFrame, c.server.rstNanos, "upstream RST before the request head was complete");
        String specific = "The upstream reset the connection while the proxy was still sending the request head ("
                + c.client.bytes + " bytes sent, no complete head).";
        out.add(Cause.RESET_DURING_REQUEST, null, specific, null, c.server.rstNanos, p.list());
    }

    private static String promised(Transaction t) {
        String cl = t.response().headers().get("Content-Length");
        if (cl != null) return " of the " + cl.strip() + " its Content-Length promised";
        if (t.response().headers().hasToken("Transfer-Encoding", "chunked")) return " without the last (zero-size) chunk";
        return "";
    }
}
