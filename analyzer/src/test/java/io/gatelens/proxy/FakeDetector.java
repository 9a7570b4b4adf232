package io.gatelens.proxy;

import io.gatelens.anomaly.Anomaly;
import io.gatelens.detect.Cause;
import io.gatelens.detect.DiagnosisSink;
import io.gatelens.finding.Evidence;
import io.gatelens.finding.Finding;
import io.gatelens.flow.Connection;
import io.gatelens.flow.ConnectionEnd;
import io.gatelens.http.Transaction;
import io.gatelens.pipeline.TransactionRow;
import io.gatelens.tcp.TcpStats;

import java.util.ArrayList;
import java.util.List;

/**
 * Findings constructed in the test, the way the detectors on branch detect hand them on: about
 * every connection whose server misbehaved, client leg included (leg unknown), before or after
 * the exchange's row. Not a detector: a crude map from how an exchange ended to a cause, enough
 * to drive the correlation with real captures.
 */
final class FakeDetector implements DiagnosisSink {
    private final DiagnosisSink next;
    private final boolean findingBeforeRow;
    final List<Finding> made = new ArrayList<>();

    FakeDetector(DiagnosisSink next, boolean findingBeforeRow) {
        this.next = next;
        this.findingBeforeRow = findingBeforeRow;
    }

    static Cause causeOf(Transaction t) {
        return switch (t.end()) {
            case CONNECTION_RESET -> t.response() == null ? Cause.RESET_BEFORE_RESPONSE : Cause.RESET_DURING_RESPONSE;
            case CLOSED_EARLY -> t.anomalies().isEmpty() ? Cause.CLOSED_BEFORE_RESPONSE : Cause.MALFORMED_STATUS_LINE;
            case BODY_TRUNCATED -> Cause.TRUNCATED_BODY;
            case BODY_MALFORMED -> Cause.BAD_CHUNKED;
            default -> t.status() >= 500 ? Cause.UPSTREAM_ERROR_STATUS : null;
        };
    }

    @Override
    public void exchange(TransactionRow row) {
        Transaction t = row.transaction();
        Cause cause = causeOf(t);
        Finding f = null;
        if (cause != null && t.request() != null) {
            Connection c = row.connection();
            long endFrame = t.responseFirstFrame() >= 0 ? t.responseFirstFrame() : c.lastFrame();
            long endNanos = t.responseFirstNanos() >= 0 ? t.responseFirstNanos() : c.lastNanos();
            f = new Finding(cause, cause.severity(), "test: " + t.end().id(), "test hint",
                    t.request().method() + " " + t.request().target(), c.server().toString(), c.id(),
                    List.of(new Evidence(t.requestFirstFrame(), t.requestFirstNanos(), "request sent"),
                            new Evidence(endFrame, endNanos, t.end().id())), endNanos, null);
            made.add(f);
        }
        if (f != null && findingBeforeRow) next.finding(f);
        next.exchange(row);
        if (f != null && !findingBeforeRow) next.finding(f);
    }

    @Override
    public void finding(Finding f) {
        next.finding(f);
    }

    @Override
    public void anomaly(Anomaly a) {
        next.anomaly(a);
    }

    @Override
    public void connectionClosed(Connection c, TcpStats stats) {
        if (c.end() == ConnectionEnd.REFUSED) {
            Finding f = new Finding(Cause.CONNECT_REFUSED, Cause.CONNECT_REFUSED.severity(), "test: refused",
                    "test hint", null, c.server().toString(), c.id(),
                    List.of(new Evidence(c.firstFrame(), c.firstNanos(), "SYN"),
                            new Evidence(c.lastFrame(), c.lastNanos(), "RST")), c.lastNanos(), null);
            made.add(f);
            next.finding(f);
        }
        next.connectionClosed(c, stats);
    }
}
