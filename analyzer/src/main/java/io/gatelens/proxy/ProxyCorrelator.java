package io.gatelens.proxy;

import io.gatelens.anomaly.Anomaly;
import io.gatelens.anomaly.Severity;
import io.gatelens.detect.Cause;
import io.gatelens.detect.DiagnosisSink;
import io.gatelens.finding.ClientResponse;
import io.gatelens.finding.Finding;
import io.gatelens.finding.FindingSink;
import io.gatelens.flow.Connection;
import io.gatelens.http.RequestHead;
import io.gatelens.http.ResponseHead;
import io.gatelens.http.Transaction;
import io.gatelens.http.TransactionEnd;
import io.gatelens.pipeline.TransactionRow;
import io.gatelens.tcp.Direction;
import io.gatelens.tcp.TcpStats;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * Takes the diagnosis pass's events for every connection, decides which leg each is on (see
 * {@link Roles}), ties each client-facing response to the upstream attempts behind it, and hands
 * on the findings: upstream findings tied to the response they explain, and an {@code unexplained}
 * finding for each client-facing failure with no upstream cause.
 *
 * <p>Correlation. An upstream attempt (an exchange on an upstream leg, or a finding no exchange
 * took in, such as a refused connect) belongs to the client-facing exchange that
 * <ul>
 * <li>has the same request line (method and target; nginx rewrites Host to the upstream's name
 *     and may speak HTTP/1.0 upstream, so neither must match), unless the attempt has none (a
 *     connect that failed before any request was sent);</li>
 * <li>was waiting for its answer when the attempt began: client request first byte &lt;= attempt
 *     start &lt;= the client's answer (or its end when none came);</li>
 * <li>had no other attempt in flight then (a proxy retries after an attempt failed, it does not
 *     send the same request twice at once);</li>
 * <li>of those, has the same Host if any does, then the shortest gap between what the proxy last
 *     learned for it (its request, or its previous attempt's failure) and this attempt: proxies
 *     forward and retry at once, so among identical overlapping requests the nearest is the one.</li>
 * </ul>
 * So one 502 can have several attempts (nginx's proxy_next_upstream tries the next server;
 * HAProxy retries the connect), and a 200 can have a failed attempt before it (a keep-alive race
 * nginx retried). Findings are reported whatever the client got; tied to a client response that
 * did not fail, an error becomes a warning (the proxy hid it, but it predicts the next 502).
 *
 * <p>Memory. Exchanges wait in a window bounded by capture time and count ({@link
 * CorrelationLimits}); each is judged when it leaves, in arrival order, and its findings are
 * handed on then. An exchange's partners arrived either before it (they were judged first, and
 * looked at it then) or after it (they are in the window now), so every pair within the horizon
 * is looked at once from each side. When the count forces an exchange out early, a failed
 * client-facing one (rare, and the one whose partner is most likely late: the upstream answers
 * after the proxy's 504), or an upstream attempt with findings (whose client may finish much
 * later), is parked instead, still findable, until the horizon has passed; the parked list has
 * its own cap. So the window's count bounds the healthy traffic held, and the parked list the
 * evidence.
 */
public final class ProxyCorrelator implements DiagnosisSink {
    private final Roles roles;
    private final CorrelationLimits limits;
    private final FindingSink out;

    private final ArrayDeque<Pending> window = new ArrayDeque<>();
    /** Failed client-facing exchanges forced out of the window early, waiting out the horizon. */
    private final ArrayDeque<Pending> parked = new ArrayDeque<>();
    private final HashMap<String, ArrayDeque<Pending>> byLine = new HashMap<>();
    private final HashMap<Long, ArrayDeque<Pending>> byConnection = new HashMap<>();
    private static final int MAX_HOSTS = 1_024;
    /** The window while no client leg has been seen (see maxPendingNow). */
    static final int ONE_LEG_PENDING = 1_000;
    private final HashMap<String, String> hosts = new HashMap<>();
    /** Orphan findings without a request line in the window: only they need the whole-window scan. */
    private int linelessOrphans;
    private long now = Long.MIN_VALUE;
    /** A client-facing exchange has been judged: from then on, judging early may cost a tie. */
    private boolean proxySeen;

