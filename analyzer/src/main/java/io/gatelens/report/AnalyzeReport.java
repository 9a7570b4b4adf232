package io.gatelens.report;

import io.gatelens.anomaly.Severity;
import io.gatelens.detect.Cause;
import io.gatelens.finding.ClientResponse;
import io.gatelens.finding.Evidence;
import io.gatelens.finding.Finding;
import io.gatelens.finding.FindingSink;
import io.gatelens.proxy.AnalysisSummary;
import io.gatelens.proxy.Role;
import io.gatelens.proxy.RoleDecision;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code analyze} report. JSON Lines: a {@code finding} line per finding as it is judged, then
 * the {@code roles} line, an {@code upstream} line per upstream and the {@code summary} line. Text:
 * everything at the end, for people: roles, the headline, a block per cause with examples, and the
 * upstream table. Captured strings are escaped before printing.
 */
public abstract class AnalyzeReport implements FindingSink, AutoCloseable {
    public static AnalyzeReport text(PrintWriter out, String file) {
        return new Text(out, file);
    }

    public static AnalyzeReport json(PrintWriter out) {
        return new JsonLines(out);
    }

    @Override
    public abstract void finding(Finding f);

    /** Once, after the last finding. */
    public abstract void summary(AnalysisSummary s);

    @Override
    public abstract void close();

    static String clientText(ClientResponse c) {
        if (c == null) return null;
        String what = c.status() >= 0 ? "client got " + c.status()
                : c.frame() >= 0 ? "client got no valid status line" : "client got no response";
        return what + " (connection " + c.connection() + (c.frame() >= 0 ? ", frame " + c.frame() : "") + ")";
    }

