package io.gatelens.timeline;

import io.gatelens.detect.Cause;
import io.gatelens.detect.DetectOptions;
import io.gatelens.finding.Finding;
import io.gatelens.flow.Connection;
import io.gatelens.flow.FlowTable;
import io.gatelens.http.HttpLimits;
import io.gatelens.http.RequestHead;
import io.gatelens.pipeline.HttpWiring;
import io.gatelens.pipeline.Passes;
import io.gatelens.pipeline.TransactionRow;
import io.gatelens.proxy.CorrelationLimits;
import io.gatelens.proxy.EndpointPattern;
import io.gatelens.proxy.ProxyCorrelator;
import io.gatelens.proxy.Role;
import io.gatelens.proxy.Roles;
import io.gatelens.tcp.StreamListener;
import io.gatelens.tcp.TcpLimits;
import io.gatelens.tcp.TcpStats;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Builds timelines from a capture in streaming passes: the diagnosis (findings, and which
 * client-facing exchange each upstream exchange is tied to) decides which connections to show,
 * once to find the one asked for and once more to gather what is tied to it; a last pass records
 * the events of those connections only. Memory is bounded by the selection, not by the file.
 */
public final class Timelines {
    /** Events kept per lane; past it the lane says how many were left out. */
    public static final int MAX_EVENTS_PER_LANE = 2_000;
    /** Upstream connections shown behind one client connection. */
    public static final int MAX_LANES = 16;

    /** What the diagnosis is told, as {@code analyze} is. */
    public record Options(List<EndpointPattern> proxies, List<EndpointPattern> upstreams, DetectOptions detect,
                          int maxConnections) {
        public static final Options DEFAULT = new Options(List.of(), List.of(), DetectOptions.DEFAULT,
                FlowTable.DEFAULT_MAX_LIVE);
    }

    /** A result with the last pass's counters, for the command to report damage and caps. */
    public record Built<T>(T value, Passes.Result pass) {}

    private Timelines() {}

    /**
     * The timeline {@code gatelens timeline} prints. Throws {@link IllegalArgumentException} with a
     * message for the user when the selector matches nothing (no such connection, request or
     * finding number).
     */
    public static Timeline one(Path file, Selector selector) throws IOException {
        return one(file, selector, Options.DEFAULT).value();
    }

    public static Built<Timeline> one(Path file, Selector selector, Options options) throws IOException {
        // 1. Which connection: the one named, or the one the request or finding is on.
        long anchor;
        long client = -1;
        String note = null;
        if (selector instanceof Selector.Connection c) {
            anchor = c.id();
        } else if (selector instanceof Selector.Request r) {
            RequestMatch m = firstRequest(file, r.line(), options);
            if (m.connection < 0) {
                throw new IllegalArgumentException("no exchange with the request line '" + r.line() + "' in " + file);
            }
            anchor = m.connection;
            if (m.count > 1) {
                note = m.count + " exchanges have the request line '" + r.line() + "'; this is the first (frame "
                        + m.frame + "); pick another with --connection ID";
            }
        } else {
            Finding found = nthFinding(file, ((Selector.Finding) selector).number(), options);
            anchor = found.connection();
            if (found.client() != null) client = found.client().connection();
        }
        // 2. What is tied to it: if it is an upstream connection, its client connection first;
        // then every upstream connection tied to that client connection.
        Gathered g = gather(file, client >= 0 ? client : anchor, options);
        if (client < 0 && g.clientOf >= 0) {
            client = g.clientOf;
            g = gather(file, client, options);
        }
        TreeSet<Long> upstream = new TreeSet<>(g.upstream);
        if (client >= 0 && anchor != client) upstream.add(anchor);
        long first = client >= 0 ? client : anchor;
        upstream.remove(first);
        List<Long> ids = new ArrayList<>();
        ids.add(first);
        int dropped = 0;
        for (long id : upstream) {
            if (ids.size() <= MAX_LANES || id == anchor) ids.add(id);
            else dropped++;
        }
        if (dropped > 0) {
            note = (note == null ? "" : note + "; ") + dropped + " more upstream connections tied to connection " + first
                    + " are not shown (at most " + MAX_LANES + ")";
        }
        // 3. Their events.
        Recorded rec = record(file, ids, options, g.roles);
        if (!rec.lanes.containsKey(first)) {
            throw new IllegalArgumentException("no TCP connection " + first + " in " + file + " (ids run from 0 to "
                    + (rec.pass.flows().connectionCount() - 1) + ")");
        }
        List<Lane> lanes = new ArrayList<>();
        for (long id : ids) {
            Lane l = rec.lanes.get(id);
            if (l != null) lanes.add(l);
        }
        return new Built<>(new Timeline(lanes, citing(g.findings, ids), note), rec.pass);
    }