    private long exchanges;
    private long anomalies;
    private long peakPending;
    private long decidedEarly;
    private long parkedTotal;
    private long droppedClientLeg;
    private final EnumMap<Cause, Long> causes = new EnumMap<>(Cause.class);
    private long errors, warnings, infos;
    private TieSink ties;

    /**
     * Told each time an upstream exchange is tied to the client-facing exchange it served: the
     * client connection and the frame of the response the client got (-1 when none), and the
     * upstream connection. Timelines use it to put both legs side by side.
     */
    @FunctionalInterface
    public interface TieSink {
        void tied(long clientConnection, long clientFrame, long upstreamConnection);
    }

    /** Sets the one {@link TieSink}; call before the first event. */
    public void onTie(TieSink sink) {
        this.ties = sink;
    }

    public ProxyCorrelator(Roles roles, CorrelationLimits limits, FindingSink out) {
        this.roles = roles;
        this.limits = limits;
        this.out = out;
    }

    public Roles roles() {
        return roles;
    }

    /**
     * This correlator fed through {@code render}: the pass hands each call over with what it
     * reads of the live connection taken at once, and correlation and the report's writing run on
     * the render thread, beside the pass. Close {@code render} before {@link #finish()}.
     */
    public DiagnosisSink through(io.gatelens.report.RenderThread render) {
        ProxyCorrelator target = this;
        return new DiagnosisSink() {
            @Override
            public void exchange(TransactionRow row) {
                long lastNanos = row.connection().lastNanos();
                long lastFrame = row.connection().lastFrame();
                render.submit(() -> target.exchange(row, lastNanos, lastFrame));
            }

            @Override
            public void finding(Finding f) {
                render.submit(() -> target.finding(f));
            }

            @Override
            public void anomaly(Anomaly a) {
                render.submit(() -> target.anomaly(a));
            }

            @Override
            public void connectionClosed(Connection c, TcpStats stats) {
                io.gatelens.flow.Endpoint server = c.server();
                io.gatelens.flow.ConnectionEnd end = c.end();
                long lastNanos = c.lastNanos();
                render.submit(() -> target.connectionClosed(server, end, lastNanos));
            }

            @Override
            public void upstream(io.gatelens.detect.UpstreamTimings timings) {
                render.submit(() -> target.upstream(timings));
            }
        };
    }

    /** Error-severity findings handed on so far. */
    public long errors() {
        return errors;
    }

    @Override
    public void exchange(TransactionRow row) {
        exchange(row, row.connection().lastNanos(), row.connection().lastFrame());
    }

    /**
     * As {@link #exchange(TransactionRow)}, with the connection's last frame and its time as they
     * were when the row was handed on (the flow table keeps counting the connection afterwards).
     */
    void exchange(TransactionRow row, long connectionLastNanos, long connectionLastFrame) {
        Transaction t = row.transaction();
        Connection c = row.connection();
        exchanges++;
        ServerEndpoint server = roles.of(c.server());
        RequestHead request = t.request();
        ResponseHead response = t.response();
        String line = request == null ? null : line(request.method(), request.target());
        long answer = t.responseFirstNanos();
        long answerFrame = t.responseFirstFrame();
        if (answer < 0) {
            // No status line parsed: bytes that should have been one still mark when the server
            // answered (nginx relays a garbage status line as HTTP/0.9; the client sees these).
            for (Anomaly a : t.anomalies()) {
                if (a.direction() == Direction.SERVER_TO_CLIENT) {
                    answer = a.nanos();
                    answerFrame = a.frame();
                    break;
                }
            }
        }
        // The connection's last frame is the one that completed the exchange (the pass hands rows
        // on while it reads that frame), or, for a row handed on at the end, the connection's end.
        long arrival = Math.max(connectionLastNanos, Math.max(t.responseLastNanos(), t.requestLastNanos()));
        long done;
        long doneFrame;
        if (t.end() == TransactionEnd.COMPLETE && t.responseLastNanos() >= 0) {
            done = t.responseLastNanos();
            doneFrame = t.responseLastFrame();
        } else {
            done = arrival;
            doneFrame = connectionLastFrame;
        }
        Pending p = new Pending(arrival, c.id(), server, c.client(), line,
                request == null ? null : canonicalHost(request.headers().get("Host")),
                request == null ? -1 : t.requestFirstNanos(), request == null ? -1 : t.requestFirstFrame(),
                answer, answerFrame, done, doneFrame, t.status(), t.end(), t.resetBy() == Direction.SERVER_TO_CLIENT,
                t.closedFirstBy() == Direction.CLIENT_TO_SERVER);

        server.exchanges++;
        server.status(t.status());
        if (p.failed()) server.failures++;
        if (t.responseFirstNanos() >= 0 && t.requestLastNanos() >= 0) {
            server.ttfb(t.responseFirstNanos() - t.requestLastNanos());
        }
        if (request != null) {
            String mark = Marks.upstreamRequest(request);
            if (mark != null && server.upstreamMarks++ == 0) server.upstreamMark = mark;
        }
        String mark = Marks.proxyErrorResponse(response);
        if (mark != null && server.proxyMarks++ == 0) {
            server.proxyMark = mark;
            roles.proxyMarked();
        }

        findMirror(p);
        findMirrored(p);
        adoptOrphans(p);
        hold(p);
        advance(arrival);
    }

