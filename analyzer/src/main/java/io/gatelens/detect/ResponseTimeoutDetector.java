package io.gatelens.detect;

import io.gatelens.http.MessageEnd;
import io.gatelens.http.Transaction;
import io.gatelens.pipeline.TransactionRow;

import static io.gatelens.detect.ConnectionFacts.C2S;
import static io.gatelens.detect.ConnectionFacts.S2C;

/**
 * response_timeout: the proxy closed (FIN or RST) while waiting for the upstream, after a silence
 * of at least {@link DetectOptions#responseTimeoutMinNanos}: no response byte since the request,
 * or none since the last one of a response still under way. A late answer that arrives after the
 * close is part of the proof. The wait is recorded per upstream: it is the proxy's timeout.
 */
final class ResponseTimeoutDetector implements Detector {
    @Override
    public void exchange(ConnectionFacts c, TransactionRow row, Findings out) {
        Transaction t = row.transaction();
        if (t.request() == null || t.requestLastFrame() < 0 || t.requestEnd() != MessageEnd.How.COMPLETE) return;
        long close = c.closeFrame(C2S);
        if (close < 0 || close < t.requestLastFrame()) return;
        long serverClose = c.closeFrame(S2C);
        if (serverClose >= 0 && serverClose < close) return; // the upstream ended it first
        long closeNanos = c.closeNanos(C2S);
        long lastServer = c.serverDataBeforeClientCloseFrame;
        boolean inBody = lastServer > t.requestLastFrame();
        long wait;
        if (inBody) {
            if (t.responseEnd() == MessageEnd.How.COMPLETE && t.responseLastFrame() <= close) return; // answered in time
            wait = closeNanos - c.serverDataBeforeClientCloseNanos;
        } else {
            wait = closeNanos - t.requestLastNanos();
        }
        if (wait < out.options().responseTimeoutMinNanos()) return;
        if (!inBody) out.upstreams().giveUp(c, wait);

        String request = Findings.requestLine(t.request());
        Proof p = new Proof().add(t.requestLastFrame(), t.requestLastNanos(), "request sent");
        if (inBody) p.add(lastServer, c.serverDataBeforeClientCloseNanos, "last response bytes before the silence");
        String word = Rows.closeWord(c, C2S);
        p.add(close, closeNanos, "proxy " + word + " after " + Proof.duration(wait) + " without a byte from the upstream");
        String late = "";
        if (!inBody && t.responseFirstFrame() > close) {
            p.add(t.responseFirstFrame(), t.responseFirstNanos(), "the answer arrives too late");
            late = " The upstream did answer, " + Proof.duration(t.responseFirstNanos() - t.requestLastNanos())
                    + " after the request: too late" + (c.client.rstFrame > t.responseFirstFrame() ? ", and met a RST." : ".");
        }
        String specific = inBody
                ? "The upstream stopped sending in the middle of its response; after " + Proof.duration(wait)
                + " of silence the proxy gave up and " + (c.closedByReset(C2S) ? "reset" : "closed") + " the connection."
                : "The upstream sent no response byte for " + Proof.duration(wait) + " after the request; the proxy then gave"
                + " up and " + (c.closedByReset(C2S) ? "reset" : "closed") + " the connection (its timeout)." + late;
        String hint = "The proxy's timeout here is about " + Proof.duration(wait) + ".";
        out.add(Cause.RESPONSE_TIMEOUT, request, specific, hint, closeNanos, p.list());
    }
}
