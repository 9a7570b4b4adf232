package io.gatelens.detect;

import io.gatelens.finding.Evidence;
import io.gatelens.finding.Finding;
import io.gatelens.http.Transaction;
import io.gatelens.pipeline.TransactionRow;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Timings per server endpoint across its connections, for what predicts 502s: a keep-alive
 * connection reused after nearly as long as the upstream keeps idle connections open, and a
 * response that came nearly as late as the proxy waits. At most {@link DetectOptions#maxUpstreams}
 * endpoints are held; past that the least recently seen one is concluded early.
 */
final class Upstreams {
    private final DetectOptions options;
    private final DiagnosisSink sink;
    private final LinkedHashMap<String, Timing> byEndpoint = new LinkedHashMap<>(64, 0.75f, true);
    /** Shortest proxy give-up over every endpoint: a proxy's read timeout is usually set once for all. */
    private long giveUpMinAll = -1;
    private long evicted;

    Upstreams(DetectOptions options, DiagnosisSink sink) {
        this.options = options;
        this.sink = sink;
    }

    /** Endpoints concluded early because the map was full. */
    long evicted() {
        return evicted;
    }

    void connectionOpened(ConnectionFacts c) {
        timing(c).connections++;
    }

    /** An idle keep-alive connection was closed: by the server ({@code byServer}) or the client. */
    void idleClose(ConnectionFacts c, boolean byServer, long frame, long nanos, long idle) {
        if (idle < 0) return;
        Timing t = timing(c);
        if (byServer) {
            t.idleCloses++;
            t.idleCloseMax = Math.max(t.idleCloseMax, idle);
            if (t.idleCloseMin < 0 || idle < t.idleCloseMin) {
                t.idleCloseMin = idle;
                t.idleCloseFrame = frame;
                t.idleCloseNanos = nanos;
                t.idleCloseConnection = c.connection.id();
            }
        } else {
            t.proxyIdleCloses++;
            t.proxyIdleCloseMax = Math.max(t.proxyIdleCloseMax, idle);
            if (t.proxyIdleCloseMin < 0 || idle < t.proxyIdleCloseMin) t.proxyIdleCloseMin = idle;
        }
    }

    /** The proxy gave up waiting for a response after {@code wait}. */
    void giveUp(ConnectionFacts c, long wait) {
        Timing t = timing(c);
        t.giveUps++;
        t.giveUpMax = Math.max(t.giveUpMax, wait);
        if (t.giveUpMin < 0 || wait < t.giveUpMin) t.giveUpMin = wait;
        if (giveUpMinAll < 0 || wait < giveUpMinAll) giveUpMinAll = wait;
    }

    /** Every exchange: reuse idle time, time to first byte, an announced keep-alive timeout. */
    void exchange(ConnectionFacts c, TransactionRow row) {
        Transaction x = row.transaction();
        Timing t = null;
        if (x.index() > 0 && c.previousEndFrame > 0 && x.requestFirstFrame() > c.previousEndFrame) {
            long idle = x.requestFirstNanos() - c.previousEndNanos;
            t = timing(c);
            if (idle > t.reuseIdleMax) {
                t.reuseIdleMax = idle;
                t.reuseFrame = x.requestFirstFrame();
                t.reuseNanos = x.requestFirstNanos();
                t.reuseConnection = c.connection.id();
                t.reuseRequest = Findings.requestLine(x.request());
                t.reusePreviousEndFrame = c.previousEndFrame;
                t.reusePreviousEndNanos = c.previousEndNanos;
            }
        }
        if (x.response() == null) return;
        long clientClose = c.closeNanos(ConnectionFacts.C2S);
        if (x.requestLastFrame() > 0 && x.responseFirstNanos() >= x.requestLastNanos()
                && (clientClose < 0 || x.responseFirstNanos() <= clientClose)) {
            long ttfb = x.responseFirstNanos() - x.requestLastNanos();
            if (t == null) t = timing(c);
            if (ttfb > t.slowest) {
                t.slowest = ttfb;
                t.slowFrame = x.responseFirstFrame();
                t.slowNanos = x.responseFirstNanos();
                t.slowRequestFrame = x.requestLastFrame();
                t.slowRequestNanos = x.requestLastNanos();
                t.slowConnection = c.connection.id();
                t.slowRequest = Findings.requestLine(x.request());
            }
        }
        long announced = keepAliveTimeout(x.response().headers().get("Keep-Alive"));
        if (announced >= 0) {
            if (t == null) t = timing(c);
            if (t.announced < 0 || announced < t.announced) {
                t.announced = announced;
                t.announcedFrame = x.responseFirstFrame();
                t.announcedNanos = x.responseFirstNanos();
            }
        }
    }

    /** The end of the pass: each endpoint's predictors and timings, in the order first seen. */
    void finish() {
        for (Iterator<Timing> it = byEndpoint.values().iterator(); it.hasNext(); ) {
            Timing t = it.next();
            it.remove();
            conclude(t);
        }
    }

    private Timing timing(ConnectionFacts c) {
        Timing t = byEndpoint.get(c.upstream);
        if (t == null) {
            if (byEndpoint.size() >= options.maxUpstreams()) {
                Map.Entry<String, Timing> eldest = byEndpoint.entrySet().iterator().next();
                byEndpoint.remove(eldest.getKey());
                evicted++;
                conclude(eldest.getValue());
            }
            t = new Timing(c.upstream);
            byEndpoint.put(c.upstream, t);
        }
        return t;
    }

    private void conclude(Timing t) {
        keepAliveNearClose(t);
        slowNearTimeout(t);
        sink.upstream(new UpstreamTimings(t.endpoint, t.connections, t.idleCloses, t.idleCloseMin, t.idleCloseMin < 0 ? -1 : t.idleCloseMax,
                t.announced, t.proxyIdleCloses, t.proxyIdleCloseMin, t.proxyIdleCloseMin < 0 ? -1 : t.proxyIdleCloseMax,
                t.giveUps, t.giveUpMin, t.giveUpMin < 0 ? -1 : t.giveUpMax, t.reuseIdleMax, t.slowest));
    }

    private void keepAliveNearClose(Timing t) {
        long close = -1;
        boolean announcedOnly = false;
        if (t.idleCloseMin >= 0) close = t.idleCloseMin;
        if (t.announced >= 0 && (close < 0 || t.announced < close)) {
            close = t.announced;
            announcedOnly = true;
        }
        if (close <= 0 || t.reuseIdleMax < 0 || t.reuseIdleMax < options.nearRatio() * close) return;
        Proof p = new Proof()
                .add(t.reusePreviousEndFrame, t.reusePreviousEndNanos, "previous exchange ended: connection idle from here")
                .add(t.reuseFrame, t.reuseNanos, "request on the reused connection after " + Proof.duration(t.reuseIdleMax) + " idle");
        String source;
        if (announcedOnly) {
            p.add(t.announcedFrame, t.announcedNanos, "upstream announced Keep-Alive: timeout=" + t.announced / 1_000_000_000L);
            source = "announces (Keep-Alive: timeout=" + t.announced / 1_000_000_000L + ")";
        } else {
            p.add(t.idleCloseFrame, t.idleCloseNanos, "upstream closed an idle connection after " + Proof.duration(t.idleCloseMin));
            source = "closes idle keep-alive connections after " + Proof.duration(t.idleCloseMin)
                    + (t.idleCloses > 1 ? " (seen " + t.idleCloses + " times)" : "");
        }
        String specific = "The proxy reused a keep-alive connection to " + t.endpoint + " after it had been idle "
                + Proof.duration(t.reuseIdleMax) + " (connection " + t.reuseConnection + "), while the upstream "
                + source + ". A request sent as the upstream closes the connection meets its FIN or RST: a keep-alive race.";
        emit(t, Cause.KEEPALIVE_IDLE_NEAR_CLOSE, t.reuseRequest, t.reuseConnection, specific, null, t.reuseNanos, p);
    }

    private void slowNearTimeout(Timing t) {
        long timeout = t.giveUpMin >= 0 ? t.giveUpMin : giveUpMinAll >= 0 ? giveUpMinAll : options.proxyReadTimeoutNanos();
        if (timeout <= 0 || t.slowest < 0 || t.slowest < options.nearRatio() * timeout || t.slowest >= timeout) return;
        String seen = t.giveUpMin >= 0 ? "the proxy gave up on this upstream after " + Proof.duration(t.giveUpMin)
                : giveUpMinAll >= 0 ? "the proxy gave up on another upstream after " + Proof.duration(giveUpMinAll)
                : "the proxy's configured response timeout is " + Proof.duration(timeout);
        Proof p = new Proof()
                .add(t.slowRequestFrame, t.slowRequestNanos, "request sent")
                .add(t.slowFrame, t.slowNanos, "first response byte after " + Proof.duration(t.slowest));
        String specific = "A response from " + t.endpoint + " took " + Proof.duration(t.slowest) + " to its first byte (connection "
                + t.slowConnection + "), and " + seen + ": a little slower and the proxy answers 504.";
        emit(t, Cause.SLOW_RESPONSE_NEAR_TIMEOUT, t.slowRequest, t.slowConnection, specific, null, t.slowNanos, p);
    }

    private void emit(Timing t, Cause cause, String request, long connection, String specific, String hintDetail,
                      long nanos, Proof p) {
        if (p.isEmpty()) return;
        List<Evidence> ev = p.list();
        String hint = hintDetail == null ? CauseText.hint(cause) : hintDetail + " " + CauseText.hint(cause);
        sink.finding(new Finding(cause, cause.severity(), specific + " " + CauseText.proxies(cause), hint, request,
                t.endpoint, connection, ev, nanos, null));
    }

    /** Seconds of "timeout=N" in a Keep-Alive field (RFC 2068 section 19.7.1.1), as nanos; -1 if none. */
    static long keepAliveTimeout(String value) {
        if (value == null) return -1;
        int i = 0;
        while (true) {
            int at = indexOfIgnoreCase(value, "timeout", i);
            if (at < 0) return -1;
            int k = at + 7;
            while (k < value.length() && value.charAt(k) == ' ') k++;
            if (k < value.length() && value.charAt(k) == '=') {
                k++;
                while (k < value.length() && value.charAt(k) == ' ') k++;
                long n = 0;
                int digits = 0;
                while (k < value.length() && Character.isDigit(value.charAt(k)) && digits < 9) {
                    n = n * 10 + (value.charAt(k++) - '0');
                    digits++;
                }
                return digits == 0 ? -1 : n * 1_000_000_000L;
            }
            i = k;
        }
    }

    private static int indexOfIgnoreCase(String s, String word, int from) {
        for (int k = from; k + word.length() <= s.length(); k++) {
            if (s.regionMatches(true, k, word, 0, word.length())) return k;
        }
        return -1;
    }

    private static final class Timing {
        final String endpoint;
        long connections;
        long idleCloses;
        long idleCloseMin = -1, idleCloseMax = -1, idleCloseFrame = -1, idleCloseNanos, idleCloseConnection;
        long proxyIdleCloses;
        long proxyIdleCloseMin = -1, proxyIdleCloseMax = -1;
        long announced = -1, announcedFrame = -1, announcedNanos;
        long giveUps;
        long giveUpMin = -1, giveUpMax = -1;
        long reuseIdleMax = -1, reuseFrame = -1, reuseNanos, reuseConnection, reusePreviousEndFrame = -1, reusePreviousEndNanos;
        String reuseRequest;
        long slowest = -1, slowFrame = -1, slowNanos, slowRequestFrame = -1, slowRequestNanos, slowConnection;
        String slowRequest;

        Timing(String endpoint) {
            this.endpoint = endpoint;
        }
    }
}
