package io.gatelens.report;

import io.gatelens.anomaly.Severity;
import io.gatelens.finding.Finding;
import io.gatelens.proxy.Role;
import io.gatelens.tcp.Direction;
import io.gatelens.timeline.EventKind;
import io.gatelens.timeline.Lane;
import io.gatelens.timeline.Timeline;
import io.gatelens.timeline.TimelineEvent;
import io.gatelens.timeline.Timelines;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code gatelens timeline} for people: one line per event on one time axis, the client-to-proxy
 * connection in a left column and the upstream connections behind it in a right one, and each
 * finding written under the event whose frames it cites.
 *
 * <p>Every line fits in {@link Style#width()} display columns, counted as code points (captured
 * text reaches the terminal through {@link Escape#text}, so it is ASCII; the only other
 * characters are this class's own arrows and marks, one column each). Long texts wrap onto
 * continuation lines indented under their text column; a word longer than the column is cut
 * between code points. When the width is too small for the full layout, the absolute time
 * goes first, then the two columns (the upstream lane is indented instead), then the times move
 * to a line of their own.
 */
public final class TimelineText {
    /** A pause between two consecutive lines at least this long gets a line of its own saying so. */
    public static final long GAP_NANOS = 1_000_000_000L;
    /** Narrower widths are treated as this one: below it no layout is readable. */
    public static final int MIN_WIDTH = 20;
    /** The width when nothing says otherwise (not a terminal, or a terminal that does not tell). */
    public static final int DEFAULT_WIDTH = 100;

    /**
     * How to draw: the width in columns, ANSI colours or not, and whether the terminal takes
     * Unicode arrows (→ ← ▲ … │ ↔) or needs their ASCII forms (-> <- ^ ... | <->).
     */
    public record Style(int width, boolean color, boolean unicode) {
        public Style {
            width = Math.max(MIN_WIDTH, width);
        }

        /** Plain text for a file or a pipe: default width, no colour, ASCII. */
        public static final Style PLAIN = new Style(DEFAULT_WIDTH, false, false);
    }

    private TimelineText() {}

    public static void write(PrintWriter out, String file, Timeline timeline, Style style) {
        new Renderer(out, file, timeline, style).render();
        out.flush();
    }

    /** The text an event shows after its arrow: the builder's words, or the kind when it has none. */
    static String label(TimelineEvent e) {
        String text = e.text() == null ? "" : e.text();
        String kind = switch (e.kind()) {
            case SYN -> "SYN";
            case SYN_ACK -> "SYN-ACK";
            case REQUEST -> "request";
            case REQUEST_BODY -> "request body";
            case RESPONSE -> "response";
            case RESPONSE_BODY -> "response body";
            case WEBSOCKET -> "WebSocket";
            case FIN -> "FIN";
            case RST -> "RST";
            case RETRANSMISSION -> "retransmission";
            case ZERO_WINDOW -> "zero window";
            case GAP -> "gap";
            case SILENCE -> "silence";
            case OTHER -> "";
        };
        if (text.isEmpty()) return kind;
        // The builder's text says what happened ("SYN: connect to ...", "RST from the server",
        // a request or status line); a body summary ("body 157 bytes") is told whose body it is.
        if ((e.kind() == EventKind.REQUEST_BODY || e.kind() == EventKind.RESPONSE_BODY) && text.startsWith("body")) {
            return kind + text.substring(4);
        }
        return text;
    }

    /**
     * Lines of at most {@code width} code points, broken at a space where one is near enough
     * (the space is dropped), else between two code points. No piece ends in a blank.
     */
    static List<String> wrap(String s, int width) {
        width = Math.max(1, width);
        List<String> out = new ArrayList<>();
        int i = 0, n = s.length();
        while (i < n) {
            String piece;
            if (s.codePointCount(i, n) <= width) {
                piece = s.substring(i);
                i = n;
            } else {
                int limit = s.offsetByCodePoints(i, width);
                int space = s.lastIndexOf(' ', limit);
                if (space > i) {
                    piece = s.substring(i, space);
                    i = space + 1;
                } else {
                    piece = s.substring(i, limit);
                    i = limit;
                }
            }
            piece = piece.stripTrailing();
            // A run of blanks where a line breaks is the break itself, not a blank line.
            if (!piece.isEmpty()) out.add(piece);
        }
        if (out.isEmpty()) out.add("");
        return out;
    }

    /** Display width: one column per code point (see the class comment). */
    static int width(String s) {
        return s.codePointCount(0, s.length());
    }

    /** A full stop and a blank, except in "e.g. " and "i.e. ": the explanations start sentences with "nginx". */
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])(?<!\\be\\.g\\.)(?<!\\bi\\.e\\.)\\s+");

    /** The explanation's first sentence: what a marker line has room for. */
    static String firstSentence(String text) {
        if (text == null) return "";
        String[] parts = SENTENCE_END.split(text, 2);
        return parts[0];
    }

    private record Glyphs(String right, String left, String marker, String ellipsis, String bar, String both,
                          String rule) {
        static final Glyphs UNICODE = new Glyphs("→", "←", "▲", "…", "│", "↔", "──");
        static final Glyphs ASCII = new Glyphs("->", "<-", "^", "...", "|", "<->", "--");
    }

    private enum Mode {
        /** Client lanes left, upstream lanes right, side by side. */
        COLUMNS,
        /** One text column; upstream lanes indented when both legs are there. */
        SINGLE,
        /** Times and frames on a line of their own, the text below: for very narrow widths. */
        STACKED
    }

    // SGR codes (ECMA-48): a colour, then reset after each piece, so a wrapped line never
    // carries a colour into the next.
    private static final String RED = "31", YELLOW = "33", CYAN = "36", MAGENTA = "35", DIM = "2", BOLD_RED = "1;31",
            BOLD_YELLOW = "1;33", BOLD = "1";

    private static final class Renderer {
        private static final int MIN_COLUMN = 24;
        private static final int MIN_TEXT = 24;
        private static final int INDENT = 4;
        private static final int ABS_WIDTH = 15; // HH:MM:SS.uuuuuu

        private final PrintWriter out;
        private final String file;
        private final Timeline t;
        private final Style style;
        private final Glyphs g;
        private final int w;
        private final TimelineRows rows;
        private final long start;
        /** Per lane: shown in the right column (an upstream lane when both legs are there). */
        private final boolean[] right;
        private final boolean twoGroups;
        private final int leftLanes, rightLanes;

        private Mode mode;
        private boolean abs;
        private int relW, frameW, prefixW, leftW;
        private final List<Integer> headerShown = new ArrayList<>();

        Renderer(PrintWriter out, String file, Timeline t, Style style) {
            this.out = out;
            this.file = file;
            this.t = t;
            this.style = style;
            this.g = style.unicode() ? Glyphs.UNICODE : Glyphs.ASCII;
            this.w = style.width();
            this.rows = new TimelineRows(t);
            this.start = t.startNanos();
            int n = t.lanes().size();
            right = new boolean[n];
            int l = 0, r = 0;
            for (int i = 0; i < n; i++) {
                right[i] = t.lanes().get(i).role() != Role.PROXY;
                if (right[i]) r++;
                else l++;
            }
            leftLanes = l;
            rightLanes = r;
            twoGroups = l > 0 && r > 0;
            if (!twoGroups) java.util.Arrays.fill(right, false);
            layout();
        }

        private void layout() {
            relW = 1;
            frameW = 1;
            for (TimelineRows.Row row : rows.rows) {
                relW = Math.max(relW, relative(row.event().nanos()).length());
                frameW = Math.max(frameW, frames(row.event()).length());
            }
            for (boolean a : new boolean[] {true, false}) {
                if (twoGroups && w - prefixWidth(a) >= 2 * MIN_COLUMN + 3) {
                    set(Mode.COLUMNS, a);
                    leftW = (w - prefixW - 3) / 2;
                    return;
                }
            }
            for (boolean a : new boolean[] {true, false}) {
                if (w - prefixWidth(a) >= MIN_TEXT + (twoGroups ? INDENT : 0)) {
                    set(Mode.SINGLE, a);
                    return;
                }
            }
            set(Mode.STACKED, relW + 2 + ABS_WIDTH + 2 + frameW <= w);
            prefixW = 0;
        }

        private void set(Mode m, boolean withAbs) {
            mode = m;
            abs = withAbs;
            prefixW = prefixWidth(withAbs);
        }

        private int prefixWidth(boolean withAbs) {
            return relW + 2 + (withAbs ? ABS_WIDTH + 2 : 0) + frameW + 2;
        }

        void render() {
            header();
            List<TimelineRows.Row> list = rows.rows;
            if (list.isEmpty()) para(2, 2, "(no events)", null);
            else if (mode == Mode.COLUMNS) columnTitles();
            markersAfter(-1);
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) between(list.get(i - 1).event(), list.get(i).event());
                event(list.get(i));
                markersAfter(i);
            }
            findings();
        }

        // ---- header

        private void header() {
            para(0, 2, "gatelens timeline " + Escape.text(file), null);
            for (Lane lane : t.lanes()) {
                StringBuilder b = new StringBuilder("#").append(lane.connection()).append("  ")
                        .append(lane.client()).append(' ').append(g.right).append(' ').append(lane.server())
                        .append("  ").append(role(lane)).append(", ").append(lane.events().size())
                        .append(lane.events().size() == 1 ? " event" : " events");
                if (lane.truncated() > 0) {
                    b.append(", ").append(lane.truncated()).append(" more left out (at most ")
                            .append(Timelines.MAX_EVENTS_PER_LANE).append(" per connection)");
                }
                para(2, 6, b.toString(), laneColour(lane));
            }
            if (!rows.rows.isEmpty()) {
                String iso = Times.iso(start);
                para(2, 4, "Times in UTC; +0 s is " + iso.substring(0, 10) + " " + iso.substring(11, 26)
                        + (mode == Mode.COLUMNS || mode == Mode.SINGLE ? ""
                        : "; each event's times and frame are on the line above it")
                        + (abs ? "" : "; absolute times left out for width"), null);
            }
            if (t.note() != null) para(2, 4, "Note: " + Escape.text(t.note()), YELLOW);
            out.println();
        }

        private String role(Lane lane) {
            if (lane.role() == null) return "client " + g.both + " server";
            return switch (lane.role()) {
                case PROXY -> "client " + g.both + " proxy";
                case UPSTREAM -> "proxy " + g.both + " upstream";
            };
        }

        private void columnTitles() {
            StringBuilder leftTitle = new StringBuilder(), rightTitle = new StringBuilder();
            for (int i = 0; i < t.lanes().size(); i++) {
                Lane lane = t.lanes().get(i);
                StringBuilder b = right[i] ? rightTitle : leftTitle;
                if (b.length() == 0) b.append(role(lane)).append(' ');
                else b.append(", ");
                b.append('#').append(lane.connection());
            }
            String l = cut(leftTitle.toString(), leftW), r = cut(rightTitle.toString(), w - prefixW - leftW - 3);
            Line line = new Line();
            line.pad(prefixW);
            line.add(l, CYAN).pad(prefixW + leftW).add(" " + g.bar + " ", DIM).add(r, MAGENTA);
            line.print();
        }

        private static String cut(String s, int width) {
            return width(s) <= width ? s : s.substring(0, s.offsetByCodePoints(0, Math.max(0, width)));
        }

        // ---- events

        private void between(TimelineEvent prev, TimelineEvent next) {
            String prevDay = Times.iso(prev.nanos()).substring(0, 10);
            String nextDay = Times.iso(next.nanos()).substring(0, 10);
            long pause = next.nanos() - prev.nanos();
            // A silence the builder already names needs no second line saying the same.
            if (pause >= GAP_NANOS && prev.kind() != EventKind.SILENCE && next.kind() != EventKind.SILENCE) {
                para(2, 4, g.ellipsis + " " + Times.secondsText(pause) + " s later " + g.ellipsis, DIM);
            }
            if (!prevDay.equals(nextDay)) para(2, 4, g.rule + " " + nextDay + " (UTC) " + g.rule, DIM);
        }

        private void event(TimelineRows.Row row) {
            TimelineEvent e = row.event();
            Lane lane = t.lanes().get(row.lane());
            boolean tag = mode == Mode.COLUMNS ? (right[row.lane()] ? rightLanes : leftLanes) > 1 : t.lanes().size() > 1;
            String head = (tag ? "#" + e.connection() + " " : "")
                    + (e.direction() == Direction.CLIENT_TO_SERVER ? g.right : g.left) + " ";
            String body = Escape.text(label(e));
            String headColour = laneColour(lane), bodyColour = kindColour(e);
            String prefix = relative(e.nanos()) + "  " + (abs ? absolute(e.nanos()) + "  " : "");
            String frames = frames(e);

            if (mode == Mode.STACKED) {
                para(0, 2, prefix + frames, DIM);
                int indent = 2 + (right[row.lane()] ? 2 : 0);
                cell(indent, w - indent, head, body, headColour, bodyColour);
                return;
            }
            int col, colW;
            if (mode == Mode.COLUMNS) {
                col = right[row.lane()] ? prefixW + leftW + 3 : prefixW;
                colW = right[row.lane()] ? w - col : leftW;
            } else {
                col = prefixW + (right[row.lane()] ? INDENT : 0);
                colW = w - col;
            }
            List<String> pieces = wrap(body, colW - width(head));
            for (int k = 0; k < pieces.size(); k++) {
                Line line = new Line();
                if (k == 0) {
                    line.add(pad(relative(e.nanos()), relW), DIM).add("  ");
                    if (abs) line.add(absolute(e.nanos()), DIM).add("  ");
                    line.add(pad(frames, frameW), DIM);
                }
                if (mode == Mode.COLUMNS && right[row.lane()]) line.pad(prefixW + leftW).add(" " + g.bar + " ", DIM);
                line.pad(col);
                if (k == 0) line.add(head, headColour);
                else line.pad(col + width(head));
                line.add(pieces.get(k), bodyColour);
                if (mode == Mode.COLUMNS && !right[row.lane()]) line.pad(prefixW + leftW).add(" " + g.bar, DIM);
                line.print();
            }
        }

        /** A head and a body wrapped under it, at {@code indent}, in {@code width} columns. */
        private void cell(int indent, int width, String head, String body, String headColour, String bodyColour) {
            List<String> pieces = wrap(body, width - width(head));
            for (int k = 0; k < pieces.size(); k++) {
                Line line = new Line().pad(indent);
                if (k == 0) line.add(head, headColour);
                else line.pad(indent + width(head));
                line.add(pieces.get(k), bodyColour).print();
            }
        }

        private void markersAfter(int i) {
            int indent = mode == Mode.STACKED ? 2 : prefixW;
            for (TimelineRows.Marker m : rows.markers) {
                if (m.after() != i) continue;
                Finding f = m.finding().finding();
                int n = m.finding().number();
                String colour = severityColour(f.severity(), true);
                String where = "frame " + m.frame() + ": " + Escape.text(m.what());
                if (!headerShown.contains(n)) {
                    headerShown.add(n);
                    para(indent, indent + 2, g.marker + " finding " + n + " " + f.cause().id() + " ("
                            + f.severity().id() + "): " + Escape.text(firstSentence(f.explanation())), colour);
                    para(indent + 2, indent + 4, where, severityColour(f.severity(), false));
                } else {
                    para(indent, indent + 2, g.marker + " finding " + n + ", " + where, colour);
                }
            }
        }

        // ---- findings at the end

        private void findings() {
            if (t.findings().isEmpty()) return;
            out.println();
            para(0, 2, t.findings().size() == 1 ? "Finding" : "Findings", null);
            for (Timeline.Numbered n : t.findings()) {
                Finding f = n.finding();
                para(2, 4, "finding " + n.number() + "  " + f.cause().id() + " (" + f.severity().id() + ")",
                        severityColour(f.severity(), true));
                StringBuilder b = new StringBuilder();
                b.append(f.request() == null ? "(no request)" : Escape.text(f.request()));
                if (f.upstream() != null) b.append(", upstream ").append(Escape.text(f.upstream()));
                b.append(", connection ").append(f.connection()).append(", frames ");
                long[] frames = f.frames();
                for (int i = 0; i < frames.length; i++) b.append(i == 0 ? "" : ", ").append(frames[i]);
                String client = AnalyzeReport.clientText(f.client());
                if (client != null) b.append("; ").append(client);
                para(4, 6, b.toString(), null);
                para(4, 4, Escape.text(f.explanation()), null);
                para(4, 10, "Hint: " + Escape.text(f.hint()), null);
            }
        }

        // ---- pieces

        /** Text from column {@code first}, wrapped with continuation lines from column {@code next}. */
        private void para(int first, int next, String text, String colour) {
            // Keep a column or more for the text however deep the indent.
            first = Math.min(first, w - 1);
            next = Math.min(next, w - 1);
            List<String> pieces = wrap(text, w - first);
            if (pieces.size() > 1 && next != first) {
                String rest = text.substring(text.indexOf(pieces.get(0)) + pieces.get(0).length()).stripLeading();
                List<String> more = wrap(rest, w - next);
                new Line().pad(first).add(pieces.get(0), colour).print();
                for (String p : more) new Line().pad(next).add(p, colour).print();
                return;
            }
            for (int k = 0; k < pieces.size(); k++) new Line().pad(k == 0 ? first : next).add(pieces.get(k), colour).print();
        }

        private String relative(long nanos) {
            long d = nanos - start;
            return (d < 0 ? "-" : "+") + Times.secondsText(Math.abs(d));
        }

        private static String absolute(long nanos) {
            return Times.iso(nanos).substring(11, 11 + ABS_WIDTH);
        }

        private static String frames(TimelineEvent e) {
            return e.lastFrame() > e.frame() ? e.frame() + "-" + e.lastFrame() : String.valueOf(e.frame());
        }

        private static String pad(String s, int width) {
            return " ".repeat(Math.max(0, width - width(s))) + s;
        }

        private String laneColour(Lane lane) {
            return lane.role() == Role.PROXY ? CYAN : MAGENTA;
        }

        private static String kindColour(TimelineEvent e) {
            return switch (e.kind()) {
                case RST -> RED;
                case GAP, RETRANSMISSION, ZERO_WINDOW, SILENCE -> YELLOW;
                case RESPONSE -> {
                    int status = status(e.text());
                    yield status >= 500 ? RED : status >= 400 ? YELLOW : null;
                }
                default -> null;
            };
        }

        /** The status code of a status line ("HTTP/1.1 502 Bad Gateway"), or -1. */
        static int status(String line) {
            if (line == null) return -1;
            int sp = line.indexOf(' ');
            if (sp < 0 || line.length() < sp + 4) return -1;
            int code = 0;
            for (int i = sp + 1; i < sp + 4; i++) {
                char c = line.charAt(i);
                if (c < '0' || c > '9') return -1;
                code = code * 10 + (c - '0');
            }
            return line.length() == sp + 4 || line.charAt(sp + 4) == ' ' ? code : -1;
        }

        private static String severityColour(Severity s, boolean bold) {
            return switch (s) {
                case ERROR -> bold ? BOLD_RED : RED;
                case WARNING -> bold ? BOLD_YELLOW : YELLOW;
                case INFO -> bold ? BOLD : null;
            };
        }

        /** One output line: visible width tracked apart from the colour codes. */
        private final class Line {
            private final StringBuilder b = new StringBuilder(w + 16);
            private int at;

            Line add(String s) {
                return add(s, null);
            }

            Line add(String s, String colour) {
                if (s.isEmpty()) return this;
                if (colour != null && style.color()) b.append("\u001b[").append(colour).append('m').append(s).append("\u001b[0m");
                else b.append(s);
                at += width(s);
                return this;
            }

            /** Spaces up to column {@code column}. */
            Line pad(int column) {
                if (column > at) {
                    b.append(" ".repeat(column - at));
                    at = column;
                }
                return this;
            }

            void print() {
                int end = b.length();
                while (end > 0 && b.charAt(end - 1) == ' ') end--;
                b.setLength(end);
                out.println(b);
            }
        }
    }
}
