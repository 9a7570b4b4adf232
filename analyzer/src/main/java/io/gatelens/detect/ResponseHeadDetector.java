package io.gatelens.detect;

import io.gatelens.anomaly.Anomaly;
import io.gatelens.anomaly.AnomalyCode;
import io.gatelens.anomaly.Severity;
import io.gatelens.http.Transaction;
import io.gatelens.pipeline.TransactionRow;
import io.gatelens.tcp.Direction;

import java.util.EnumSet;
import java.util.Set;

/**
 * The response head breaks the grammar (RFC 9112 sections 4 and 5) or its framing fields
 * contradict each other (section 6.3): malformed_status_line, invalid_header,
 * conflicting_framing. The parser found these; this only names the cause.
 */
final class ResponseHeadDetector implements Detector {
    static final Set<AnomalyCode> STATUS_LINE = EnumSet.of(AnomalyCode.HTTP_BAD_STATUS_LINE, AnomalyCode.HTTP_BAD_VERSION,
            AnomalyCode.NOT_HTTP);
    static final Set<AnomalyCode> HEADER = EnumSet.of(AnomalyCode.HTTP_HEADER_WITHOUT_COLON, AnomalyCode.HTTP_BAD_HEADER_NAME,
            AnomalyCode.HTTP_WHITESPACE_BEFORE_COLON, AnomalyCode.HTTP_NUL_IN_HEADER, AnomalyCode.HTTP_BARE_CR);
    static final Set<AnomalyCode> FRAMING = EnumSet.of(AnomalyCode.HTTP_CONFLICTING_CONTENT_LENGTH,
            AnomalyCode.HTTP_CONTENT_LENGTH_WITH_CHUNKED, AnomalyCode.HTTP_BAD_CONTENT_LENGTH,
            AnomalyCode.HTTP_BAD_TRANSFER_ENCODING);

    @Override
    public void exchange(ConnectionFacts c, TransactionRow row, Findings out) {
        Transaction t = row.transaction();
        if (t.anomalies().isEmpty()) return; // nearly every exchange
        String request = Findings.requestLine(t.request());
        Direction s2c = Direction.SERVER_TO_CLIENT;
        Anomaly a = Rows.first(t, s2c, STATUS_LINE);
        if (a != null) {
            String specific = "The upstream's answer does not begin with a valid HTTP/1.x status line ("
                    + a.code().summary() + "): " + a.detail() + ".";
            out.add(Cause.MALFORMED_STATUS_LINE, request, specific, null, a.nanos(), proof(t, a, "invalid status line").list());
            return;
        }
        a = Rows.first(t, s2c, HEADER);
        // Obsolete line folding is still accepted by some proxies (RFC 9112 section 5.2 lets a
        // recipient replace it with SP): a warning unless something else is wrong too.
        Severity sev = Severity.ERROR;
        if (a == null) {
            a = Rows.first(t, s2c, AnomalyCode.HTTP_OBSOLETE_LINE_FOLDING);
            sev = Severity.WARNING;
        }
        if (a != null) {
            String specific = "A header line of the upstream's response breaks the grammar (" + a.code().summary() + "): "
                    + a.detail() + ".";
            out.add(Cause.INVALID_HEADER, sev, request, specific, null, a.nanos(), proof(t, a, "invalid header line").list());
            return;
        }
        a = Rows.first(t, s2c, FRAMING);
        if (a != null) {
            String specific = "The upstream's response says two different things about where its body ends ("
                    + a.code().summary() + "): " + a.detail() + ". A proxy that picks one reading can pass on a body"
                    + " of the wrong length (response splitting).";
            out.add(Cause.CONFLICTING_FRAMING, request, specific, null, a.nanos(), proof(t, a, "framing fields").list());
        }
    }

    private static Proof proof(Transaction t, Anomaly a, String what) {
        return new Proof()
                .add(t.requestFirstFrame(), t.requestFirstNanos(), "request")
                .add(a.frame(), a.nanos(), what + " (byte " + a.streamOffset() + " of the upstream's stream)");
    }
}