    /**
     * A finding's fields as {@code analyze}'s JSON finding line has them (after "type"); the
     * timeline's finding lines carry the same, so one reader serves both.
     */
    static void findingFields(JsonGenerator g, Finding f) throws IOException {
        g.writeStringField("cause", f.cause().id());
        g.writeStringField("severity", f.severity().id());
        g.writeStringField("explanation", f.explanation());
        g.writeStringField("hint", f.hint());
        g.writeStringField("request", f.request());
        g.writeStringField("upstream", f.upstream());
        g.writeNumberField("connection", f.connection());
        g.writeArrayFieldStart("frames");
        for (long frame : f.frames()) g.writeNumber(frame);
        g.writeEndArray();
        g.writeStringField("time", Times.iso(f.nanos()));
        ClientResponse c = f.client();
        if (c != null && c.status() >= 0) g.writeNumberField("client_status", c.status());
        else g.writeNullField("client_status");
        if (c != null) g.writeNumberField("client_connection", c.connection());
        else g.writeNullField("client_connection");
        JsonRows.frame(g, "client_frame", c == null ? -1 : c.frame());
        if (c != null) g.writeStringField("client_time", Times.iso(c.nanos()));
        else g.writeNullField("client_time");
        g.writeArrayFieldStart("evidence");
        for (Evidence e : f.evidence()) {
            g.writeStartObject();
            g.writeNumberField("frame", e.frame());
            g.writeStringField("time", Times.iso(e.nanos()));
            g.writeStringField("what", e.what());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static final class Text extends AnalyzeReport {
        /** Examples kept per cause: the report's memory does not grow with the findings. */
        private static final int EXAMPLES = 3;
        private static final int WIDTH = 100;
        private final PrintWriter out;
        private final String file;
        private final EnumMap<Cause, List<Finding>> examples = new EnumMap<>(Cause.class);
        private final EnumMap<Cause, long[]> bySeverity = new EnumMap<>(Cause.class);

        Text(PrintWriter out, String file) {
            this.out = out;
            this.file = file;
        }

        @Override
        public void finding(Finding f) {
            List<Finding> kept = examples.computeIfAbsent(f.cause(), k -> new ArrayList<>(EXAMPLES));
            if (kept.size() < EXAMPLES) kept.add(f);
            bySeverity.computeIfAbsent(f.cause(), k -> new long[Severity.values().length])[f.severity().ordinal()]++;
        }

        @Override
        public void summary(AnalysisSummary s) {
            out.println("gatelens analyze " + Escape.text(file));
            out.println();
            roles(s);
            headline(s);
            for (Map.Entry<Cause, Long> e : s.causes().entrySet()) block(e.getKey(), e.getValue());
            upstreams(s);
            notes(s);
        }

        private void roles(AnalysisSummary s) {
            out.println("Roles");
            if (s.roles().isEmpty()) out.println("  no HTTP server in the capture");
            for (Role role : Role.values()) {
                for (RoleDecision d : s.roles()) {
                    if (d.role() != role) continue;
                    out.printf("  %-8s  %-22s  %s%n", role == Role.PROXY ? "proxy" : "upstream", d.endpoint(), d.reason());
                }
            }
            out.println();
        }

        private void headline(AnalysisSummary s) {
            out.println("Exchanges: " + s.exchanges() + " (" + s.clientExchanges() + " client-facing, "
                    + s.upstreamExchanges() + " upstream)");
            StringBuilder fivexx = new StringBuilder();
            for (Map.Entry<Integer, Long> e : s.client5xx().entrySet()) {
                if (fivexx.length() > 0) fivexx.append(", ");
                fivexx.append(e.getKey()).append(" x").append(e.getValue());
            }
            out.println("Client-facing 5xx: " + (fivexx.length() == 0 ? "none" : fivexx));
            out.println("Client-facing failures (5xx, no valid response, cut body): " + s.clientFailures());
            StringBuilder causes = new StringBuilder();
            for (Map.Entry<Cause, Long> e : s.causes().entrySet()) {
                if (causes.length() > 0) causes.append(", ");
                causes.append(e.getKey().id()).append(' ').append(e.getValue());
            }
            out.println("Causes: " + (causes.length() == 0 ? "none found" : causes));
            out.println("Findings: " + s.errors() + " error, " + s.warnings() + " warning, " + s.infos() + " info");
            out.println();
        }

        private void block(Cause cause, long count) {
            long[] sev = bySeverity.get(cause);
            StringBuilder head = new StringBuilder(cause.id()).append(": ").append(count)
                    .append(count == 1 ? " finding" : " findings");
            String sep = " (";
            for (Severity v : Severity.values()) {
                if (sev != null && sev[v.ordinal()] > 0) {
                    head.append(sep).append(sev[v.ordinal()]).append(' ').append(v.id());
                    sep = ", ";
                }
            }
            if (!sep.equals(" (")) head.append(')');
            out.println(head);
            List<Finding> kept = examples.getOrDefault(cause, List.of());
            if (!kept.isEmpty()) {
                Finding first = kept.get(0);
                wrap("  ", Escape.text(first.explanation()));
                wrap("  Hint: ", Escape.text(first.hint()));
                out.println("  Examples:");
                for (Finding f : kept) {
                    StringBuilder e = new StringBuilder("    ");
                    e.append(f.request() == null ? "(no request)" : Escape.text(f.request()));
                    String client = clientText(f.client());
                    if (client != null) e.append("  ").append(client);
                    e.append("  ").append(f.upstream() == null ? "" : "upstream " + f.upstream() + " ")
                            .append("connection ").append(f.connection());
                    e.append("  frames ");
                    long[] frames = f.frames();
                    for (int i = 0; i < frames.length; i++) e.append(i == 0 ? "" : ", ").append(frames[i]);
                    e.append("  at ").append(Times.iso(f.nanos()));
                    out.println(e);
                }
            }
            out.println();
        }

        private void upstreams(AnalysisSummary s) {
            out.println("Upstreams");
            if (s.upstreams().isEmpty()) {
                out.println("  none in the capture");
                out.println();
                return;
            }
            String format = "  %-22s %6s %8s %7s %9s %10s %6s %12s %10s %10s%n";
            out.printf(format, "upstream", "conns", "refused", "resets", "timeouts", "exchanges", "5xx",
                    "ttfb p50 ms", "p95 ms", "p99 ms");
            for (AnalysisSummary.Upstream u : s.upstreams()) {
                out.printf(format, u.endpoint(), u.connections(), u.refused(), u.resets(), u.timeouts(), u.exchanges(),
                        u.status5xx(), StreamsReport.millis(u.ttfbP50()), StreamsReport.millis(u.ttfbP95()),
                        StreamsReport.millis(u.ttfbP99()));
            }
            out.println();
            if (s.upstreams().stream().noneMatch(u -> u.inferred().any())) return;
            // Timeouts read off the capture: what the proxy and each upstream are configured with,
            // as far as their closes show it (one close is one observation; scattered ones give none).
            out.println("Timeouts seen (ms; observations in brackets; - none, ? scattered)");
            String f = "  %-22s %20s %20s %20s%n";
            out.printf(f, "upstream", "upstream idle close", "proxy idle close", "proxy gives up");
            for (AnalysisSummary.Upstream u : s.upstreams()) {
                AnalysisSummary.Timeouts t = u.inferred();
                if (!t.any()) continue;
                out.printf(f, u.endpoint(), timeout(t.upstreamIdleClose(), t.upstreamIdleCloses()),
                        timeout(t.proxyIdleClose(), t.proxyIdleCloses()), timeout(t.proxyGiveUp(), t.proxyGiveUps()));
            }
            out.println();
        }

        private static String timeout(long nanos, long count) {
            if (count == 0) return "-";
            return (nanos < 0 ? "?" : StreamsReport.millis(nanos)) + " (" + count + ")";
        }

        private void notes(AnalysisSummary s) {
            List<String> notes = new ArrayList<>();
            for (String g : s.unmatchedGiven()) notes.add(g + " matched no server endpoint in the capture");
            if (s.clientLegFindingsDropped() > 0) {
                notes.add(s.clientLegFindingsDropped() + " detector finding(s) about the proxy's own answers to its "
                        + "clients not listed: the cause is looked for on the upstream leg");
            }
            AnalysisSummary.Window w = s.window();
            if (w.decidedEarly() > 0) {
                notes.add(w.decidedEarly() + " exchange(s) judged before " + w.horizonNanos() / 1_000_000_000L
                        + " s had passed: more than " + w.maxPending() + " were waiting at once; a late partner of one "
                        + "may be unmatched");
            }
            if (w.endpointsOverflowed() > 0) {
                notes.add(w.endpointsOverflowed() + " server endpoint(s) past the first " + s.roles().size()
                        + " counted together");
            }
            if (notes.isEmpty()) return;
            out.println("Notes");
            for (String n : notes) wrap("  - ", n);
        }

        /** Words to lines of at most WIDTH, the first prefixed, the rest indented to match. */
        private void wrap(String prefix, String text) {
            String indent = " ".repeat(prefix.length());
            StringBuilder line = new StringBuilder(prefix);
            int start = line.length();
            for (String word : text.split(" ")) {
                if (line.length() > start && line.length() + 1 + word.length() > WIDTH) {
                    out.println(line);
                    line.setLength(0);
                    line.append(indent);
                    start = line.length();
                }
                if (line.length() > start) line.append(' ');
                line.append(word);
            }
            out.println(line);
        }

        @Override
        public void close() {
            out.flush();
        }
    }

    private static final class JsonLines extends AnalyzeReport {
        private final JsonRows rows;

        JsonLines(PrintWriter out) {
            this.rows = new JsonRows(out);
        }

        @Override
        public void finding(Finding f) {
            rows.row(g -> {
                g.writeStringField("type", "finding");
                findingFields(g, f);
            });
        }

        @Override
        public void summary(AnalysisSummary s) {
            rows.row(g -> {
                g.writeStringField("type", "roles");
                g.writeBooleanField("given", !s.unmatchedGiven().isEmpty() || anyGiven(s));
                for (Role role : Role.values()) {
                    g.writeArrayFieldStart(role == Role.PROXY ? "proxies" : "upstreams");
                    for (RoleDecision d : s.roles()) {
                        if (d.role() != role) continue;
                        g.writeStartObject();
                        g.writeStringField("endpoint", d.endpoint());
                        g.writeStringField("how", d.how().id());
                        g.writeStringField("reason", d.reason());
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                }
                g.writeArrayFieldStart("given_unmatched");
                for (String u : s.unmatchedGiven()) g.writeString(u);
                g.writeEndArray();
            });
            for (AnalysisSummary.Upstream u : s.upstreams()) {
                rows.row(g -> {
                    g.writeStringField("type", "upstream");
                    g.writeStringField("upstream", u.endpoint());
                    g.writeNumberField("connections", u.connections());
                    g.writeNumberField("refused", u.refused());
                    g.writeNumberField("resets", u.resets());
                    g.writeNumberField("timeouts", u.timeouts());
                    g.writeNumberField("exchanges", u.exchanges());
                    g.writeNumberField("status_5xx", u.status5xx());
                    g.writeNumberField("ttfb_count", u.ttfbCount());
                    JsonRows.millis(g, "ttfb_p50_ms", u.ttfbP50());
                    JsonRows.millis(g, "ttfb_p95_ms", u.ttfbP95());
                    JsonRows.millis(g, "ttfb_p99_ms", u.ttfbP99());
                    AnalysisSummary.Timeouts t = u.inferred();
                    JsonRows.millis(g, "upstream_idle_close_ms", t.upstreamIdleClose());
                    g.writeNumberField("upstream_idle_closes", t.upstreamIdleCloses());
                    JsonRows.millis(g, "proxy_idle_close_ms", t.proxyIdleClose());
                    g.writeNumberField("proxy_idle_closes", t.proxyIdleCloses());
                    JsonRows.millis(g, "proxy_give_up_ms", t.proxyGiveUp());
                    g.writeNumberField("proxy_give_ups", t.proxyGiveUps());
                });
            }
            rows.row(g -> {
                g.writeStringField("type", "summary");
                g.writeNumberField("exchanges", s.exchanges());
                g.writeNumberField("client_exchanges", s.clientExchanges());
                g.writeNumberField("upstream_exchanges", s.upstreamExchanges());
                g.writeObjectFieldStart("client_5xx");
                for (Map.Entry<Integer, Long> e : s.client5xx().entrySet()) {
                    g.writeNumberField(String.valueOf(e.getKey()), e.getValue());
                }
                g.writeEndObject();
                g.writeNumberField("client_failures", s.clientFailures());
                g.writeNumberField("findings", s.findings());
                g.writeNumberField("errors", s.errors());
                g.writeNumberField("warnings", s.warnings());
                g.writeNumberField("infos", s.infos());
                g.writeObjectFieldStart("causes");
                for (Map.Entry<Cause, Long> e : s.causes().entrySet()) g.writeNumberField(e.getKey().id(), e.getValue());
                g.writeEndObject();
                g.writeNumberField("client_leg_findings_dropped", s.clientLegFindingsDropped());
                g.writeNumberField("anomalies", s.anomalies());
                AnalysisSummary.Window w = s.window();
                g.writeObjectFieldStart("window");
                g.writeNumberField("horizon_s", w.horizonNanos() / 1_000_000_000L);
                g.writeNumberField("max_exchanges", w.maxPending());
                g.writeNumberField("one_leg_max_exchanges", w.oneLegPending());
                g.writeNumberField("max_parked", w.maxParked());
                g.writeNumberField("peak_exchanges", w.peakPending());
                g.writeNumberField("parked", w.parked());
                g.writeNumberField("decided_early", w.decidedEarly());
                g.writeNumberField("endpoints_overflowed", w.endpointsOverflowed());
                g.writeEndObject();
            });
        }

        private static boolean anyGiven(AnalysisSummary s) {
            for (RoleDecision d : s.roles()) if (d.how() == RoleDecision.How.GIVEN) return true;
            return false;
        }

        @Override
        public void close() {
            rows.close();
        }
    }
}
