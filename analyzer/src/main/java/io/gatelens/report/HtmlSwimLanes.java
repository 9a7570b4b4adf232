package io.gatelens.report;

import io.gatelens.anomaly.Severity;
import io.gatelens.finding.ClientResponse;
import io.gatelens.finding.Evidence;
import io.gatelens.finding.Finding;
import io.gatelens.proxy.Role;
import io.gatelens.tcp.Direction;
import io.gatelens.timeline.EventKind;
import io.gatelens.timeline.Lane;
import io.gatelens.timeline.Timeline;
import io.gatelens.timeline.TimelineEvent;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * One failure as an SVG swim-lane picture: a lane per connection (the client's connection to the
 * proxy on top, the proxy's connections to the upstream below it), each with two tracks (what the
 * connection's client sent above, what its server sent below), on one time axis; the findings'
 * evidence frames ringed and labelled with the finding's number. Below it, the findings in words
 * and every drawn event in a table.
 *
 * <p>The time axis is not linear: a failure is often milliseconds of traffic, then a 30 s silence,
 * then a reset, and a linear axis would crush the milliseconds into one pixel. Each gap between
 * consecutive times is drawn {@code 1 + log10(1 + gap / 10 µs)} units wide, and gaps of
 * {@link #BREAK_NANOS} or more are labelled with their length on the axis.
 */
final class HtmlSwimLanes {
    /** Events drawn per lane; past it those nearest the findings' frames are kept. */
    static final int MAX_DRAWN_PER_LANE = 300;
    static final long BREAK_NANOS = 50_000_000L;

    private static final int W = 1160, PLOT_LEFT = 190, PLOT_RIGHT = W - 40;
    private static final int LANE_H = 96, LANE_GAP = 8, ANNO_ROW = 14, AXIS_H = 40;
    private static final int LABEL_ROWS = 2, ANNO_ROWS = 5, UP = 32, DOWN = 62;
    /** Advance of a monospace character (0.6 em) of the event labels (10.5 px) and the findings' (11 px, bold), with room. */
    private static final double EV_CHAR_W = 6.5, CITE_CHAR_W = 6.9;

    private HtmlSwimLanes() {}

    /** Writes timeline {@code index} (0-based): the SVG, notes on what it left out, the events table. */
    static void render(Html h, Timeline timeline, int index) {
        Timeline tl = oneLanePerConnection(timeline);
        List<Lane> lanes = tl.lanes();
        // Which events each lane draws, and which frames the findings cite.
        List<int[]> drawn = new ArrayList<>(lanes.size());
        for (Lane lane : lanes) drawn.add(pick(lane, tl));

        TreeSet<Long> times = new TreeSet<>();
        for (int l = 0; l < lanes.size(); l++) {
            for (int i : drawn.get(l)) times.add(lanes.get(l).events().get(i).nanos());
        }
        for (Timeline.Numbered n : tl.findings()) {
            for (Evidence e : n.finding().evidence()) times.add(e.nanos());
            ClientResponse c = n.finding().client();
            if (c != null && c.frame() >= 0) times.add(c.nanos());
        }
        Scale scale = new Scale(times);
        Map<Long, Integer> laneOf = new HashMap<>();
        for (int l = 0; l < lanes.size(); l++) laneOf.putIfAbsent(lanes.get(l).connection(), l);

        // The findings' labels first: the band above the lanes is as tall as they need.
        List<Cite> cites = new ArrayList<>();
        Labels anno = new Labels(ANNO_ROWS);
        java.util.Set<Long> clientFramesDone = new java.util.HashSet<>();
        for (Timeline.Numbered n : tl.findings()) {
            Finding f = n.finding();
            for (Evidence e : f.evidence()) {
                cites.add(cite(tl, drawn, laneOf, scale, anno, n, f.connection(), e.frame(), e.nanos(),
                        "#" + n.number() + " " + e.what(),
                        "#" + n.number() + " frame " + e.frame() + ": " + e.what() + " (" + f.cause().id() + ")"));
            }
            ClientResponse c = f.client();
            if (c != null && c.frame() >= 0 && clientFramesDone.add(c.frame())) {
                String what = c.status() >= 0 ? "client got " + c.status() : "client got no valid status line";
                cites.add(cite(tl, drawn, laneOf, scale, anno, n, c.connection(), c.frame(), c.nanos(), what,
                        "frame " + c.frame() + ": " + what));
            }
        }
        int annoRows = anno.used();
        int lanesTop = 8 + annoRows * ANNO_ROW + 6;
        int height = lanesTop + lanes.size() * (LANE_H + LANE_GAP) + AXIS_H;

        h.raw("<svg class=\"swimlane\" id=\"tl-svg-").num(index).raw("\" viewBox=\"0 0 ").num(W).raw(" ").num(height)
                .raw("\" role=\"img\" aria-label=\"timeline of the failure's connections\">\n");

        // Lanes: background, title, tracks, events.
        for (int l = 0; l < lanes.size(); l++) {
            Lane lane = lanes.get(l);
            int top = lanesTop + l * (LANE_H + LANE_GAP);
            h.raw("<g class=\"lane\" data-connection=\"").num(lane.connection()).raw("\" data-role=\"")
                    .raw(lane.role() == null ? "unknown" : lane.role().id()).raw("\">");
            h.raw("<rect class=\"lane-bg\" x=\"0\" y=\"").num(top).raw("\" width=\"").num(W).raw("\" height=\"")
                    .num(LANE_H).raw("\"/>");
            h.raw("<text class=\"lane-title\" x=\"8\" y=\"").num(top + 18).raw("\">").raw(title(lane.role()))
                    .raw("</text><text class=\"lane-sub\" x=\"8\" y=\"").num(top + 34).raw("\">connection ")
                    .num(lane.connection()).raw("</text>");
            h.raw("<text class=\"lane-ep\" x=\"8\" y=\"").num(top + 52).raw("\">").text(Html.cut(String.valueOf(lane.client()), 26))
                    .raw("<title>").text(lane.client() + " \u2192 " + lane.server()).raw("</title></text>");
            h.raw("<text class=\"lane-ep\" x=\"8\" y=\"").num(top + 66).raw("\">\u2192 ").text(Html.cut(String.valueOf(lane.server()), 24))
                    .raw("</text>");
            int up = top + UP, down = top + DOWN;
            h.raw("<line class=\"track\" x1=\"").num(PLOT_LEFT - 6).raw("\" y1=\"").num(up).raw("\" x2=\"").num(PLOT_RIGHT + 6)
                    .raw("\" y2=\"").num(up).raw("\"/><line class=\"track\" x1=\"").num(PLOT_LEFT - 6).raw("\" y1=\"")
                    .num(down).raw("\" x2=\"").num(PLOT_RIGHT + 6).raw("\" y2=\"").num(down).raw("\"/>\n");
            Labels upLabels = new Labels(LABEL_ROWS), downLabels = new Labels(LABEL_ROWS);
            TimelineEvent head = null;
            for (int i : drawn.get(l)) {
                TimelineEvent e = lane.events().get(i);
                double x = scale.x(e.nanos());
                boolean toServer = e.direction() == Direction.CLIENT_TO_SERVER;
                int y = toServer ? up : down;
                h.raw("<g class=\"ev\" data-kind=\"").raw(e.kind().name().toLowerCase(Locale.ROOT)).raw("\" data-frame=\"")
                        .num(e.frame()).raw("\" data-dir=\"").raw(toServer ? "c2s" : "s2c").raw("\">");
                // A body that starts in its head's frame would sit on the head's mark: it gets only its label.
                boolean body = e.kind() == EventKind.REQUEST_BODY || e.kind() == EventKind.RESPONSE_BODY;
                if (!(body && head != null && head.frame() == e.frame() && head.direction() == e.direction())) {
                    mark(h, e, x, y, toServer);
                }
                if (e.kind() == EventKind.REQUEST || e.kind() == EventKind.RESPONSE) head = e;
                h.raw("<title>").text(tooltip(e, tl.startNanos(), lane)).raw("</title>");
                String label = label(e);
                Labels labels = toServer ? upLabels : downLabels;
                int row = labels.place(x - 3, label.length() * EV_CHAR_W);
                if (row >= 0) {
                    int ly = toServer ? up - 10 - row * 11 : down + 16 + row * 11;
                    h.raw("<text class=\"ev-label\" x=\"").raw(HtmlCauseChart.f1(labels.x())).raw("\" y=\"").num(ly).raw("\">")
                            .text(label).raw("</text>");
                }
                h.raw("</g>\n");
            }
            h.raw("</g>\n");
        }

        // Findings: each evidence frame (and the client response) ringed, with a line up to its
        // label in the band above the lanes.
        int c = 0;
        for (Timeline.Numbered n : tl.findings()) {
            Finding f = n.finding();
            String colour = severityColour(f.severity());
            h.raw("<g class=\"finding-marks\" data-finding=\"").num(n.number()).raw("\" data-cause=\"")
                    .raw(f.cause().id()).raw("\">");
            for (; c < cites.size() && cites.get(c).finding == n; c++) {
                Cite ct = cites.get(c);
                int top = lanesTop - 2, bottom;
                if (ct.lane >= 0) {
                    int laneTop = lanesTop + ct.lane * (LANE_H + LANE_GAP);
                    int y = ct.direction == null ? laneTop + LANE_H / 2
                            : ct.direction == Direction.CLIENT_TO_SERVER ? laneTop + UP : laneTop + DOWN;
                    bottom = y - 9;
                    h.raw("<circle class=\"ring\" data-frame=\"").num(ct.frame).raw("\" cx=\"").raw(HtmlCauseChart.f1(ct.x))
                            .raw("\" cy=\"").num(y)
                            .raw("\" r=\"9\" stroke=\"").raw(colour).raw("\"/>");
                } else {
                    bottom = lanesTop + 4;
                }
                h.raw("<line class=\"cite\" x1=\"").raw(HtmlCauseChart.f1(ct.x)).raw("\" y1=\"").num(top).raw("\" x2=\"")
                        .raw(HtmlCauseChart.f1(ct.x)).raw("\" y2=\"").num(bottom).raw("\" stroke=\"").raw(colour).raw("\"/>");
                if (ct.row >= 0) {
                    h.raw("<text class=\"cite-label\" x=\"").raw(HtmlCauseChart.f1(ct.labelX)).raw("\" y=\"")
                            .num(8 + (ct.row + 1) * ANNO_ROW - 3).raw("\" fill=\"").raw(colour).raw("\">").text(ct.label)
                            .raw("<title>").text(ct.tip).raw("</title></text>");
                }
                h.raw("\n");
            }
            h.raw("</g>\n");
        }

        // The time axis, with breaks where long gaps were shortened.
        int axisY = lanesTop + lanes.size() * (LANE_H + LANE_GAP) + 4;
        h.raw("<line class=\"axis\" x1=\"").num(PLOT_LEFT - 6).raw("\" y1=\"").num(axisY).raw("\" x2=\"").num(PLOT_RIGHT + 6)
                .raw("\" y2=\"").num(axisY).raw("\"/>\n");
        long start = times.isEmpty() ? 0 : times.first();
        double lastTick = -1e9;
        String lastLabel = null;
        Long prev = null;
        for (long t : times) {
            double x = scale.x(t);
            if (prev != null && t - prev >= BREAK_NANOS) {
                double mid = (scale.x(prev) + x) / 2;
                h.raw("<g class=\"break\"><path class=\"axis-break\" d=\"M").raw(HtmlCauseChart.f1(mid - 5)).raw(" ")
                        .num(axisY + 5).raw(" l4 -10 M").raw(HtmlCauseChart.f1(mid + 1)).raw(" ").num(axisY + 5)
                        .raw(" l4 -10\"/><text class=\"gap\" x=\"").raw(HtmlCauseChart.f1(mid)).raw("\" y=\"").num(axisY + 30)
                        .raw("\" text-anchor=\"middle\">").text(HtmlCauseChart.duration(t - prev) + " later").raw("</text></g>\n");
            }
            String tick = t == start ? "0" : "+" + HtmlCauseChart.duration(t - start);
            if (x - lastTick >= 90 && !tick.equals(lastLabel)) {
                lastLabel = tick;
                h.raw("<line class=\"axis\" x1=\"").raw(HtmlCauseChart.f1(x)).raw("\" y1=\"").num(axisY).raw("\" x2=\"")
                        .raw(HtmlCauseChart.f1(x)).raw("\" y2=\"").num(axisY + 4).raw("\"/><text class=\"tick\" x=\"")
                        .raw(HtmlCauseChart.f1(x)).raw("\" y=\"").num(axisY + 16).raw("\" text-anchor=\"middle\">")
                        .text(tick).raw("</text>\n");
                lastTick = x;
            }
            prev = t;
        }
        h.raw("</svg>\n");

        // What was left out of the picture.
        for (int l = 0; l < lanes.size(); l++) {
            Lane lane = lanes.get(l);
            int shown = drawn.get(l).length;
            long total = lane.events().size() + lane.truncated();
            if (shown < total) {
                h.raw("<p class=\"note\">Connection ").num(lane.connection()).raw(": ").num(shown).raw(" of ")
                        .raw(HtmlReport.thousands(total)).raw(" events drawn, those nearest the findings' frames")
                        .raw(lane.truncated() > 0 ? " (the timeline holds the first " + HtmlReport.thousands(lane.events().size()) + ")" : "")
                        .raw("; <code>gatelens timeline FILE --connection ").num(lane.connection())
                        .raw("</code> lists them all.</p>\n");
            }
        }
        events(h, tl, drawn);
    }

    /** A connection is drawn once, even if a timeline lists it twice (as client and as cited). */
    static Timeline oneLanePerConnection(Timeline tl) {
        java.util.Set<Long> seen = new java.util.HashSet<>();
        List<Lane> lanes = new ArrayList<>(tl.lanes().size());
        for (Lane l : tl.lanes()) if (seen.add(l.connection())) lanes.add(l);
        return lanes.size() == tl.lanes().size() ? tl : new Timeline(lanes, tl.findings(), tl.note());
    }

    /** One cited frame: where it is drawn (lane, x, track) and where its label goes. */
    private record Cite(Timeline.Numbered finding, long frame, int lane, Direction direction, double x, String label,
                        String tip, int row, double labelX) {}

    private static Cite cite(Timeline tl, List<int[]> drawn, Map<Long, Integer> laneOf, Scale scale, Labels anno,
                             Timeline.Numbered finding, long connection, long frame, long nanos, String label, String tip) {
        // The lane and event that hold the frame: the cited connection's first, then any lane.
        int lane = -1, event = -1;
        Integer preferred = laneOf.get(connection);
        if (preferred != null) {
            event = covering(tl.lanes().get(preferred), drawn.get(preferred), frame);
            if (event >= 0) lane = preferred;
        }
        for (int l = 0; l < tl.lanes().size() && lane < 0; l++) {
            int e = covering(tl.lanes().get(l), drawn.get(l), frame);
            if (e >= 0) {
                lane = l;
                event = e;
            }
        }
        if (lane < 0 && preferred != null) lane = preferred;
        TimelineEvent e = event >= 0 ? tl.lanes().get(lane).events().get(event) : null;
        double x = scale.x(e != null ? e.nanos() : nanos);
        String shown = Html.cut(label, 34);
        int row = anno.place(x - 3, shown.length() * CITE_CHAR_W);
        if (row < 0) {
            // No room for the words: the finding's number alone.
            int space = label.indexOf(' ');
            shown = space < 0 ? label : label.substring(0, space);
            row = anno.place(x - 3, shown.length() * CITE_CHAR_W);
        }
        return new Cite(finding, frame, lane, e == null ? null : e.direction(), x, shown, tip, row, anno.x());
    }

    /** The index of a drawn event of {@code lane} whose frames include {@code frame}, or -1. */
    private static int covering(Lane lane, int[] drawn, long frame) {
        for (int i : drawn) {
            TimelineEvent e = lane.events().get(i);
            if (e.frame() <= frame && frame <= e.lastFrame()) return i;
        }
        return -1;
    }

    /**
     * The events of a lane to draw: all when there are few; else the {@link #MAX_DRAWN_PER_LANE}
     * nearest (in event order) to one that a finding cites, or the last ones when none is cited
     * (a failure is at the end of its connection more often than not).
     */
    static int[] pick(Lane lane, Timeline tl) {
        int n = lane.events().size();
        if (n <= MAX_DRAWN_PER_LANE) {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) all[i] = i;
            return all;
        }
        List<Long> cited = new ArrayList<>();
        for (Timeline.Numbered num : tl.findings()) {
            for (Evidence e : num.finding().evidence()) cited.add(e.frame());
            ClientResponse c = num.finding().client();
            if (c != null && c.frame() >= 0) cited.add(c.frame());
        }
        int[] dist = new int[n];
        Arrays.fill(dist, Integer.MAX_VALUE / 2);
        boolean any = false;
        for (int i = 0; i < n; i++) {
            TimelineEvent e = lane.events().get(i);
            for (long f : cited) {
                if (e.frame() <= f && f <= e.lastFrame()) {
                    dist[i] = 0;
                    any = true;
                }
            }
        }
        if (!any) dist[n - 1] = 0;
        for (int i = 1; i < n; i++) dist[i] = Math.min(dist[i], dist[i - 1] + 1);
        for (int i = n - 2; i >= 0; i--) dist[i] = Math.min(dist[i], dist[i + 1] + 1);
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> dist[a] != dist[b] ? Integer.compare(dist[a], dist[b]) : Integer.compare(a, b));
        int[] keep = new int[MAX_DRAWN_PER_LANE];
        for (int i = 0; i < keep.length; i++) keep[i] = order[i];
        Arrays.sort(keep);
        return keep;
    }

    /** Every drawn event as a table row, for reading what the picture abbreviates. */
    private static void events(Html h, Timeline tl, List<int[]> drawn) {
        List<TimelineEvent> all = new ArrayList<>();
        for (int l = 0; l < tl.lanes().size(); l++) {
            for (int i : drawn.get(l)) all.add(tl.lanes().get(l).events().get(i));
        }
        all.sort((a, b) -> a.frame() != b.frame() ? Long.compare(a.frame(), b.frame()) : Long.compare(a.nanos(), b.nanos()));
        Map<Long, String> roleOf = new HashMap<>();
        for (Lane lane : tl.lanes()) roleOf.putIfAbsent(lane.connection(), lane.role() == Role.PROXY ? "client leg" : "upstream leg");
        h.raw("<details class=\"events\"><summary>").num(all.size()).raw(" events</summary>\n<table class=\"events-table\">"
                + "<thead><tr><th>time</th><th>connection</th><th>dir</th><th>what</th><th>frames</th><th>detail</th>"
                + "<th>findings</th></tr></thead><tbody>\n");
        long start = tl.startNanos();
        for (TimelineEvent e : all) {
            StringBuilder cites = new StringBuilder();
            for (Timeline.Numbered n : tl.findings()) {
                for (Evidence ev : n.finding().evidence()) {
                    if (e.frame() <= ev.frame() && ev.frame() <= e.lastFrame()) {
                        if (cites.length() > 0) cites.append(", ");
                        cites.append('#').append(n.number()).append(' ').append(ev.what());
                    }
                }
            }
            h.raw("<tr").raw(cites.length() > 0 ? " class=\"cited\"" : "").raw("><td class=\"num\">")
                    .text(relative(e.nanos() - start)).raw("</td><td class=\"num\">").num(e.connection()).raw(" ")
                    .raw(roleOf.getOrDefault(e.connection(), "")).raw("</td><td>")
                    .raw(e.direction() == Direction.CLIENT_TO_SERVER ? "\u2192" : "\u2190").raw("</td><td>")
                    .raw(e.kind().name().toLowerCase(Locale.ROOT)).raw("</td><td class=\"num\">").num(e.frame());
            if (e.lastFrame() != e.frame()) h.raw("\u2013").num(e.lastFrame());
            h.raw("</td><td class=\"wrap\">").text(Html.cut(e.text(), 400)).raw("</td><td>").text(cites.toString())
                    .raw("</td></tr>\n");
        }
        h.raw("</tbody></table></details>\n");
    }

    static String relative(long nanos) {
        return nanos == 0 ? "0" : (nanos < 0 ? "-" : "+") + Times.millisText(Math.abs(nanos)) + " ms";
    }

    private static String title(Role role) {
        if (role == Role.PROXY) return "client \u2194 proxy";
        if (role == Role.UPSTREAM) return "proxy \u2194 upstream";
        return "connection";
    }

    static String severityColour(Severity s) {
        return switch (s) {
            case ERROR -> "#c81e1e";
            case WARNING -> "#b45309";
            default -> "#4b5563";
        };
    }

    private static String label(TimelineEvent e) {
        return switch (e.kind()) {
            case SYN -> "SYN";
            case SYN_ACK -> "SYN-ACK";
            case FIN -> "FIN";
            case RST -> "RST";
            case RETRANSMISSION -> "retransmission";
            case ZERO_WINDOW -> "zero window";
            case GAP -> "gap";
            default -> Html.cut(e.text().isEmpty() ? e.kind().name().toLowerCase(Locale.ROOT) : e.text(), 28);
        };
    }

    private static String tooltip(TimelineEvent e, long start, Lane lane) {
        String frames = e.lastFrame() != e.frame() ? "frames " + e.frame() + "\u2013" + e.lastFrame() : "frame " + e.frame();
        String who = e.direction() == Direction.CLIENT_TO_SERVER ? lane.client() + " \u2192 " + lane.server()
                : lane.server() + " \u2192 " + lane.client();
        return frames + ", " + relative(e.nanos() - start) + ", " + Times.iso(e.nanos()) + "\n" + who + "\n"
                + e.kind().name().toLowerCase(Locale.ROOT) + (e.text().isEmpty() ? "" : ": " + Html.cut(e.text(), 600));
    }

    /** The mark of one event: its shape says what, its direction which way. */
    private static void mark(Html h, TimelineEvent e, double x, int y, boolean toServer) {
        String xs = HtmlCauseChart.f1(x);
        switch (e.kind()) {
            case SYN, SYN_ACK -> h.raw("<circle class=\"m-syn\" cx=\"").raw(xs).raw("\" cy=\"").num(y).raw("\" r=\"4\"/>");
            case FIN -> h.raw("<rect class=\"m-fin\" x=\"").raw(HtmlCauseChart.f1(x - 4)).raw("\" y=\"").num(y - 4)
                    .raw("\" width=\"8\" height=\"8\"/>");
            case RST -> h.raw("<path class=\"m-rst\" d=\"M").raw(HtmlCauseChart.f1(x - 5)).raw(" ").num(y - 5).raw(" l10 10 M")
                    .raw(HtmlCauseChart.f1(x - 5)).raw(" ").num(y + 5).raw(" l10 -10\"/>");
            case RETRANSMISSION, ZERO_WINDOW, GAP, SILENCE -> h.raw("<path class=\"m-")
                    .raw(e.kind() == EventKind.GAP || e.kind() == EventKind.SILENCE ? "quiet" : "warn").raw("\" d=\"M").raw(xs)
                    .raw(" ").num(y - 5).raw(" l5 5 l-5 5 l-5 -5 z\"/>");
            default -> {
                String cls = switch (e.kind()) {
                    case REQUEST -> "m-req";
                    case REQUEST_BODY -> "m-reqbody";
                    case RESPONSE -> status(e.text()) >= 500 ? "m-resp5" : "m-resp";
                    case RESPONSE_BODY -> "m-respbody";
                    case WEBSOCKET -> "m-ws";
                    default -> "m-other";
                };
                String d = toServer ? " l-6 -5 l0 10 z" : " l6 -5 l0 10 z";
                h.raw("<path class=\"").raw(cls).raw("\" d=\"M").raw(HtmlCauseChart.f1(toServer ? x + 3 : x - 3)).raw(" ")
                        .num(y).raw(d).raw("\"/>");
            }
        }
    }

    /** The status code in a status line ("HTTP/1.1 502 Bad Gateway"), or -1. */
    static int status(String statusLine) {
        int sp = statusLine.indexOf(' ');
        if (sp < 0 || sp + 4 > statusLine.length()) return -1;
        int s = 0;
        for (int i = sp + 1; i < sp + 4; i++) {
            char c = statusLine.charAt(i);
            if (c < '0' || c > '9') return -1;
            s = s * 10 + (c - '0');
        }
        return s;
    }

    /** Rows of labels: each label takes the first row whose last label ends before it starts. */
    private static final class Labels {
        private final double[] end;

        Labels(int rows) {
            end = new double[rows];
            Arrays.fill(end, -1e9);
        }

        /** The row for a label at {@code x}, or -1 when none has room; see {@link #x}. */
        int place(double x, double width) {
            // Near the right edge the label ends at the mark instead of starting there.
            placedX = Math.min(x, W - 4 - width);
            for (int r = 0; r < end.length; r++) {
                if (end[r] <= placedX) {
                    end[r] = placedX + width + 6;
                    return r;
                }
            }
            return -1;
        }

        /** Where the last placed label starts. */
        double x() {
            return placedX;
        }

        /** Rows that hold a label. */
        int used() {
            int n = 0;
            for (int r = 0; r < end.length; r++) if (end[r] > -1e9) n = r + 1;
            return n;
        }

        private double placedX;
    }

    /** Times to x: the gaps between consecutive distinct times, each shortened on a log scale. */
    private static final class Scale {
        private final long[] times;
        private final double[] xs;

        Scale(TreeSet<Long> set) {
            times = new long[set.size()];
            xs = new double[set.size()];
            int i = 0;
            double u = 0;
            Long prev = null;
            double[] units = new double[set.size()];
            for (long t : set) {
                if (prev != null) u += 1 + Math.log10(1 + (t - prev) / 10_000.0);
                times[i] = t;
                units[i++] = u;
                prev = t;
            }
            double total = Math.max(u, 1);
            for (int k = 0; k < units.length; k++) {
                xs[k] = units.length == 1 ? (PLOT_LEFT + PLOT_RIGHT) / 2.0
                        : PLOT_LEFT + units[k] / total * (PLOT_RIGHT - PLOT_LEFT);
            }
        }

        double x(long t) {
            int i = Arrays.binarySearch(times, t);
            if (i >= 0) return xs[i];
            // Not one of the times the scale was built from: between its neighbours, in proportion.
            int at = -i - 1;
            if (at == 0) return times.length == 0 ? PLOT_LEFT : xs[0];
            if (at == times.length) return xs[times.length - 1];
            double f = (double) (t - times[at - 1]) / (times[at] - times[at - 1]);
            return xs[at - 1] + f * (xs[at] - xs[at - 1]);
        }
    }
}
