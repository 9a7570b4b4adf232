package io.gatelens.detect;

import io.gatelens.anomaly.Anomaly;
import io.gatelens.anomaly.AnomalyCode;
import io.gatelens.http.Transaction;
import io.gatelens.pipeline.TransactionRow;
import io.gatelens.tcp.Direction;

import static io.gatelens.detect.ConnectionFacts.C2S;
import static io.gatelens.detect.ConnectionFacts.S2C;

/**
 * header_too_big: the response head is larger than the proxy's buffer for it
 * ({@link DetectOptions#proxyBufferSize}). A head over the buffer is only a failure when the proxy
 * acted on it: it reset the connection (closing a socket with unread bytes makes Linux send a
 * RST), or closed while the head was still arriving. When the proxy went on to send another
 * request on the connection, it took the head, so its buffer is larger than assumed: nothing to
 * report. The reaction can come after the exchange ended, so a big head is judged at the next
 * exchange or when the connection closes.
 */
final class HeaderSizeDetector implements Detector {
    @Override
    public void exchange(ConnectionFacts c, TransactionRow row, Findings out) {
        c.bigHead = null; // a later exchange: the proxy took the earlier big head
        Transaction t = row.transaction();
        Anomaly limit = Rows.first(t, Direction.SERVER_TO_CLIENT, AnomalyCode.HTTP_HEADER_TOO_LARGE);
        if (limit != null) {
            Proof p = new Proof()
                    .add(t.requestFirstFrame(), t.requestFirstNanos(), "request")
                    .add(limit.frame(), limit.nanos(), "response head past gatelens's own limit");
            String specific = "The upstream's response head is larger than gatelens reads (" + limit.detail()
                    + "), far over any proxy's buffer.";
            out.add(Cause.HEADER_TOO_BIG, Findings.requestLine(t.request()), specific, null, limit.nanos(), p.list());
            return;
        }
        int buffer = out.options().proxyBufferSize();
        long clientClose = c.closeFrame(C2S);
        if (t.response() != null) {
            long size = t.response().headBytes();
            if (size <= buffer) return;
            if (clientClose >= t.responseFirstFrame() && c.closedByReset(C2S)) {
                report(c, t, size, true, out);
            } else if (clientClose < 0) {
                c.bigHead = row;
                c.bigHeadIndex = c.exchanges;
            }
            return;
        }
        // No complete head: the proxy may have given up while it was still arriving.
        long got = Rows.answerBytes(c, t);
        if (got > buffer && clientClose >= c.server.turnFrame && (c.closeFrame(S2C) < 0 || clientClose < c.closeFrame(S2C))) {
            report(c, t, got, false, out);
        }
    }

    @Override
    public void closed(ConnectionFacts c, Findings out) {
        TransactionRow row = c.bigHead;
        c.bigHead = null;
        if (row == null || c.exchanges != c.bigHeadIndex + 1 || c.emitted(Cause.HEADER_TOO_BIG)) return;
        Transaction t = row.transaction();
        if (c.closedByReset(C2S) && c.client.rstFrame >= t.responseFirstFrame()) {
            report(c, t, t.response().headBytes(), true, out);
        }
    }

    private static void report(ConnectionFacts c, Transaction t, long size, boolean whole, Findings out) {
        int buffer = out.options().proxyBufferSize();
        long close = c.closeFrame(C2S);
        Proof p = new Proof()
                .add(t.requestFirstFrame(), t.requestFirstNanos(), "request")
                .add(whole ? t.responseFirstFrame() : c.server.turnFrame, whole ? t.responseFirstNanos() : c.server.turnNanos,
                        "response head of " + size + (whole ? " bytes" : "+ bytes") + " begins")
                .add(close, c.closeNanos(C2S), "proxy " + Rows.closeWord(c, C2S) + ": it gave up on the response");
        String specific = "The upstream's response head is " + (whole ? "" : "at least ") + size + " bytes, more than the "
                + buffer + " bytes the proxy holds for it, and the proxy " + (c.closedByReset(C2S) ? "reset" : "closed")
                + " the connection instead of reading on.";
        String hint = "The head needs a buffer of at least " + roundUp(size) + " bytes.";
        out.add(Cause.HEADER_TOO_BIG, Findings.requestLine(t.request()), specific, hint, c.closeNanos(C2S), p.list());
    }

    /** The next multiple of 4 KiB: buffer sizes are set in pages. */
    static long roundUp(long size) {
        return (size + 4095) / 4096 * 4096;
    }
}