    @Override
    public void finding(Finding f) {
        ServerEndpoint server = roles.of(f.upstream() == null ? "(unknown)" : f.upstream());
        if (f.cause() == Cause.RESPONSE_TIMEOUT) server.responseTimeouts++;
        String line = f.request() == null ? null : line(f.request());
        if (line != null) {
            ArrayDeque<Pending> same = byConnection.get(f.connection());
            if (same != null) {
                // The latest exchange on the connection with this request line that began before
                // the finding's decisive frame (keep-alive connections carry the same line often).
                Iterator<Pending> it = same.descendingIterator();
                while (it.hasNext()) {
                    Pending p = it.next();
                    if (!p.orphan() && line.equals(p.line) && p.start <= f.nanos()) {
                        p.add(f);
                        advance(f.nanos());
                        return;
                    }
                }
            }
        }
        // No exchange for it (yet): a refused or unanswered connect, a TLS handshake, or a row still
        // to come. It waits in the window on its own, from its first evidence.
        long start = f.evidence().get(0).nanos();
        long startFrame = f.evidence().get(0).frame();
        long lastFrame = f.evidence().get(f.evidence().size() - 1).frame();
        Pending p = new Pending(f.nanos(), f.connection(), server, null, line, null, start, startFrame,
                -1, -1, f.nanos(), lastFrame, -1, null, false, false);
        p.add(f);
        if (line == null) linelessOrphans++;
        hold(p);
        advance(f.nanos());
    }

    @Override
    public void anomaly(Anomaly a) {
        anomalies++;
    }

    @Override
    public void connectionClosed(Connection c, TcpStats stats) {
        connectionClosed(c.server(), c.end(), c.lastNanos());
    }

    /** As {@link #connectionClosed(Connection, TcpStats)}, with what the connection was when it closed. */
    void connectionClosed(io.gatelens.flow.Endpoint server, io.gatelens.flow.ConnectionEnd end, long lastNanos) {
        ServerEndpoint s = roles.of(server);
        s.connections++;
        switch (end) {
            case REFUSED -> s.refused++;
            case RESET_BY_SERVER -> s.resets++;
            case SYN_UNANSWERED -> s.synUnanswered++;
            default -> { }
        }
        advance(lastNanos);
    }

    /** Kept with the endpoint for its row in the summary. */
    @Override
    public void upstream(io.gatelens.detect.UpstreamTimings timings) {
        roles.of(timings.upstream()).timings = timings;
    }

    /**
     * Capture time has reached {@code nanos} though no frame said so: a live capture on a quiet
     * link. What has waited out the horizon is judged, as a later frame would have it judged.
     */
    public void tick(long nanos) {
        advance(nanos);
    }

