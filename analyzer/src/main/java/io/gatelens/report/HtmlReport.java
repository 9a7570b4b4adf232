package io.gatelens.report;

import io.gatelens.anomaly.Anomaly;
import io.gatelens.anomaly.Severity;
import io.gatelens.detect.Cause;
import io.gatelens.detect.DiagnosisSink;
import io.gatelens.detect.UpstreamTimings;
import io.gatelens.finding.ClientResponse;
import io.gatelens.finding.Finding;
import io.gatelens.finding.FindingSink;
import io.gatelens.flow.Connection;
import io.gatelens.http.Transaction;
import io.gatelens.pipeline.TransactionRow;
import io.gatelens.proxy.AnalysisSummary;
import io.gatelens.proxy.Role;
import io.gatelens.proxy.RoleDecision;
import io.gatelens.tcp.TcpStats;
import io.gatelens.timeline.Lane;
import io.gatelens.timeline.Timeline;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code gatelens report}: the diagnosis as one self-contained HTML page: the headline, the
 * causes over time, the per-upstream table, a swim-lane picture of each failure, the findings and
 * a filterable list of exchanges. Nothing on the page is fetched: styles, the one script and the
 * pictures (SVG) are inline, and the page's Content-Security-Policy forbids any fetch and any
 * script or style but its own (allowed by hash), so even a captured string that slipped past
 * the escaper could not run.
 *
 * <p>It collects while the diagnosis runs, in bounded memory: exchanges on the pass's thread
 * ({@link #keeping}), findings on the correlation's ({@link #finding}); the two are read only by
 * {@link #render}, once both are done. Aggregates cover the whole capture; what is listed is
 * capped (exchanges, findings), and the page says so.
 */
public final class HtmlReport implements FindingSink {
    public static final int DEFAULT_MAX_EXCHANGES = 5_000;
    public static final int DEFAULT_MAX_TIMELINES = 50;
    /** Findings listed one by one; all are counted in the headline and the chart. */
    public static final int MAX_FINDINGS_LISTED = 1_000;

    private final HtmlExchangeList exchanges;
    private final HtmlCauseChart chart = new HtmlCauseChart();
    private final List<Finding> listed = new ArrayList<>();
    private long findings;
    private final EnumMap<Cause, Finding> firstOf = new EnumMap<>(Cause.class);
    private final EnumMap<Cause, long[]> bySeverity = new EnumMap<>(Cause.class);

    /**
     * @param showSecrets  list Authorization, Proxy-Authorization, Cookie and Set-Cookie values as
     *                     captured instead of redacted
     * @param maxExchanges exchanges listed at most (0: none)
     */
    public HtmlReport(boolean showSecrets, int maxExchanges) {
        if (maxExchanges < 0) throw new IllegalArgumentException("maxExchanges < 0");
        this.exchanges = new HtmlExchangeList(maxExchanges, showSecrets);
    }

    /**
     * {@code next} (the correlator's sink), with every exchange also handed to the report first:
     * counted, charted, and listed while the list has room. Called on the pass's thread.
     */
    public DiagnosisSink keeping(DiagnosisSink next) {
        return new DiagnosisSink() {
            @Override
            public void exchange(TransactionRow row) {
                Transaction t = row.transaction();
                long start = t.requestFirstNanos() >= 0 ? t.requestFirstNanos() : t.responseFirstNanos();
                if (start >= 0) chart.exchange(start);
                exchanges.add(row);
                next.exchange(row);
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
                next.connectionClosed(c, stats);
            }

            @Override
            public void upstream(UpstreamTimings timings) {
                next.upstream(timings);
            }
        };
    }

    /** A finding as the correlation hands it on (tied to its client response), in analyze's order. */
    @Override
    public void finding(Finding f) {
        findings++;
        chart.finding(f.nanos(), f.cause());
        firstOf.putIfAbsent(f.cause(), f);
        bySeverity.computeIfAbsent(f.cause(), k -> new long[Severity.values().length])[f.severity().ordinal()]++;
        if (listed.size() < MAX_FINDINGS_LISTED) listed.add(f);
    }

    /** What the page is about and what limited it, from the command. */
    public record Page(String file, AnalysisSummary summary, List<Timeline> timelines, int maxTimelines,
                       List<String> notes) {
        public Page {
            timelines = List.copyOf(timelines);
            notes = List.copyOf(notes);
        }
    }

    /** The whole page. */
    public String render(Page page) {
        AnalysisSummary s = page.summary();
        Html h = new Html(64 * 1024 + exchanges.listed() * 400);
        String title = "gatelens report: " + fileName(page.file());
        h.raw("<!DOCTYPE html>\n<html lang=\"en\"><head>\n<meta charset=\"utf-8\">\n")
                .raw("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src '")
                .raw(sha256(SCRIPT)).raw("'; style-src '").raw(sha256(STYLE))
                .raw("'; img-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'\">\n")
                .raw("<meta name=\"referrer\" content=\"no-referrer\">\n")
                .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .raw("<title>").text(title).raw("</title>\n<style>").raw(STYLE).raw("</style>\n</head>\n<body>\n");
        h.raw("<header><h1>gatelens report</h1><p class=\"file\">").text(page.file()).raw("</p></header>\n<main>\n");

        headline(h, s);
        notes(h, s, page.notes());

        h.raw("<section id=\"chart\"><h2>Causes over time</h2>\n");
        chart.render(h);
        h.raw("</section>\n");

        List<Cause> order = chart.order();
        causes(h, s, order);
        upstreams(h, s);
        roles(h, s);

        Map<Long, Integer> timelineOf = new HashMap<>();
        failures(h, page, timelineOf);
        findingsList(h, order);

        Map<String, Role> roles = new HashMap<>();
        for (RoleDecision d : s.roles()) roles.put(d.endpoint(), d.role());
        h.raw("<section id=\"exchange-list\"><h2>Exchanges</h2>\n");
        exchanges.render(h, roles, timelineOf);
        h.raw("</section>\n");

        h.raw("</main>\n<footer>Written by <code>gatelens report</code>. Frame numbers are 1-based, as Wireshark "
                + "counts them (<code>frame.number == N</code>); connection numbers are Wireshark's "
                + "<code>tcp.stream</code>.</footer>\n");
        h.raw("<script>").raw(SCRIPT).raw("</script>\n</body></html>\n");
        return h.toString();
    }

    private void headline(Html h, AnalysisSummary s) {
        h.raw("<section id=\"headline\"><h2>Headline</h2><div class=\"cards\">\n");
        card(h, "h-exchanges", thousands(s.exchanges()), "exchanges",
                thousands(s.clientExchanges()) + " client-facing, " + thousands(s.upstreamExchanges()) + " upstream");
        h.raw("<div class=\"card\"><div class=\"big\" id=\"h-5xx\">").raw(thousands(total(s.client5xx())))
                .raw("</div><div class=\"what\">client-facing 5xx</div><div class=\"sub\"><ul class=\"statuses\">");
        for (Map.Entry<Integer, Long> e : s.client5xx().entrySet()) {
            h.raw("<li data-status=\"").num(e.getKey()).raw("\">").num(e.getKey()).raw(" \u00d7 <span class=\"count\">")
                    .raw(thousands(e.getValue())).raw("</span></li>");
        }
        if (s.client5xx().isEmpty()) h.raw("<li>none</li>");
        h.raw("</ul></div></div>\n");
        card(h, "h-failures", thousands(s.clientFailures()), "client-facing failures", "5xx, no valid response, cut body");
        h.raw("<div class=\"card\"><div class=\"big\" id=\"h-findings\">").raw(thousands(s.findings()))
                .raw("</div><div class=\"what\">findings</div><div class=\"sub\"><span id=\"h-errors\">")
                .raw(thousands(s.errors())).raw("</span> error, <span id=\"h-warnings\">").raw(thousands(s.warnings()))
                .raw("</span> warning, <span id=\"h-infos\">").raw(thousands(s.infos())).raw("</span> info</div></div>\n");
        h.raw("<div class=\"card wide\"><div class=\"what\">causes, most frequent first</div><ol class=\"top-causes\">");
        int shown = 0;
        for (Map.Entry<Cause, Long> e : s.causes().entrySet()) {
            if (shown++ == 6) {
                h.raw("<li class=\"muted\">and ").num(s.causes().size() - 6).raw(" more</li>");
                break;
            }
            h.raw("<li data-cause=\"").raw(e.getKey().id()).raw("\"><a href=\"#cause-").raw(e.getKey().id()).raw("\">")
                    .raw(e.getKey().id()).raw("</a> <span class=\"count\">").raw(thousands(e.getValue())).raw("</span></li>");
        }
        if (s.causes().isEmpty()) h.raw("<li>none found</li>");
        h.raw("</ol></div>\n</div>\n");
        h.raw("<p class=\"counts\" id=\"h-counts\" data-exchanges=\"").num(s.exchanges()).raw("\" data-client-exchanges=\"")
                .num(s.clientExchanges()).raw("\" data-upstream-exchanges=\"").num(s.upstreamExchanges())
                .raw("\" data-client-failures=\"").num(s.clientFailures()).raw("\" data-findings=\"").num(s.findings())
                .raw("\" data-errors=\"").num(s.errors()).raw("\" data-warnings=\"").num(s.warnings())
                .raw("\" data-infos=\"").num(s.infos()).raw("\"></p>\n</section>\n");
    }

    private static void card(Html h, String id, String big, String what, String sub) {
        h.raw("<div class=\"card\"><div class=\"big\" id=\"").raw(id).raw("\">").raw(big).raw("</div><div class=\"what\">")
                .raw(what).raw("</div><div class=\"sub\">").raw(sub).raw("</div></div>\n");
    }

    private void notes(Html h, AnalysisSummary s, List<String> fromCommand) {
        List<String> notes = new ArrayList<>(fromCommand);
        for (String g : s.unmatchedGiven()) notes.add(g + " matched no server endpoint in the capture");
        if (s.clientLegFindingsDropped() > 0) {
            notes.add(thousands(s.clientLegFindingsDropped()) + " detector finding(s) about the proxy's own answers to its "
                    + "clients not listed: the cause is looked for on the upstream leg");
        }
        AnalysisSummary.Window w = s.window();
        if (w.decidedEarly() > 0) {
            notes.add(thousands(w.decidedEarly()) + " exchange(s) judged before " + w.horizonNanos() / 1_000_000_000L
                    + " s had passed: more than " + thousands(w.maxPending()) + " were waiting at once; a late partner "
                    + "of one may be unmatched");
        }
        if (w.endpointsOverflowed() > 0) {
            notes.add(thousands(w.endpointsOverflowed()) + " server endpoint(s) past the first " + s.roles().size()
                    + " counted together");
        }
        if (notes.isEmpty()) return;
        h.raw("<section id=\"notes\"><h2>Notes</h2><ul>");
        for (String n : notes) h.raw("<li>").text(n).raw("</li>");
        h.raw("</ul></section>\n");
    }

    private void causes(Html h, AnalysisSummary s, List<Cause> order) {
        h.raw("<section id=\"causes\"><h2>Causes</h2>\n");
        if (s.causes().isEmpty()) {
            h.raw("<p class=\"muted\">No finding: nothing in the capture explains a failure, and no warning.</p></section>\n");
            return;
        }
        h.raw("<table id=\"causes-table\" class=\"list\"><thead><tr><th>cause</th><th>findings</th><th>what happened "
                + "(first example)</th><th>what to change</th></tr></thead><tbody>\n");
        for (Map.Entry<Cause, Long> e : s.causes().entrySet()) {
            Cause c = e.getKey();
            int rank = order.indexOf(c);
            Finding first = firstOf.get(c);
            long[] sev = bySeverity.get(c);
            h.raw("<tr id=\"cause-").raw(c.id()).raw("\" data-cause=\"").raw(c.id()).raw("\"><td class=\"cause\"><svg class=\"swatch\" "
                    + "viewBox=\"0 0 10 10\"><rect width=\"10\" height=\"10\" fill=\"")
                    .raw(rank < 0 ? "#999" : HtmlCauseChart.colour(rank)).raw("\"/></svg> <b>").raw(c.id())
                    .raw("</b></td><td class=\"num\">").raw(thousands(e.getValue()));
            if (sev != null) {
                h.raw("<div class=\"muted\">");
                String sep = "";
                for (Severity v : Severity.values()) {
                    if (sev[v.ordinal()] == 0) continue;
                    h.raw(sep).raw(thousands(sev[v.ordinal()])).raw(" ").raw(v.id());
                    sep = ", ";
                }
                h.raw("</div>");
            }
            h.raw("</td><td class=\"prose\">").text(first == null ? "" : Html.cut(first.explanation(), 2_000))
                    .raw("</td><td class=\"prose\">").text(first == null ? "" : Html.cut(first.hint(), 1_000))
                    .raw("</td></tr>\n");
        }
        h.raw("</tbody></table></section>\n");
    }

    private static void upstreams(Html h, AnalysisSummary s) {
        h.raw("<section id=\"upstreams\"><h2>Upstreams</h2>\n");
        if (s.upstreams().isEmpty()) {
            h.raw("<p class=\"muted\">No upstream in the capture.</p></section>\n");
            return;
        }
        h.raw("<table id=\"upstreams-table\" class=\"list\"><thead><tr><th>upstream</th><th>connections</th><th>refused</th>"
                + "<th>resets</th><th>timeouts</th><th>exchanges</th><th>5xx</th><th>ttfb p50 ms</th><th>p95 ms</th>"
                + "<th>p99 ms</th><th>upstream idle close ms</th><th>proxy idle close ms</th><th>proxy gives up ms</th>"
                + "</tr></thead><tbody>\n");
        for (AnalysisSummary.Upstream u : s.upstreams()) {
            AnalysisSummary.Timeouts t = u.inferred();
            h.raw("<tr data-upstream=\"").text(u.endpoint()).raw("\"><td>").text(u.endpoint()).raw("</td><td class=\"num\">")
                    .raw(thousands(u.connections())).raw("</td><td class=\"num\">").raw(thousands(u.refused()))
                    .raw("</td><td class=\"num\">").raw(thousands(u.resets())).raw("</td><td class=\"num\">")
                    .raw(thousands(u.timeouts())).raw("</td><td class=\"num\">").raw(thousands(u.exchanges()))
                    .raw("</td><td class=\"num\">").raw(thousands(u.status5xx())).raw("</td><td class=\"num\">")
                    .raw(StreamsReport.millis(u.ttfbP50())).raw("</td><td class=\"num\">").raw(StreamsReport.millis(u.ttfbP95()))
                    .raw("</td><td class=\"num\">").raw(StreamsReport.millis(u.ttfbP99())).raw("</td><td class=\"num\">")
                    .raw(timeout(t.upstreamIdleClose(), t.upstreamIdleCloses())).raw("</td><td class=\"num\">")
                    .raw(timeout(t.proxyIdleClose(), t.proxyIdleCloses())).raw("</td><td class=\"num\">")
                    .raw(timeout(t.proxyGiveUp(), t.proxyGiveUps())).raw("</td></tr>\n");
        }
        h.raw("</tbody></table><p class=\"muted\">Time to first byte: from the request's last byte to the response's "
                + "first, from a log-scale histogram within 3 % of the exact value. Timeouts as the capture shows them, "
                + "with the number of closes seen in brackets; - none seen, ? scattered.</p></section>\n");
    }

    private static String timeout(long nanos, long count) {
        if (count == 0) return "-";
        return (nanos < 0 ? "?" : StreamsReport.millis(nanos)) + " (" + count + ")";
    }

    private static void roles(Html h, AnalysisSummary s) {
        h.raw("<section id=\"roles\"><h2>Roles</h2>\n");
        if (s.roles().isEmpty()) {
            h.raw("<p class=\"muted\">No HTTP server in the capture.</p></section>\n");
            return;
        }
        h.raw("<table id=\"roles-table\" class=\"list\"><thead><tr><th>server</th><th>role</th><th>decided</th><th>why</th>"
                + "</tr></thead><tbody>\n");
        for (Role role : Role.values()) {
            for (RoleDecision d : s.roles()) {
                if (d.role() != role) continue;
                h.raw("<tr data-role=\"").raw(role.id()).raw("\"><td>").text(d.endpoint()).raw("</td><td>").raw(role.id())
                        .raw("</td><td>").raw(d.how().id()).raw("</td><td>").text(d.reason()).raw("</td></tr>\n");
            }
        }
        h.raw("</tbody></table></section>\n");
    }

    private void failures(Html h, Page page, Map<Long, Integer> timelineOf) {
        List<Timeline> tls = page.timelines();
        h.raw("<section id=\"failures\"><h2>Failures, frame by frame</h2>\n");
        if (tls.isEmpty()) {
            h.raw("<p class=\"muted\" id=\"failures-note\">")
                    .raw(page.maxTimelines() == 0 ? "No timelines drawn (--max-timelines 0)."
                            : "Nothing to draw: timelines show each client-facing 5xx or missing response that a finding "
                            + "explains (with only the upstream leg in the capture, each upstream error).")
                    .raw("</p></section>\n");
            return;
        }
        h.raw("<p class=\"note\" id=\"failures-note\">");
        if (tls.size() >= page.maxTimelines()) {
            h.raw("The first ").raw(thousands(tls.size())).raw(" failures (--max-timelines)");
            if (page.summary().clientFailures() > 0) {
                h.raw(" of ").raw(thousands(page.summary().clientFailures())).raw(" client-facing ones");
            }
        } else {
            h.raw(thousands(tls.size())).raw(tls.size() == 1 ? " failure" : " failures");
        }
        h.raw(": each client-facing 5xx or missing response that a finding explains (with only the upstream leg in the "
                + "capture, each upstream error), in the order of the findings. Each lane is one TCP "
                + "connection: on its upper track what the connection's client sent (\u25b6), on the lower what its "
                + "server sent (\u25c0); \u25cb SYN, \u25a1 FIN, \u2715 RST. Rings mark the frames a finding cites. Time runs "
                + "left to right; long gaps are drawn shorter (log scale) and labelled with their length.</p>\n");
        for (int i = 0; i < tls.size(); i++) {
            Timeline tl = tls.get(i);
            for (Lane l : tl.lanes()) timelineOf.putIfAbsent(l.connection(), i);
            h.raw("<article class=\"timeline\" id=\"tl-").num(i).raw("\"><h3>");
            Finding lead = tl.findings().isEmpty() ? null : tl.findings().get(0).finding();
            h.raw("<span class=\"tl-n\">").num(i + 1).raw(".</span> ");
            if (lead != null) {
                h.text(lead.request() == null ? "(no request)" : Html.cut(lead.request(), 200));
                ClientResponse c = lead.client();
                if (c != null) {
                    h.raw(" \u2192 ").text(c.status() >= 0 ? "client got " + c.status()
                            : c.frame() >= 0 ? "client got no valid status line" : "client got no response");
                }
                h.raw(" <span class=\"muted\">at ").raw(Times.iso(lead.nanos())).raw("</span>");
            } else {
                h.raw("connection ").num(tl.lanes().get(0).connection());
            }
            h.raw("</h3>\n");
            if (tl.note() != null) h.raw("<p class=\"note\">").text(tl.note()).raw("</p>\n");
            HtmlSwimLanes.render(h, tl, i);
            h.raw("<ol class=\"tl-findings\">");
            for (Timeline.Numbered n : tl.findings()) {
                Finding f = n.finding();
                h.raw("<li data-finding=\"").num(n.number()).raw("\" data-cause=\"").raw(f.cause().id()).raw("\">")
                        .raw("<span class=\"sev sev-").raw(f.severity().id()).raw("\">").raw(f.severity().id()).raw("</span> ");
                if (n.number() >= 1 && n.number() <= listed.size()) {
                    h.raw("<a href=\"#f-").num(n.number()).raw("\">#").num(n.number()).raw("</a> ");
                } else {
                    h.raw("#").num(n.number()).raw(" ");
                }
                h.raw("<b>").raw(f.cause().id()).raw("</b> upstream ").text(f.upstream() == null ? "-" : f.upstream())
                        .raw(", connection ").num(f.connection()).raw(": ").text(Html.cut(f.explanation(), 2_000))
                        .raw("<div class=\"hint\">").text(Html.cut(f.hint(), 1_000)).raw("</div><ul class=\"evidence\">");
                for (io.gatelens.finding.Evidence e : f.evidence()) {
                    h.raw("<li>frame <b>").num(e.frame()).raw("</b> ").raw(Times.iso(e.nanos()).substring(11)).raw(" ")
                            .text(e.what()).raw("</li>");
                }
                h.raw("</ul></li>\n");
            }
            h.raw("</ol></article>\n");
        }
        h.raw("</section>\n");
    }

    private void findingsList(Html h, List<Cause> order) {
        h.raw("<section id=\"findings\"><h2>Findings</h2>\n");
        if (findings == 0) {
            h.raw("<p class=\"muted\">None.</p></section>\n");
            return;
        }
        h.raw("<p class=\"note\" id=\"findings-note\">");
        if (listed.size() == findings) h.raw("All ").raw(thousands(findings)).raw(findings == 1 ? " finding" : " findings");
        else h.raw("The first ").raw(thousands(listed.size())).raw(" of ").raw(thousands(findings)).raw(" findings");
        h.raw(", numbered as <code>gatelens analyze</code> lists them.</p>\n");
        // Laid out when scrolled near, as the exchange list: hundreds of rows below the fold.
        h.raw("<div class=\"lazy\"><table id=\"findings-table\" class=\"list\"><thead><tr><th>#</th><th>severity</th><th>cause</th>"
                + "<th>request</th><th>client got</th><th>upstream</th><th>connection</th><th>frames</th><th>time</th>"
                + "</tr></thead><tbody>\n");
        int n = 0;
        for (Finding f : listed) {
            n++;
            int rank = order.indexOf(f.cause());
            ClientResponse c = f.client();
            h.raw("<tr id=\"f-").num(n).raw("\" data-cause=\"").raw(f.cause().id()).raw("\" data-severity=\"")
                    .raw(f.severity().id()).raw("\"><td class=\"num\">").num(n).raw("</td><td><span class=\"sev sev-")
                    .raw(f.severity().id()).raw("\">").raw(f.severity().id()).raw("</span></td><td><svg class=\"swatch\" "
                    + "viewBox=\"0 0 10 10\"><rect width=\"10\" height=\"10\" fill=\"")
                    .raw(rank < 0 ? "#999" : HtmlCauseChart.colour(rank)).raw("\"/></svg> ").raw(f.cause().id())
                    .raw("</td><td class=\"wrap req\">").text(f.request() == null ? "" : Html.cut(f.request(), 300))
                    .raw("</td><td>");
            if (c != null) {
                h.raw(c.status() >= 0 ? Integer.toString(c.status()) : c.frame() >= 0 ? "no valid status" : "no response");
                h.raw(" <span class=\"muted\">conn ").num(c.connection());
                if (c.frame() >= 0) h.raw(", frame ").num(c.frame());
                h.raw("</span>");
            }
            h.raw("</td><td>").text(f.upstream() == null ? "" : f.upstream()).raw("</td><td class=\"num\">").num(f.connection())
                    .raw("</td><td class=\"num\">");
            long[] frames = f.frames();
            for (int i = 0; i < frames.length; i++) h.raw(i == 0 ? "" : ", ").num(frames[i]);
            h.raw("</td><td class=\"num\">").raw(Times.iso(f.nanos())).raw("</td></tr>\n");
        }
        h.raw("</tbody></table></div></section>\n");
    }

    /** Writes {@code page} to {@code out} through a temporary file beside it, renamed at the end. */
    public static long write(Path out, String page) throws IOException {
        Path abs = out.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp = null;
        OutputStream os = null;
        for (int i = 0; os == null; i++) {
            tmp = dir.resolve("." + abs.getFileName() + "." + ProcessHandle.current().pid() + (i == 0 ? "" : "-" + i) + ".tmp");
            try {
                os = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (FileAlreadyExistsException e) {
                if (i >= 100) throw e;
            }
        }
        try {
            try (Writer w = new OutputStreamWriter(os, StandardCharsets.UTF_8)) {
                w.write(page);
            }
            long size = Files.size(tmp);
            try {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            return size;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    public long exchangesSeen() {
        return exchanges.seen();
    }

    public int exchangesListed() {
        return exchanges.listed();
    }

    static String thousands(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static long total(Map<Integer, Long> m) {
        long t = 0;
        for (long v : m.values()) t += v;
        return t;
    }

    private static String fileName(String file) {
        int slash = file.lastIndexOf('/');
        return slash < 0 ? file : file.substring(slash + 1);
    }

    /** The CSP source for an inline block: its SHA-256, so the policy allows this text and no other. */
    static String sha256(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return "sha256-" + Base64.getEncoder().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    static final String STYLE = """
            :root{--fg:#1f2328;--muted:#656d76;--line:#d0d7de;--bg:#fff;--band:#f6f8fa;--err:#c81e1e;--warn:#b45309}
            *{box-sizing:border-box}
            body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:var(--fg);background:var(--bg)}
            header{padding:16px 24px;border-bottom:1px solid var(--line);background:var(--band)}
            header h1{margin:0;font-size:20px}
            .file{margin:2px 0 0;font-family:ui-monospace,"DejaVu Sans Mono",monospace;color:var(--muted);word-break:break-all}
            main{padding:8px 24px 24px;max-width:1400px}
            h2{font-size:17px;margin:26px 0 8px;padding-bottom:4px;border-bottom:1px solid var(--line)}
            h3{font-size:15px;margin:18px 0 6px}
            code,.ep,.req,.num{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12.5px}
            .muted{color:var(--muted)}
            .note{color:var(--muted);margin:4px 0 8px}
            .cards{display:flex;flex-wrap:wrap;gap:12px}
            .card{border:1px solid var(--line);border-radius:6px;padding:10px 14px;min-width:150px;background:var(--bg)}
            .card.wide{min-width:280px}
            .big{font-size:26px;font-weight:600}
            .what{font-weight:600}
            .sub{color:var(--muted);font-size:13px}
            .statuses,.top-causes{margin:2px 0 0;padding-left:18px}
            .statuses{list-style:none;padding:0}
            table.list{border-collapse:collapse;width:100%;margin:4px 0}
            table.list th,table.list td{border-bottom:1px solid var(--line);padding:3px 6px;text-align:left;vertical-align:top}
            table.list th{background:var(--band);font-weight:600;position:sticky;top:0}
            td.num{text-align:right;white-space:nowrap}
            table.xt{table-layout:fixed;margin:0}
            table.xhead{position:sticky;top:0;z-index:1}
            .xlist .block{content-visibility:auto;contain-intrinsic-size:auto 7500px}
            .lazy{content-visibility:auto;contain-intrinsic-size:auto 3000px}
            #exchanges td{overflow:hidden;text-overflow:ellipsis}
            #exchanges td.wrap{max-width:none}
            .c-conn{width:4em}.c-time{width:9.5em}.c-leg{width:6.5em}.c-ep{width:12em}.c-host{width:9em}
            .c-status{width:4em}.c-ms{width:5em}.c-end{width:9.5em}.c-more{width:5.5em}
            #exchanges td.ep,#exchanges td.end{overflow-wrap:anywhere}
            td.wrap{word-break:break-all;max-width:420px}
            td.prose{max-width:520px;font-size:13px}
            tr.failed td.status{color:var(--err);font-weight:600}
            .sev{font-size:12px;padding:0 5px;border-radius:3px;color:#fff;background:#4b5563}
            .sev-error{background:var(--err)}.sev-warning{background:var(--warn)}
            svg.swatch{width:10px;height:10px;vertical-align:baseline;margin-right:4px}
            .legend{list-style:none;display:flex;flex-wrap:wrap;gap:4px 16px;padding:0;margin:4px 0}
            svg.chart,svg.swimlane{width:100%;height:auto;display:block;font-family:ui-monospace,"DejaVu Sans Mono",monospace}
            svg.swimlane{border:1px solid var(--line);border-radius:4px;background:var(--bg)}
            .axis{stroke:#57606a;stroke-width:1}
            .grid{stroke:#eaeef2;stroke-width:1}
            .tick{font-size:11px;fill:var(--muted)}
            .exchanges{fill:#e6e9ed}
            td.cause{white-space:nowrap}
            .hit{fill:transparent}
            .hit:hover{fill:rgba(0,0,0,.06)}
            .lane-bg{fill:var(--band)}
            .lane-title{font-size:13px;font-weight:700;fill:var(--fg);font-family:system-ui,sans-serif}
            .lane-sub{font-size:12px;fill:var(--fg)}
            .lane-ep{font-size:10.5px;fill:var(--muted)}
            .track{stroke:#c6ccd2;stroke-width:1}
            .ev-label{font-size:10.5px;fill:var(--fg)}
            .m-syn{fill:#fff;stroke:#6e7781;stroke-width:1.5}
            .m-fin{fill:#fff;stroke:#9a6700;stroke-width:1.8}
            .m-rst{stroke:var(--err);stroke-width:2.6;fill:none}
            .m-req{fill:#0969da}.m-reqbody{fill:#80b3ff}.m-resp{fill:#1a7f37}.m-resp5{fill:var(--err)}
            .m-respbody{fill:#8fd19e}.m-ws{fill:#8250df}.m-other{fill:#6e7781}
            .m-warn{fill:#fb8f44}.m-quiet{fill:#fff;stroke:#8c959f}
            .ring{fill:none;stroke-width:2}
            .cite{stroke-width:1;stroke-dasharray:3 3}
            .cite-label{font-size:11px;font-weight:600}
            .gap{font-size:10.5px;fill:var(--muted)}
            .axis-break{stroke:#57606a;stroke-width:1.2;fill:none}
            .ev:hover .ev-label{font-weight:700}
            article.timeline{margin:10px 0 24px;content-visibility:auto;contain-intrinsic-size:auto 700px}
            .tl-n{color:var(--muted)}
            .tl-findings{padding-left:20px;font-size:13px}
            .tl-findings>li{margin:6px 0}
            .hint{color:var(--muted);margin-top:2px}
            .evidence{margin:2px 0;padding-left:18px;font-family:ui-monospace,monospace;font-size:12px}
            details.events summary,details.heads summary{cursor:pointer;color:#0969da}
            .events-table td{font-size:12px}
            tr.cited{background:#fff5f5}
            .filter{display:flex;flex-wrap:wrap;gap:10px;align-items:center;margin:8px 0;padding:8px;background:var(--band);border-radius:6px}
            .filter input{font:inherit;padding:2px 6px}
            .head dl{display:grid;grid-template-columns:max-content 1fr;gap:0 8px;margin:2px 0 6px;font-family:ui-monospace,monospace;font-size:12px}
            .head dt{font-weight:600}.head dd{margin:0;word-break:break-all}
            footer{padding:12px 24px;color:var(--muted);border-top:1px solid var(--line);font-size:12px}
            """;

    /**
     * The page's one script: the exchange list's filter. It reads the list from the DOM and only
     * sets {@code hidden} and text, never markup. The filter can be preset in the address's
     * fragment, {@code report.html#status=5xx&leg=client&q=GET%20/api}, and follows the controls.
     */
    static final String SCRIPT = """
            (function () {
              'use strict';
              var list = document.getElementById('exchanges');
              if (!list) return;
              var rows = Array.prototype.slice.call(list.querySelectorAll('tbody tr'));
              var blocks = Array.prototype.slice.call(list.querySelectorAll('.block'));
              var texts = rows.map(function (r) { return r.textContent.toLowerCase(); });
              var q = document.getElementById('q');
              var status = document.getElementById('status');
              var leg = document.getElementById('leg');
              var shown = document.getElementById('shown');
              function choose(select, value) {
                for (var i = 0; i < select.options.length; i++) {
                  if (select.options[i].value === value) { select.value = value; return; }
                }
              }
              function fromFragment() {
                var p = new URLSearchParams(location.hash.replace(/^#/, ''));
                if (p.has('q')) q.value = p.get('q');
                if (p.has('status')) choose(status, p.get('status'));
                if (p.has('leg')) choose(leg, p.get('leg'));
              }
              function statusMatches(r, want) {
                if (want === 'all') return true;
                if (want === 'failed') return r.getAttribute('data-failed') === '1';
                var s = r.getAttribute('data-status');
                if (want === 'none') return s === 'none';
                return s.length === 3 && s.charAt(0) === want.charAt(0);
              }
              function apply() {
                var text = q.value.trim().toLowerCase();
                var s = status.value, l = leg.value, n = 0;
                for (var i = 0; i < rows.length; i++) {
                  var r = rows[i];
                  var ok = statusMatches(r, s) && (l === 'all' || r.getAttribute('data-leg') === l)
                      && (text === '' || texts[i].indexOf(text) >= 0);
                  r.hidden = !ok;
                  if (ok) n++;
                }
                shown.textContent = String(n);
                // A block with no row left would still take its estimated height until scrolled to.
                for (var b = 0; b < blocks.length; b++) {
                  blocks[b].hidden = blocks[b].querySelector('tr:not([hidden])') === null;
                }
              }
              function remember() {
                var p = new URLSearchParams();
                if (q.value.trim() !== '') p.set('q', q.value.trim());
                if (status.value !== 'all') p.set('status', status.value);
                if (leg.value !== 'all') p.set('leg', leg.value);
                try { history.replaceState(null, '', '#' + p.toString()); } catch (e) { /* file: URLs may refuse */ }
              }
              fromFragment();
              apply();
              q.addEventListener('input', function () { apply(); remember(); });
              status.addEventListener('change', function () { apply(); remember(); });
              leg.addEventListener('change', function () { apply(); remember(); });
              window.addEventListener('hashchange', function () { fromFragment(); apply(); });
            })();
            """;
}
