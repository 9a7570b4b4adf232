package io.gatelens.proxy;

import io.gatelens.finding.Finding;
import io.gatelens.flow.Endpoint;
import io.gatelens.http.TransactionEnd;

import java.util.ArrayList;
import java.util.List;

/**
 * One exchange (or one finding that no exchange took in) held in the correlation window, in a
 * compact form: the row's header maps are not kept. Whether it is a client-facing exchange or an
 * upstream attempt is looked up from its server's role when it is judged, not fixed on arrival.
 */
final class Pending {
    /** Capture time it arrived at (when the exchange completed); the window is ordered by it. */
    final long arrival;
    final long connection;
    final ServerEndpoint server;
    /** The side that opened the connection; null for an orphan finding. */
    final Endpoint clientEndpoint;
    /** "METHOD target", or null (no request seen, or a finding without one). */
    final String line;
    final String host;
    /** First request byte (for an orphan finding: its first evidence). */
    final long start, startFrame;
    /** First byte the server sent back (a status line, or bytes that should have been one); -1. */
    final long answer, answerFrame;
    /** When and where the exchange was over: the last response byte, or the frame that ended it. */
    final long done, doneFrame;
    final int status;
    /** Null for an orphan finding. */
    final TransactionEnd end;
    final boolean resetByServer;
    /** The exchange ended early with the client's FIN first (see {@link #failed}). */
    final boolean clientClosedFirst;

    /** Findings about this exchange (an orphan: exactly its own). */
    List<Finding> findings;
    /** An orphan taken in by the exchange it belongs to: skipped when it leaves the window. */
    boolean adopted;

    /** Its forwarded copy has been counted for the roles (see ProxyCorrelator#findMirror). */
    boolean mirrored;

    // As a client-facing exchange: the upstream attempts tied to it.
    List<Pending> attempts;
    long lastAttemptEnd = -1;

    // As an upstream attempt: the client-facing exchange it served, once looked for.
    Pending client;
    boolean linked;

    Pending(long arrival, long connection, ServerEndpoint server, Endpoint clientEndpoint, String line, String host,
            long start, long startFrame, long answer, long answerFrame, long done, long doneFrame,
            int status, TransactionEnd end, boolean resetByServer, boolean clientClosedFirst) {
        this.arrival = arrival;
        this.connection = connection;
        this.server = server;
        this.clientEndpoint = clientEndpoint;
        this.line = line;
        this.host = host;
        this.start = start;
        this.startFrame = startFrame;
        this.answer = answer;
        this.answerFrame = answerFrame;
        this.done = done;
        this.doneFrame = doneFrame;
        this.status = status;
        this.end = end;
        this.resetByServer = resetByServer;
        this.clientClosedFirst = clientClosedFirst;
    }

    boolean orphan() { return end == null; }

    /** When the proxy had its answer from this attempt (or knew it would get none). */
    long answeredOrDone() { return answer >= 0 ? answer : done; }

    /**
     * Seen from the client: a 5xx, no valid response at all (the proxy closed or reset the
     * connection, or relayed bytes that are no status line), or a body cut short. A client that
     * gave up itself, or a capture that ended, is not a failure of the proxy.
     */
    boolean failed() {
        if (end == null) return false;
        if (status >= 500 && status <= 599) return true;
        return switch (end) {
            case BODY_TRUNCATED, BODY_MALFORMED -> true;
            // The client's FIN first with not a byte back: it gave up waiting (nginx logs 499); the
            // proxy did not fail it. Bytes that were no status line are still a failure.
            case CLOSED_EARLY -> status < 0 && !(clientClosedFirst && answer < 0);
            case CONNECTION_RESET -> resetByServer;
            default -> false;
        };
    }

    void add(Finding f) {
        if (findings == null) findings = new ArrayList<>(1);
        findings.add(f);
    }

    void attempt(Pending p) {
        if (attempts == null) attempts = new ArrayList<>(1);
        attempts.add(p);
        lastAttemptEnd = Math.max(lastAttemptEnd, p.answeredOrDone());
    }

    /** An attempt whose findings name a cause of failure (not only predictors). */
    boolean hasFailureFinding() {
        if (findings == null) return false;
        for (Finding f : findings) if (f.cause().failure()) return true;
        return false;
    }
}