    /** The capture is over: everything still held is judged, in arrival order. */
    public void finish() {
        while (!parked.isEmpty()) judgeAndDrop(parked);
        while (!window.isEmpty()) judgeAndDrop(window);
    }

    /**
     * One String per Host value: a proxy sends the same few names over and over, and each exchange
     * held keeps one. Bounded, so a capture of endless distinct names holds no more than the cap.
     */
    private String canonicalHost(String host) {
        if (host == null) return null;
        String known = hosts.get(host);
        if (known != null) return known;
        if (hosts.size() < MAX_HOSTS) hosts.put(host, host);
        return host;
    }

    // ---- the window ----

    private void hold(Pending p) {
        window.addLast(p);
        // Most lines are unique (ids in paths): a queue sized for one keeps the index small.
        if (p.line != null) byLine.computeIfAbsent(p.line, k -> new ArrayDeque<>(1)).addLast(p);
        byConnection.computeIfAbsent(p.connection, k -> new ArrayDeque<>(2)).addLast(p);
        if (window.size() + parked.size() > peakPending) peakPending = window.size() + parked.size();
    }

    private void advance(long nanos) {
        if (nanos > now) now = nanos;
        long due = now - limits.horizonNanos();
        while (!window.isEmpty()) {
            Pending head = window.peekFirst();
            if (head.arrival >= due) {
                if (window.size() <= maxPendingNow()) break;
                boolean client = roles.role(head.server) == Role.PROXY;
                // Kept past the count, for a partner that comes late: a failed client-facing
                // exchange (the upstream answers after the proxy's 504), and an upstream attempt
                // with findings (the client it served is still downloading, or its 502 comes
                // later). Healthy attempts, most of the window, go: a finding never hangs on them.
                boolean keep = client ? head.failed() : head.findings != null;
                if (keep && parked.size() < limits.maxParked()) {
                    window.pollFirst();
                    parked.addLast(head);
                    parkedTotal++;
                    continue;
                }
                // Early only matters where there is something to tie: once a client leg is seen.
                if (proxySeen || client) decidedEarly++;
            }
            judgeAndDrop(window);
        }
        while (!parked.isEmpty() && parked.peekFirst().arrival < due) judgeAndDrop(parked);
    }

    /**
     * Exchanges the window holds now. While the capture has shown one leg only (the common
     * {@code tcpdump port 8080} on the proxy host) there is nothing to tie, and the window only
     * needs to be long enough to find a mirrored request if a client leg turns up: a proxy
     * forwards and answers within milliseconds, and one mirror switches to the full window.
     * Exchanges with findings are parked whatever the window. So an upstream-only capture holds
     * a thousand exchanges, not thousands of seconds' worth that would never be tied.
     */
    private int maxPendingNow() {
        return roles.clientLegSeen() ? limits.maxPending() : Math.min(limits.maxPending(), ONE_LEG_PENDING);
    }

    /**
     * Judges the oldest exchange of the window (or of the parked list), then forgets it. It is
     * judged while still in its list, where an attempt without a request line looks for it.
     */
    private void judgeAndDrop(ArrayDeque<Pending> from) {
        Pending p = from.peekFirst();
        judge(p);
        from.pollFirst();
        if (p.line != null) unindex(byLine, p.line, p);
        unindex(byConnection, p.connection, p);
        if (p.orphan() && p.line == null) linelessOrphans--;
    }

    private static <K> void unindex(Map<K, ArrayDeque<Pending>> index, K key, Pending p) {
        ArrayDeque<Pending> q = index.get(key);
        if (q == null) return;
        // Each index is in arrival order, so what leaves the window is usually at the head.
        if (q.peekFirst() == p) q.pollFirst();
        else q.removeFirstOccurrence(p);
        if (q.isEmpty()) index.remove(key);
    }

    // ---- roles: mirrored requests ----