    /**
     * One timeline per client-facing failure with a finding (both legs where the capture has
     * them), in {@code analyze}'s order, at most {@code max}: the HTML report's swim lanes.
     */
    public static List<Timeline> forFailures(Path file, int max) throws IOException {
        return forFailures(file, max, Options.DEFAULT).value();
    }

    public static Built<List<Timeline>> forFailures(Path file, int max, Options options) throws IOException {
        // 1. The failures: findings tied to a client response that failed (a 5xx or none), and
        // errors with no client response (a capture of the upstream leg alone), grouped by response.
        LinkedHashMap<String, Group> groups = new LinkedHashMap<>();
        int[] number = {0};
        diagnose(file, options, f -> {
            number[0]++;
            String key;
            if (f.client() != null) {
                if (f.client().status() >= 0 && f.client().status() < 500) return;
                key = f.client().connection() + "/" + f.client().frame();
            } else if (f.severity() == io.gatelens.anomaly.Severity.ERROR && f.cause() != Cause.UNEXPLAINED) {
                key = f.connection() + "/-";
            } else {
                return;
            }
            Group group = groups.get(key);
            if (group == null) {
                if (groups.size() >= max) return;
                group = new Group(f.client() == null ? -1 : f.client().connection(), f.client() == null ? -1 : f.client().frame());
                groups.put(key, group);
            }
            group.findings.add(new Timeline.Numbered(number[0], f));
            // An unexplained failure is on the client's own connection: it is the first lane already.
            if (f.connection() != group.client) group.connections.add(f.connection());
        }, null);
        if (groups.isEmpty()) return new Built<>(List.of(), null);
        // 2. The upstream attempts tied to each of those client responses, failed or not.
        Map<String, Group> byResponse = new HashMap<>();
        for (Group group : groups.values()) if (group.client >= 0) byResponse.put(group.client + "/" + group.clientFrame, group);
        Roles[] roles = new Roles[1];
        diagnoseWithTies(file, options, f -> { }, (clientConnection, clientFrame, upstreamConnection) -> {
            Group group = byResponse.get(clientConnection + "/" + clientFrame);
            if (group != null && group.connections.size() <= MAX_LANES && upstreamConnection != group.client) {
                group.connections.add(upstreamConnection);
            }
        }, roles);
        // 3. The events of every connection shown, then each timeline cut to the time of its failure.
        List<Long> all = new ArrayList<>();
        for (Group group : groups.values()) {
            if (group.client >= 0) all.add(group.client);
            all.addAll(group.connections);
        }
        Recorded rec = record(file, all, options, roles[0]);
        List<Timeline> out = new ArrayList<>();
        for (Group group : groups.values()) {
            long lo = Long.MAX_VALUE, hi = group.clientFrame;
            for (Timeline.Numbered n : group.findings) {
                for (long frame : n.finding().frames()) {
                    lo = Math.min(lo, frame);
                    hi = Math.max(hi, frame);
                }
            }
            List<Lane> lanes = new ArrayList<>();
            List<Long> ids = new ArrayList<>();
            if (group.client >= 0) ids.add(group.client);
            ids.addAll(group.connections);
            for (long id : ids) {
                Lane l = rec.lanes.get(id);
                if (l != null) lanes.add(window(l, lo, hi));
            }
            out.add(new Timeline(lanes, group.findings, null));
        }
        return new Built<>(out, rec.pass);
    }

    /** One client response's failure: the findings that explain it and the connections involved. */
    private static final class Group {
        final long client, clientFrame;
        final List<Timeline.Numbered> findings = new ArrayList<>();
        final TreeSet<Long> connections = new TreeSet<>();

