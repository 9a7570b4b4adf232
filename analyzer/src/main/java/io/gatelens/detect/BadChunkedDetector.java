package io.gatelens.detect;

import io.gatelens.anomaly.Anomaly;
import io.gatelens.anomaly.AnomalyCode;
import io.gatelens.http.Transaction;
import io.gatelens.pipeline.TransactionRow;
import io.gatelens.tcp.Direction;

import java.util.EnumSet;
import java.util.Set;

/** bad_chunked: the chunked body's framing broke (RFC 9112 section 7.1): a chunk-size line or a chunk's CRLF. */
final class BadChunkedDetector implements Detector {
    private static final Set<AnomalyCode> CODES = EnumSet.of(AnomalyCode.HTTP_BAD_CHUNK_SIZE, AnomalyCode.HTTP_BAD_CHUNK_END);

    @Override
    public void exchange(ConnectionFacts c, TransactionRow row, Findings out) {
        Transaction t = row.transaction();
        if (t.anomalies().isEmpty()) return;
        Anomaly a = Rows.first(t, Direction.SERVER_TO_CLIENT, CODES);
        if (a == null) return;
        Proof p = new Proof()
                .add(t.requestFirstFrame(), t.requestFirstNanos(), "request")
                .add(t.responseFirstFrame(), t.responseFirstNanos(), "response head (" + t.status() + ", chunked)")
                .add(a.frame(), a.nanos(), "chunked framing breaks here");
        String specific = "The upstream's chunked body breaks after " + t.responseBodyBytes() + " body bytes: " + a.detail()
                + ". From there the proxy cannot tell where the body ends. If the status line and the first chunks"
                + " were already passed on, the client gets a success status and a cut body.";
        out.add(Cause.BAD_CHUNKED, Findings.requestLine(t.request()), specific, null, a.nanos(), p.list());
    }
}