    /**
     * Looks for what {@code a} (just completed) was forwarded as: an exchange with the same request
     * line on another server that began after a's request and was answered before a's answer. They
     * completed before a, so they are already held; the newest are looked at first and the scan
     * stops at one that completed before a began.
     */
    private void findMirror(Pending a) {
        if (a.line == null || a.start < 0) return;
        ArrayDeque<Pending> same = byLine.get(a.line);
        if (same == null) return;
        long limit = a.answeredOrDone();
        Pending best = null;
        boolean bestSame = false;
        int scanned = 0;
        Iterator<Pending> it = same.descendingIterator();
        while (it.hasNext() && scanned++ < limits.maxCandidates()) {
            Pending b = it.next();
            if (b.done < a.start) break;
            if (b.orphan() || b.server == a.server || b.start < a.start || b.start > limit
                    || b.answeredOrDone() > limit) {
                continue;
            }
            boolean sameAddress = b.clientEndpoint != null && b.clientEndpoint.address().equals(a.server.address);
            if (best == null || (sameAddress && !bestSame)
                    || (sameAddress == bestSame && b.start - a.start < best.start - a.start)) {
                best = b;
                bestSame = sameAddress;
            }
        }
        if (best != null) {
            a.mirrored = true;
            roles.mirror(a.server, best.server, bestSame);
        }
    }

    /**
     * The other order: {@code b} (just completed) is the forwarded copy of an exchange already
     * held. Rows are handed on when an exchange is over, and an upgraded one is over only when its
     * connection is: the client's connection may well close first (it gives up on a bad 101, and
     * the proxy then closes the upstream's). Same test as {@link #findMirror}; each client-facing
     * exchange counts one mirror at most, whichever order they came in.
     */
    private void findMirrored(Pending b) {
        if (b.line == null || b.start < 0) return;
        ArrayDeque<Pending> same = byLine.get(b.line);
        if (same == null) return;
        Pending best = null;
        boolean bestSame = false;
        int scanned = 0;
        Iterator<Pending> it = same.descendingIterator();
        while (it.hasNext() && scanned++ < limits.maxCandidates()) {
            Pending a = it.next();
            // Held in arrival order, and nothing is answered or done after it arrived: once a
            // client exchange arrived before b began, so did every older one (see stopsScan).
            if (stopsScan(a, b.start)) break;
            if (a == b || a.orphan() || a.mirrored || a.server == b.server || a.start < 0 || b.start < a.start) continue;
            long limit = a.answeredOrDone();
            if (b.start > limit || b.answeredOrDone() > limit) continue;
            boolean sameAddress = b.clientEndpoint != null && b.clientEndpoint.address().equals(a.server.address);
            if (best == null || (sameAddress && !bestSame)
                    || (sameAddress == bestSame && b.start - a.start < b.start - best.start)) {
                best = a;
                bestSame = sameAddress;
            }
        }
        if (best != null) {
            best.mirrored = true;
            roles.mirror(best.server, b.server, bestSame);
        }
    }

    /** Findings that came before their exchange's row join it. */
    private void adoptOrphans(Pending p) {
        if (p.line == null) return;
        ArrayDeque<Pending> same = byConnection.get(p.connection);
        if (same == null) return;
        for (Pending o : same) {
            if (o.orphan() && !o.adopted && p.line.equals(o.line) && o.done >= p.start) {
                o.adopted = true;
                p.add(o.findings.get(0));
            }
        }
    }

    // ---- judging ----

    private void judge(Pending p) {
        if (p.adopted) return;
        if (roles.role(p.server) == Role.PROXY) {
            proxySeen = true;
            judgeClient(p);
        } else {
            judgeAttempt(p);
        }
    }

    private void judgeAttempt(Pending a) {
        link(a);
        if (a.findings == null) return;
        for (Finding f : a.findings) {
            if (a.client != null) {
                f = f.withClient(clientResponse(a.client));
                // The proxy hid it (retried elsewhere, or it came after a full answer): still
                // reported, since the next one may not be hidden, but not as an error.
                if (!a.client.failed() && !relayedSwitch(a) && f.severity() == Severity.ERROR && f.cause().failure()) {
                    f = f.withSeverity(Severity.WARNING);
                }
            }
            emit(f);
        }
    }

    /**
     * The proxy passed the upstream's 101 on: the client is now speaking to the upstream through
     * it, so a bad handshake or an upgraded connection cut short reached the client as it was.
     * Nothing was hidden, though the client's status (101) is not a failure.
     */
    private static boolean relayedSwitch(Pending a) {
        return a.status == 101 && a.client.status == 101;
    }