        Group(long client, long clientFrame) {
            this.client = client;
            this.clientFrame = clientFrame;
        }
    }

    /**
     * A lane cut to one exchange: from the request that began it (the last request at or before
     * {@code lo}; the lane's start, handshake included, when that is its first request) to the
     * event before the next request after {@code hi}.
     */
    static Lane window(Lane lane, long lo, long hi) {
        List<TimelineEvent> events = lane.events();
        int from = 0;
        int requests = 0;
        for (int i = 0; i < events.size(); i++) {
            TimelineEvent e = events.get(i);
            if (e.frame() > lo) break;
            if (e.kind() == EventKind.REQUEST && requests++ > 0) from = i;
        }
        int to = events.size();
        for (int i = from + 1; i < events.size(); i++) {
            TimelineEvent e = events.get(i);
            if (e.frame() > hi && e.kind() == EventKind.REQUEST) {
                to = i;
                break;
            }
        }
        if (from == 0 && to == events.size()) return lane;
        return new Lane(lane.connection(), lane.client(), lane.server(), lane.role(), events.subList(from, to),
                lane.truncated());
    }

    // ---- the passes ----

    private record RequestMatch(long connection, long frame, long count) {}

    /** The exchange with this request line that began first, and how many have it. */
    private static RequestMatch firstRequest(Path file, String line, Options options) throws IOException {
        String wanted = normalise(line);
        long[] best = {-1, Long.MAX_VALUE, 0};
        diagnose(file, options, f -> { }, row -> {
            RequestHead r = row.transaction().request();
            if (r == null || !wanted.equals(normalise(r.method() + " " + r.target()))) return;
            best[2]++;
            long frame = row.transaction().requestFirstFrame();
            if (frame < best[1]) {
                best[0] = row.connection().id();
                best[1] = frame;
            }
        });
        return new RequestMatch(best[0], best[1], best[2]);
    }

    /** "GET  /x" and "get /x" as the request line "GET /x"; a trailing version is dropped. */
    static String normalise(String line) {
        String[] parts = line.trim().split("\\s+");
        if (parts.length < 2) throw new IllegalArgumentException("a request is 'METHOD TARGET', e.g. 'GET /api': '" + line + "'");
        return parts[0].toUpperCase(java.util.Locale.ROOT) + " " + parts[1];
    }

    private static Finding nthFinding(Path file, int n, Options options) throws IOException {
        if (n < 1) throw new IllegalArgumentException("findings are numbered from 1");
        Finding[] found = new Finding[1];
        int[] count = {0};
        diagnose(file, options, f -> {
            if (++count[0] == n) found[0] = f;
        }, null);
        if (found[0] == null) {
            throw new IllegalArgumentException("finding " + n + " does not exist: analyze finds " + count[0] + " in " + file);
        }
        return found[0];
    }

    /** Around one connection: the upstream connections tied to it, its client, and the findings citing any of them. */
    private static final class Gathered {
        final TreeSet<Long> upstream = new TreeSet<>();
        long clientOf = -1;
        final List<Timeline.Numbered> findings = new ArrayList<>();
        Roles roles;
    }

    private static Gathered gather(Path file, long id, Options options) throws IOException {
        Gathered g = new Gathered();
        int[] number = {0};
        Roles[] roles = new Roles[1];
        diagnoseWithTies(file, options, f -> {
            number[0]++;
            if (f.connection() == id || g.upstream.contains(f.connection())
                    || (f.client() != null && f.client().connection() == id)) {
                g.findings.add(new Timeline.Numbered(number[0], f));
            }
        }, (client, clientFrame, upstream) -> {
            if (client == id && g.upstream.size() < 4 * MAX_LANES) g.upstream.add(upstream);
            if (upstream == id && g.clientOf < 0) g.clientOf = client;
        }, roles);
        g.roles = roles[0];
        return g;
    }

    /** The gathered findings that cite the shown connections. */
    private static List<Timeline.Numbered> citing(List<Timeline.Numbered> findings, List<Long> ids) {
        List<Timeline.Numbered> out = new ArrayList<>();
        for (Timeline.Numbered n : findings) {
            Finding f = n.finding();
            if (ids.contains(f.connection()) || (f.client() != null && ids.contains(f.client().connection()))) out.add(n);
        }
        return out;
    }

