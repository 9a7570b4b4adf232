package io.gatelens.detect;

import io.gatelens.http.Transaction;
import io.gatelens.http.TransactionEnd;
import io.gatelens.pipeline.TransactionRow;

import static io.gatelens.detect.ConnectionFacts.C2S;
import static io.gatelens.detect.ConnectionFacts.S2C;

/**
 * keepalive_race: the proxy sends a request on a keep-alive connection the upstream is closing.
 * Seen as: no answer, and the upstream's FIN (or RST) either came before the request reached the
 * capture point, or within a few milliseconds after it on a reused connection, sooner than any
 * handler could have failed (the FIN was sent before the request arrived; they crossed in
 * flight). RFC 9112 section 9.3.1: a client must be ready to retry a request that meets a close.
 *
 * <p>"A few milliseconds" is {@link DetectOptions#keepAliveRaceNanos()}, stretched on a
 * connection where the upstream has answered before, but never that fast, to its fastest answer
 * there (at most {@link DetectOptions#keepAliveRaceMaxNanos()}): an upstream that ends the
 * connection sooner than it has ever got as far as answering a request on it did not hand this one
 * to a handler. Seen in the recorded races: an upstream that took 100 to 160 ms per answer closed
 * the reused connection 15 to 22 ms after the request (its idle close acted on late, busy as it
 * was), while a real handler failure on such an upstream comes no sooner than its answers do.
 */
final class KeepAliveRaceDetector implements Detector {
    @Override
    public void exchange(ConnectionFacts c, TransactionRow row, Findings out) {
        Transaction t = row.transaction();
        if (t.request() == null || t.response() != null || t.requestFirstFrame() < 0) return;
        if (t.end() != TransactionEnd.CLOSED_EARLY && t.end() != TransactionEnd.CONNECTION_RESET) return;
        long serverClose = c.closeFrame(S2C);
        if (serverClose < 0) return;
        long clientClose = c.closeFrame(C2S);
        if (clientClose >= 0 && clientClose < serverClose) return; // the proxy closed first
        if (Rows.answerBytes(c, t) > 0) return;
        long closeNanos = c.closeNanos(S2C);
        boolean before = serverClose < t.requestFirstFrame();
        // Reused after a real idle period: a reset right after a busy connection's previous
        // exchange is the request's own failure, not a keep-alive timeout.
        boolean reused = c.previousEndFrame > 0
                && t.requestFirstNanos() - c.previousEndNanos >= out.options().keepAliveMinIdleNanos();
        long rtt = Math.max(0, c.handshakeRttNanos());
        long base = out.options().keepAliveRaceNanos();
        long slow = Math.min(c.fastestAnswerNanos, out.options().keepAliveRaceMaxNanos());
        long window = Math.max(base, slow) + 2 * rtt;
        long after = closeNanos - t.requestFirstNanos();
        if (!before && !(reused && after <= window)) return;
        boolean stretched = !before && after > base + 2 * rtt;

        String request = Findings.requestLine(t.request());
        Proof p = new Proof();
        String idle;
        if (c.previousEndFrame > 0) {
            long idleNanos = t.requestFirstNanos() - c.previousEndNanos;
            p.add(c.previousEndFrame, c.previousEndNanos, "previous exchange ended: connection idle from here");
            idle = "a keep-alive connection that had been idle for " + Proof.duration(idleNanos) + " after exchange "
                    + (t.index() - 1);
        } else {
            idle = "a connection it had opened " + (c.synAckFrame > 0 ? Proof.duration(t.requestFirstNanos() - c.synAckNanos)
                    + " earlier" : "earlier") + " and not used yet";
        }
        p.add(t.requestFirstFrame(), t.requestFirstNanos(), "request sent on the idle connection");
        if (c.server.finFrame >= 0) p.add(c.server.finFrame, c.server.finNanos, "upstream FIN");
        if (c.server.rstFrame >= 0) p.add(c.server.rstFrame, c.server.rstNanos, "upstream RST");
        String when = before
                ? Proof.duration(t.requestFirstNanos() - closeNanos) + " before the proxy sent the request (as seen at the capture point)"
                : stretched
                ? Proof.duration(after) + " after the request, sooner than it had answered any request on this connection"
                + " (its fastest answer took " + Proof.duration(c.fastestAnswerNanos) + ")"
                : Proof.duration(after) + " after the request, sooner than a handler fails"
                + (rtt > 0 ? " (the round trip is " + Proof.duration(rtt) + ")" : "");
        String how = c.closedByReset(S2C) ? "reset the connection (RST)"
                : "closed the connection (FIN)" + (c.server.rstFrame >= 0 ? " and answered the request's bytes with a RST" : "");
        String specific = "The proxy sent " + (request == null ? "a request" : request) + " on " + idle + ". The upstream "
                + how + " " + when + ", without answering: it was closing the idle connection as the request crossed"
                + " its close.";
        out.add(Cause.KEEPALIVE_RACE, request, specific, null, closeNanos, p.list());
    }
}