    private void judgeClient(Pending c) {
        if (c.orphan()) {
            droppedClientLeg++; // a finding about the proxy as a server: see below
            return;
        }
        // Attempts that completed after this exchange (an upstream answering after the proxy
        // gave up) are still held: they choose now, while this exchange can still be chosen.
        if (c.line != null) {
            ArrayDeque<Pending> same = byLine.get(c.line);
            if (same != null) linkLater(c, same);
        }
        if (linelessOrphans > 0) {
            linkLater(c, parked);
            linkLater(c, window);
        }
        if (c.findings != null) {
            // A detector saw the proxy answer its client badly: that is the symptom, already on
            // this exchange, not an upstream's doing. The cause, if any, is on the upstream leg.
            droppedClientLeg += c.findings.size();
        }
        if (!c.failed()) return;
        if (c.attempts != null) {
            for (Pending a : c.attempts) if (a.hasFailureFinding()) return;
        }
        emit(Unexplained.of(c, clientResponse(c), upstreamPorts()));
    }

    private void linkLater(Pending c, Iterable<Pending> candidates) {
        int scanned = 0;
        for (Pending a : candidates) {
            if (scanned++ >= limits.maxCandidates()) break;
            if (a == c || a.linked || a.adopted || a.server == c.server || a.start < c.start
                    || a.start > c.answeredOrDone() || roles.role(a.server) == Role.PROXY) {
                continue;
            }
            link(a);
        }
    }

    /** Ties an upstream attempt to the client-facing exchange it served, if it is in the window. */
    private void link(Pending a) {
        if (a.linked) return;
        a.linked = true;
        if (a.start < 0) return;
        Choice choice = new Choice();
        if (a.line != null) {
            ArrayDeque<Pending> same = byLine.get(a.line);
            if (same == null) return;
            choose(a, same, choice);
        } else {
            // A connect that failed before any request: any client exchange waiting then.
            choose(a, parked, choice);
            choose(a, window, choice);
        }
        if (choice.best != null) {
            a.client = choice.best;
            choice.best.attempt(a);
            if (ties != null) ties.tied(choice.best.connection, choice.best.answerFrame, a.connection);
        }
    }

    /**
     * Whether a newest-first scan for partners of something that began at {@code start} can stop
     * at {@code p}: every exchange held arrived after its own answer, end and start, and the lists
     * are in arrival order, so once an exchange arrived before {@code start}, it and all older
     * ones ended before it too and cannot contain it. Findings held on their own are not trusted
     * for this: they arrive with their evidence's time, which may lie in the past. Without the
     * stop, a window of identical request lines ("GET /" thousands of times) was scanned to the
     * candidate cap for every upstream exchange that arrived before its client's.
     */
    private static boolean stopsScan(Pending p, long start) {
        return !p.orphan() && p.arrival < start;
    }

    /** The best client-facing exchange so far for one attempt. */
    private static final class Choice {
        Pending best;
        boolean host;
        long gap = Long.MAX_VALUE;
    }

    private void choose(Pending a, Iterable<Pending> candidates, Choice choice) {
        int scanned = 0;
        for (Pending c : candidates) {
            if (scanned++ >= limits.maxCandidates()) break;
            if (c == a || c.orphan() || c.adopted || c.line == null || c.server == a.server) continue;
            if (a.start < c.start || a.start > c.answeredOrDone()) continue;
            if (c.lastAttemptEnd > a.start) continue;
            if (roles.role(c.server) != Role.PROXY) continue;
            boolean host = a.host != null && a.host.equalsIgnoreCase(c.host);
            long gap = a.start - (c.attempts == null ? c.start : c.lastAttemptEnd);
            if (choice.best == null || (host && !choice.host) || (host == choice.host && gap < choice.gap)) {
                choice.best = c;
                choice.host = host;
                choice.gap = gap;
            }
        }
    }

