package io.gatelens.proxy;

import io.gatelens.anomaly.Severity;
import io.gatelens.detect.Cause;
import io.gatelens.finding.ClientResponse;
import io.gatelens.finding.Evidence;
import io.gatelens.finding.Finding;
import io.gatelens.http.TransactionEnd;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The finding for a client-facing failure that nothing upstream explains: what the capture shows
 * and what it lacks, so the reader knows whether to capture elsewhere or read the proxy's log.
 */
final class Unexplained {
    private Unexplained() {}

    /** At most this many attempts are listed as evidence (nginx tries each upstream server once). */
    private static final int MAX_ATTEMPTS_SHOWN = 5;

    /**
     * @param upstreamPorts the ports of upstreams seen anywhere in the capture, for the capture
     *                      hint, or null when the capture holds no upstream traffic at all
     */
    static Finding of(Pending c, ClientResponse client, String upstreamPorts) {
        String request = c.line != null ? c.line : "a request sent before the capture began";
        String what = "The proxy " + outcome(c) + " to " + request + " (client connection " + c.connection + ")";
        String explanation;
        String hint;
        String upstream = null;
        long connection = c.connection;
        List<Pending> attempts = c.attempts == null ? List.of() : c.attempts;
        String capture = "tcpdump -i any port " + c.server.port + " or port "
                + (upstreamPorts == null ? "<upstream port>" : upstreamPorts);
        if (upstreamPorts == null) {
            explanation = what + ", and the capture holds no proxy-to-upstream traffic at all, so what the "
                    + "upstream did cannot be seen.";
            hint = "Capture on the proxy host with `" + capture + "`: the connections to the upstream often "
                    + "leave through another interface than the one clients arrive on.";
        } else if (attempts.isEmpty()) {
            explanation = what + ", but no request " + request + " left for an upstream in the capture while the "
                    + "proxy held it (frames " + c.startFrame + " to " + lastFrame(c) + "). The proxy answered without "
                    + "reaching an upstream it can be seen talking to: nginx when every server is marked failed "
                    + "(\"no live upstreams while connecting to upstream\"), HAProxy with no usable server "
                    + "(termination state SC, server <NOSRV>), a rate or connection limit, a path the proxy "
                    + "rewrote, or upstream traffic on an interface or port the capture does not include.";
            hint = "Read the proxy's error log for this request (around frame " + lastFrame(c) + "); if the "
                    + "upstream is reached another way, capture that too: `" + capture + "`.";
        } else {
            Pending last = attempts.get(attempts.size() - 1);
            upstream = last.server.text;
            connection = last.connection;
            explanation = what + " after " + attempts.size() + " upstream attempt" + (attempts.size() == 1 ? "" : "s")
                    + "; the last " + describe(last, c) + ". Nothing on the wire names the cause.";
            hint = "The proxy's error log for this request (around frame " + lastFrame(c) + ") says why it failed: "
                    + "a limit of the proxy's own (buffer sizes, timeouts, header checks) is the likely cause.";
        }
        List<Evidence> evidence = new ArrayList<>();
        if (c.startFrame >= 0) evidence.add(new Evidence(c.startFrame, c.start, "client request"));
        for (int i = Math.max(0, attempts.size() - MAX_ATTEMPTS_SHOWN); i < attempts.size(); i++) {
            Pending a = attempts.get(i);
            if (a.startFrame >= 0) {
                evidence.add(new Evidence(a.startFrame, a.start, (a.orphan() ? "proxy contacted " : "request sent to ")
                        + a.server.text + " (connection " + a.connection + ")"));
            }
            if (a.answerFrame >= 0) {
                evidence.add(new Evidence(a.answerFrame, a.answer, a.status >= 0 ? "upstream answered " + a.status
                        : "upstream sent no valid status line"));
            }
        }
        if (c.answerFrame >= 0) {
            evidence.add(new Evidence(c.answerFrame, c.answer, c.status >= 0 ? "proxy answered " + c.status
                    : "proxy sent no valid status line"));
        } else {
            evidence.add(new Evidence(c.doneFrame, c.done, "client connection ended without a response"));
        }
        evidence.sort(Comparator.comparingLong(Evidence::frame));
        return new Finding(Cause.UNEXPLAINED, Severity.ERROR, explanation, hint, c.line, upstream, connection,
                evidence, client.nanos(), client);
    }

    private static long lastFrame(Pending c) {
        return c.answerFrame >= 0 ? c.answerFrame : c.doneFrame;
    }

    /** What the client got, in words. */
    static String outcome(Pending c) {
        if (c.status >= 500) return "answered " + c.status;
        if (c.end == TransactionEnd.BODY_TRUNCATED || c.end == TransactionEnd.BODY_MALFORMED) {
            return "answered " + c.status + " but cut the body short";
        }
        if (c.status < 0 && c.answer >= 0) return "sent bytes that are no valid status line";
        if (c.end == TransactionEnd.CONNECTION_RESET) return "reset the client connection without a response";
        return "closed the client connection without a response";
    }

    private static String describe(Pending a, Pending c) {
        String where = " (" + a.server.text + ", connection " + a.connection + ")";
        if (a.orphan()) return "contacted the upstream" + where;
        if (a.status >= 0) {
            String late = a.answer > c.answeredOrDone() ? ", after the proxy had answered its client" : "";
            String then = a.end == TransactionEnd.COMPLETE ? "" : ", then ended " + a.end.id();
            return "was answered " + a.status + " after " + millis(a.answer - a.start) + " ms" + late + then + where;
        }
        return "ended " + a.end.id() + " with no valid response" + where;
    }

    private static String millis(long nanos) {
        return nanos < 0 ? "?" : String.valueOf((nanos + 500_000) / 1_000_000);
    }
}