    private static void diagnose(Path file, Options options, io.gatelens.finding.FindingSink findings,
                                 java.util.function.Consumer<TransactionRow> rows) throws IOException {
        run(file, options, findings, null, rows, null);
    }

    private static void diagnoseWithTies(Path file, Options options, io.gatelens.finding.FindingSink findings,
                                         ProxyCorrelator.TieSink ties, Roles[] roles) throws IOException {
        run(file, options, findings, ties, null, roles);
    }

    /** {@code analyze}'s diagnosis, with its findings, ties and rows handed out. */
    private static void run(Path file, Options options, io.gatelens.finding.FindingSink findings,
                            ProxyCorrelator.TieSink ties, java.util.function.Consumer<TransactionRow> rows,
                            Roles[] rolesOut) throws IOException {
        CorrelationLimits limits = CorrelationLimits.DEFAULT;
        Roles roles = new Roles(options.proxies(), options.upstreams(), limits.maxEndpoints());
        ProxyCorrelator correlator = new ProxyCorrelator(roles, limits, findings);
        if (ties != null) correlator.onTie(ties);
        io.gatelens.detect.DiagnosisSink sink = rows == null ? correlator : new io.gatelens.detect.DiagnosisSink() {
            @Override public void exchange(TransactionRow row) {
                rows.accept(row);
                correlator.exchange(row);
            }
            @Override public void finding(Finding f) { correlator.finding(f); }
            @Override public void anomaly(io.gatelens.anomaly.Anomaly a) { correlator.anomaly(a); }
            @Override public void connectionClosed(Connection c, TcpStats stats) { correlator.connectionClosed(c, stats); }
            @Override public void upstream(io.gatelens.detect.UpstreamTimings t) { correlator.upstream(t); }
        };
        Passes.diagnose(file, options.maxConnections(), HttpLimits.DEFAULT, options.detect(), sink);
        correlator.finish();
        if (rolesOut != null) rolesOut[0] = roles;
    }

    private record Recorded(Map<Long, Lane> lanes, Passes.Result pass) {}

    /** The events of the given connections (their ids from the same file's pass, which numbers alike). */
    private static Recorded record(Path file, List<Long> ids, Options options, Roles roles) throws IOException {
        java.util.HashSet<Long> wanted = new java.util.HashSet<>(ids);
        Map<Long, EventRecorder> recorders = new HashMap<>();
        Map<Long, Lane> lanes = new HashMap<>();
        HttpWiring http = new HttpWiring(HttpLimits.DEFAULT);
        StreamListener ignore = new Ignore();
        Passes.Result pass = Passes.streams(file, options.maxConnections(), TcpLimits.DEFAULT, c -> {
            if (!wanted.contains(c.id())) return ignore;
            EventRecorder r = new EventRecorder(c, MAX_EVENTS_PER_LANE, rows -> http.listenerFor(c, rows, a -> { }));
            recorders.put(c.id(), r);
            return r;
        }, c -> {
            EventRecorder r = recorders.remove(c.id());
            if (r == null || r.lane() == null) return;
            Lane l = r.lane();
            Role role = roles == null ? null : roles.roleOf(l.server());
            lanes.put(c.id(), new Lane(l.connection(), l.client(), l.server(), role, l.events(), l.truncated()));
        });
        return new Recorded(lanes, pass);
    }

    /** The listener of a connection not shown. */
    private static final class Ignore implements StreamListener {
        @Override public void data(io.gatelens.tcp.Direction d, byte[] b, int o, int l, long s, long f, long n) { }
        @Override public void gap(io.gatelens.tcp.Direction d, long s, long l, long f, long n) { }
        @Override public void fin(io.gatelens.tcp.Direction d, long f, long n) { }
        @Override public void reset(io.gatelens.tcp.Direction d, boolean a, long f, long n) { }
        @Override public void closed(TcpStats stats) { }
        @Override public void anomaly(io.gatelens.anomaly.Anomaly a) { }
    }
}
