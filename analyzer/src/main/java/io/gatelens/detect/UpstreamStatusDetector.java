package io.gatelens.detect;

import io.gatelens.http.Transaction;
import io.gatelens.pipeline.TransactionRow;

/**
 * upstream_error_status: the upstream itself answered 502, 503 or 504, which the proxy passes on
 * as it is: the cause lies further back (the upstream is a proxy too, or it is shedding load).
 */
final class UpstreamStatusDetector implements Detector {
    @Override
    public void exchange(ConnectionFacts c, TransactionRow row, Findings out) {
        Transaction t = row.transaction();
        int status = t.status();
        if (status != 502 && status != 503 && status != 504) return;
        String reason = t.response().reason();
        String server = t.response().headers().get("Server");
        String retryAfter = t.response().headers().get("Retry-After");
        Proof p = new Proof()
                .add(t.requestFirstFrame(), t.requestFirstNanos(), "request")
                .add(t.responseFirstFrame(), t.responseFirstNanos(), "upstream answers " + status);
        String specific = "The upstream itself answered " + status + (reason == null || reason.isEmpty() ? "" : " " + reason)
                + (row.handshake() != null ? " to a WebSocket upgrade request" : "")
                + (server == null ? "" : " (Server: " + server + ")")
                + (retryAfter == null ? "" : ", Retry-After: " + retryAfter)
                + ". The connection and the response are sound: the error comes from behind the upstream"
                + (server == null ? "" : ", or from the upstream's own proxy layer") + ".";
        out.add(Cause.UPSTREAM_ERROR_STATUS, Findings.requestLine(t.request()), specific, null, t.responseFirstNanos(), p.list());
    }
}