    private static ClientResponse clientResponse(Pending c) {
        return new ClientResponse(c.status, c.connection, c.answerFrame, c.answer >= 0 ? c.answer : c.done);
    }

    /** Ports of upstreams that had traffic, for the capture hint; null when there were none. */
    private String upstreamPorts() {
        StringJoiner ports = new StringJoiner(" or port ");
        java.util.Set<Integer> seen = new java.util.TreeSet<>();
        for (ServerEndpoint s : roles.endpoints()) {
            if (s.port > 0 && (s.exchanges > 0 || s.connections > 0) && roles.role(s) == Role.UPSTREAM) seen.add(s.port);
            if (seen.size() >= 3) break;
        }
        if (seen.isEmpty()) return null;
        for (int p : seen) ports.add(String.valueOf(p));
        return ports.toString();
    }

    private void emit(Finding f) {
        causes.merge(f.cause(), 1L, Long::sum);
        switch (f.severity()) {
            case ERROR -> errors++;
            case WARNING -> warnings++;
            case INFO -> infos++;
        }
        out.finding(f);
    }

    // ---- request lines ----

    /**
     * "METHOD target", the form findings use. An absolute-form target (a client that spoke to the
     * proxy as to a forward proxy) is cut to its path, which is what goes upstream.
     */
    static String line(String method, String target) {
        return method + " " + originForm(target);
    }

    static String line(String requestLine) {
        int sp = requestLine.indexOf(' ');
        return sp < 0 ? requestLine : line(requestLine.substring(0, sp), requestLine.substring(sp + 1));
    }

    private static String originForm(String target) {
        int scheme = target.indexOf("://");
        if (scheme <= 0 || scheme > 5 || !target.regionMatches(true, 0, "http", 0, 4)) return target;
        int path = target.indexOf('/', scheme + 3);
        return path < 0 ? "/" : target.substring(path);
    }

    // ---- the summary ----

    /** Counts, roles and upstream rows as they stand; call after {@link #finish()}. */
    public AnalysisSummary summary() {
        long client = 0, upstream = 0, clientFailures = 0;
        SortedMap<Integer, Long> client5xx = new TreeMap<>();
        List<AnalysisSummary.Upstream> rows = new ArrayList<>();
        for (ServerEndpoint s : roles.endpoints()) {
            if (roles.role(s) == Role.PROXY) {
                client += s.exchanges;
                clientFailures += s.failures;
                if (s.status5xx != null) {
                    for (int i = 0; i < 100; i++) if (s.status5xx[i] > 0) client5xx.merge(500 + i, s.status5xx[i], Long::sum);
                }
                continue;
            }
            upstream += s.exchanges;
            if (s.exchanges == 0 && s.connections == 0) continue; // only named by a finding
            long fivexx = 0;
            if (s.status5xx != null) for (long n : s.status5xx) fivexx += n;
            LatencyHistogram h = s.ttfb;
            rows.add(new AnalysisSummary.Upstream(s.text, s.connections, s.refused, s.resets,
                    s.synUnanswered + s.responseTimeouts, s.exchanges, fivexx, h == null ? 0 : h.count(),
                    h == null ? -1 : h.percentile(50), h == null ? -1 : h.percentile(95), h == null ? -1 : h.percentile(99),
                    AnalysisSummary.Timeouts.of(s.timings)));
        }
        Map<Cause, Long> ranked = new LinkedHashMap<>();
        causes.entrySet().stream()
                .sorted((x, y) -> x.getValue().equals(y.getValue()) ? x.getKey().compareTo(y.getKey())
                        : Long.compare(y.getValue(), x.getValue()))
                .forEach(e -> ranked.put(e.getKey(), e.getValue()));
        return new AnalysisSummary(exchanges, client, upstream, client5xx, clientFailures, ranked, errors, warnings,
                infos, droppedClientLeg, anomalies, roles.decisions(), roles.unmatchedGiven(), rows,
                new AnalysisSummary.Window(limits.horizonNanos(), limits.maxPending(),
                        Math.min(limits.maxPending(), ONE_LEG_PENDING), limits.maxParked(), peakPending,
                        parkedTotal, decidedEarly, roles.overflowed()));
    }
}
