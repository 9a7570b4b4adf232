package io.gatelens.detect;

import io.gatelens.anomaly.Anomaly;
import io.gatelens.anomaly.AnomalyCode;
import io.gatelens.http.Transaction;
import io.gatelens.pipeline.TransactionRow;
import io.gatelens.tcp.Direction;

import static io.gatelens.detect.ConnectionFacts.C2S;
import static io.gatelens.detect.ConnectionFacts.S2C;

/**
 * tls_mismatch: one side speaks TLS, the other plain HTTP. The HTTP parser labels TLS records
 * where HTTP was expected (NOT_HTTP_TLS); a connection where both sides speak TLS is HTTPS and
 * not judged here.
 */
final class TlsMismatchDetector implements Detector {
    @Override
    public void exchange(ConnectionFacts c, TransactionRow row, Findings out) {
        Transaction t = row.transaction();
        if (t.request() == null || c.client.tlsFrame >= 0 || c.emitted(Cause.TLS_MISMATCH)) return;
        Anomaly a = Rows.first(t, Direction.SERVER_TO_CLIENT, AnomalyCode.NOT_HTTP_TLS);
        if (a == null) return;
        plainToTls(c, Findings.requestLine(t.request()), t.requestFirstFrame(), t.requestFirstNanos(), a.frame(), a.nanos(), out);
    }

    @Override
    public void closed(ConnectionFacts c, Findings out) {
        if (c.emitted(Cause.TLS_MISMATCH)) return;
        boolean clientTls = c.client.tlsFrame >= 0;
        boolean serverTls = c.server.tlsFrame >= 0;
        if (clientTls && !serverTls && (c.server.firstDataFrame >= 0 || c.closeFrame(S2C) >= 0)) {
            Proof p = new Proof().add(c.client.firstDataFrame, c.client.firstDataNanos, "TLS handshake record from the proxy");
            String answer;
            if (c.server.firstDataFrame >= 0) {
                p.add(c.server.firstDataFrame, c.server.firstDataNanos, "upstream answers in plain text, not TLS");
                answer = "answered in plain text (typically \"400 Bad Request\" to bytes it cannot read as HTTP)";
            } else {
                answer = "closed the connection without a TLS answer";
            }
            long end = c.closeFrame(S2C);
            if (end >= 0) p.add(end, c.closeNanos(S2C), "upstream " + Rows.closeWord(c, S2C));
            String specific = "The proxy opened TLS to " + c.upstream + " (a TLS handshake record at frame "
                    + c.client.firstDataFrame + "), but the upstream speaks plain HTTP on this port: it " + answer
                    + ". The TLS handshake fails.";
            out.add(Cause.TLS_MISMATCH, null, specific, null,
                    c.server.firstDataFrame >= 0 ? c.server.firstDataNanos : c.closeNanos(S2C), p.list());
        } else if (serverTls && !clientTls && c.client.firstDataFrame >= 0) {
            plainToTls(c, null, c.client.firstDataFrame, c.client.firstDataNanos, c.server.tlsFrame, c.server.tlsNanos, out);
        }
    }

    private static void plainToTls(ConnectionFacts c, String request, long requestFrame, long requestNanos,
                                   long tlsFrame, long tlsNanos, Findings out) {
        Proof p = new Proof()
                .add(requestFrame, requestNanos, "plain HTTP request from the proxy")
                .add(tlsFrame, tlsNanos, "upstream answers with a TLS record (an alert)");
        long end = c.closeFrame(S2C);
        if (end >= 0) p.add(end, c.closeNanos(S2C), "upstream " + Rows.closeWord(c, S2C));
        String specific = "The proxy sent plain HTTP to " + c.upstream + ", but the upstream expects TLS on this port: it"
                + " answered with a TLS record instead of an HTTP response.";
        out.add(Cause.TLS_MISMATCH, request, specific, null, tlsNanos, p.list());
    }
}
