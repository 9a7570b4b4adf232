package io.gatelens.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatelens.anomaly.Severity;
import io.gatelens.detect.Cause;
import io.gatelens.finding.ClientResponse;
import io.gatelens.finding.Evidence;
import io.gatelens.finding.Finding;
import io.gatelens.flow.Endpoint;
import io.gatelens.proxy.Role;
import io.gatelens.tcp.Direction;
import io.gatelens.timeline.EventKind;
import io.gatelens.timeline.Lane;
import io.gatelens.timeline.Timeline;
import io.gatelens.timeline.TimelineEvent;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.gatelens.tcp.Direction.CLIENT_TO_SERVER;
import static io.gatelens.tcp.Direction.SERVER_TO_CLIENT;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The terminal timeline on timelines built by hand, shaped like the reset-after-request fixture:
 * a client asks nginx, nginx asks the upstream, the upstream resets 30 s later, nginx answers 502.
 * The end-to-end tests on the real captures are in cli.TimelineCliTest.
 */
class TimelineTextTest {
    /** 2024-05-01T09:16:59.000000Z: a fixed wall clock, so absolute times are known. */
    private static final long T0 = 1_714_555_019_000_000_000L;
    private static final long MS = 1_000_000L, S = 1_000_000_000L;
    private static final Pattern EVENT_LINE = Pattern.compile(
            "^\\s*([+-]\\d+\\.\\d{6})\\s+(\\d\\d:\\d\\d:\\d\\d\\.\\d{6})\\s+(\\d+)(?:-(\\d+))?\\s");
    private static final Pattern SGR = Pattern.compile("\u001b\\[[0-9;]*m");

    private static Endpoint ep(int last, int port) {
        return new Endpoint(new byte[] {127, 0, 0, (byte) last}, 4, port);
    }

    private static TimelineEvent ev(long conn, long frame, long nanos, Direction d, EventKind k, String text) {
        return new TimelineEvent(conn, frame, frame, T0 + nanos, d, k, text);
    }

    private static TimelineEvent ev(long conn, long frame, long last, long nanos, Direction d, EventKind k, String text) {
        return new TimelineEvent(conn, frame, last, T0 + nanos, d, k, text);
    }

    private static Lane clientLane(String request, TimelineEvent... more) {
        List<TimelineEvent> events = new ArrayList<>(List.of(
                ev(0, 1, 0, CLIENT_TO_SERVER, EventKind.SYN, ""),
                ev(0, 2, 13_000, SERVER_TO_CLIENT, EventKind.SYN_ACK, ""),
                ev(0, 4, 3 * MS, CLIENT_TO_SERVER, EventKind.REQUEST, request),
                ev(0, 12, 30 * S + 33 * MS, SERVER_TO_CLIENT, EventKind.RESPONSE, "HTTP/1.1 502 Bad Gateway"),
                ev(0, 14, 30 * S + 38 * MS, CLIENT_TO_SERVER, EventKind.FIN, ""),
                ev(0, 15, 30 * S + 38 * MS + 100_000, SERVER_TO_CLIENT, EventKind.FIN, "")));
        events.addAll(List.of(more));
        return new Lane(0, ep(1, 36686), ep(1, 21030), Role.PROXY, events, 0);
    }

    private static Lane upstreamLane(TimelineEvent... more) {
        List<TimelineEvent> events = new ArrayList<>(List.of(
                ev(1, 6, 3 * MS + 650_000, CLIENT_TO_SERVER, EventKind.SYN, ""),
                ev(1, 7, 3 * MS + 660_000, SERVER_TO_CLIENT, EventKind.SYN_ACK, ""),
                ev(1, 9, 3 * MS + 775_000, CLIENT_TO_SERVER, EventKind.REQUEST, "GET / HTTP/1.1"),
                ev(1, 11, 30 * S + 32 * MS, SERVER_TO_CLIENT, EventKind.RST, "")));
        events.addAll(List.of(more));
        return new Lane(1, ep(1, 38490), ep(1, 21031), Role.UPSTREAM, events, 0);
    }

    private static Finding reset(String explanation, long... frames) {
        List<Evidence> evidence = new ArrayList<>();
        for (long f : frames) {
            evidence.add(new Evidence(f, T0 + f * MS, f == 11 ? "upstream RST" : f == 9 ? "request sent" : "frame " + f));
        }
        return new Finding(Cause.RESET_BEFORE_RESPONSE, Severity.ERROR, explanation,
                "Find why the upstream resets: its logs at that time, a crash, a limit on connections.",
                "GET /", "127.0.0.1:21031", 1, evidence, T0 + 30 * S + 32 * MS,
                new ClientResponse(502, 0, 12, T0 + 30 * S + 33 * MS));
    }

    private static final String EXPLANATION = "The upstream reset the connection after the request, before any "
            + "response byte. nginx then answers the client 502 Bad Gateway (\"upstream prematurely closed\").";

    private static Timeline twoLanes() {
        return new Timeline(List.of(clientLane("GET / HTTP/1.1"), upstreamLane()),
                List.of(new Timeline.Numbered(1, reset(EXPLANATION, 9, 11))), null);
    }

    private static String render(Timeline t, TimelineText.Style style) {
        StringWriter s = new StringWriter();
        TimelineText.write(new PrintWriter(s), "capture.pcap", t, style);
        return s.toString();
    }

    private static String plain(Timeline t) {
        return render(t, new TimelineText.Style(120, false, false));
    }

    private static List<String> lines(String text) {
        return List.of(text.split("\n", -1)).subList(0, text.split("\n", -1).length - 1);
    }

    /** The frame each event line starts with, in output order. */
    private static List<Long> frames(String text) {
        List<Long> out = new ArrayList<>();
        for (String line : lines(text)) {
            Matcher m = EVENT_LINE.matcher(line);
            if (m.find()) out.add(Long.parseLong(m.group(3)));
        }
        return out;
    }

    private static int lineOfFrame(List<String> lines, long frame) {
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = EVENT_LINE.matcher(lines.get(i));
            if (m.find() && Long.parseLong(m.group(3)) == frame) return i;
        }
        return fail("no event line for frame " + frame);
    }

    /** The marker lines under event line {@code at}, up to the next event or pause line, blanks collapsed. */
    private static String marks(List<String> lines, int at) {
        StringBuilder b = new StringBuilder();
        for (int i = at + 1; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.isBlank() || EVENT_LINE.matcher(l).find() || l.contains(" s later ")) break;
            b.append(b.length() == 0 ? "" : " ").append(l.trim());
        }
        return b.toString();
    }

    @Test
    void bothLanesInterleaveOnOneTimeAxisClientLeftUpstreamRight() {
        String text = plain(twoLanes());
        assertEquals(List.of(1L, 2L, 4L, 6L, 7L, 9L, 11L, 12L, 14L, 15L), frames(text), text);
        List<String> lines = lines(text);
        // The lanes' headers: id, endpoints, which leg.
        assertTrue(text.contains("#0  127.0.0.1:36686 -> 127.0.0.1:21030  client <-> proxy, 6 events"), text);
        assertTrue(text.contains("#1  127.0.0.1:38490 -> 127.0.0.1:21031  proxy <-> upstream, 4 events"), text);
        // The column titles name both legs, the bar between them.
        String titles = lines.stream().filter(l -> l.contains("client <-> proxy #0")).findFirst().orElseThrow();
        int bar = titles.indexOf('|');
        assertTrue(bar > 0 && titles.indexOf("proxy <-> upstream #1") > bar, titles);
        for (long f : List.of(1L, 2L, 4L, 12L, 14L, 15L)) {
            String line = lines.get(lineOfFrame(lines, f));
            int arrow = Math.max(line.indexOf("->"), line.indexOf("<-"));
            assertTrue(arrow > 0 && arrow < bar && line.indexOf('|') == bar, "client lane left of the bar: " + line);
        }
        for (long f : List.of(6L, 7L, 9L, 11L)) {
            String line = lines.get(lineOfFrame(lines, f));
            assertEquals(bar, line.indexOf('|'), line);
            int arrow = Math.max(line.indexOf("->"), line.indexOf("<-"));
            assertTrue(arrow > bar, "upstream lane right of the bar: " + line);
        }
        String rst = lines.get(lineOfFrame(lines, 11));
        assertTrue(rst.matches("\\s*\\+30\\.032000\\s+09:17:29\\.032000\\s+11\\s+\\|\\s+<- RST"), rst);
        String response = lines.get(lineOfFrame(lines, 12));
        assertTrue(response.contains("<- HTTP/1.1 502 Bad Gateway"), response);
        assertTrue(lines.get(lineOfFrame(lines, 1)).contains("-> SYN"));
        assertTrue(lines.get(lineOfFrame(lines, 2)).contains("<- SYN-ACK"));
    }

    @Test
    void eventsOfTheSameTimeKeepTheCapturesOrderAndOutOfOrderLanesAreSorted() {
        // Two interfaces merged: the upstream lane's frames carry earlier times than their numbers say.
        Lane a = new Lane(0, ep(1, 1000), ep(1, 80), Role.PROXY, List.of(
                ev(0, 1, 10 * MS, CLIENT_TO_SERVER, EventKind.SYN, ""),
                ev(0, 3, 20 * MS, CLIENT_TO_SERVER, EventKind.REQUEST, "GET / HTTP/1.1")), 0);
        Lane b = new Lane(1, ep(2, 2000), ep(3, 8080), Role.UPSTREAM, List.of(
                ev(1, 2, 20 * MS, CLIENT_TO_SERVER, EventKind.SYN, ""),
                ev(1, 4, 5 * MS, CLIENT_TO_SERVER, EventKind.REQUEST, "GET / HTTP/1.1")), 0);
        String text = plain(new Timeline(List.of(a, b), List.of(), null));
        assertEquals(List.of(4L, 1L, 2L, 3L), frames(text), text);
        List<String> lines = lines(text);
        assertTrue(lines.get(lineOfFrame(lines, 4)).trim().startsWith("-0.005000"),
                "relative to the lanes' first events, so an earlier one is negative: " + text);
    }

    @Test
    void findingsAreMarkedUnderTheEventsTheyCiteAndListedAtTheEnd() {
        String text = plain(twoLanes());
        List<String> lines = lines(text);
        int request = lineOfFrame(lines, 9);
        // The finding's header once, with the explanation's first sentence, under its first frame.
        assertEquals("^ finding 1 reset_before_response (error): The upstream reset the connection after the request, "
                + "before any response byte. frame 9: request sent", marks(lines, request), text);
        int rst = lineOfFrame(lines, 11);
        assertEquals("^ finding 1, frame 11: upstream RST", marks(lines, rst), text);
        int response = lineOfFrame(lines, 12);
        assertEquals("^ finding 1, frame 12: client got 502", marks(lines, response), text);
        assertEquals("", marks(lines, lineOfFrame(lines, 4)), text);
        assertEquals(3, lines.stream().filter(l -> l.trim().startsWith("^ finding 1")).count(), text);
        // The whole finding, once, at the end: explanation and hint in full.
        int end = lines.indexOf("Finding");
        assertTrue(end > response, text);
        String tail = String.join(" ", lines.subList(end, lines.size())).replaceAll("\\s+", " ");
        assertTrue(tail.contains("finding 1 reset_before_response (error)"), tail);
        assertTrue(tail.contains("GET /, upstream 127.0.0.1:21031, connection 1, frames 9, 11; client got 502 "
                + "(connection 0, frame 12)"), tail);
        assertTrue(tail.contains(EXPLANATION), tail);
        assertTrue(tail.contains("Hint: Find why the upstream resets"), tail);
    }

    @Test
    void aCitedFrameThatIsNoEventGoesAfterTheEventBeforeItAndSummariesKeepToTheirConnection() {
        // Frame 10 is a bare ACK (no event); frame 20 lies inside the client lane's body summary
        // (frames 16-30) and is the upstream lane's FIN: it belongs under the upstream event.
        Lane client = clientLane("GET / HTTP/1.1",
                ev(0, 16, 30, 30 * S + 40 * MS, SERVER_TO_CLIENT, EventKind.RESPONSE_BODY, "body 10000 bytes"));
        Lane upstream = upstreamLane(ev(1, 20, 30 * S + 41 * MS, CLIENT_TO_SERVER, EventKind.FIN, ""));
        Finding f = reset(EXPLANATION, 10, 20);
        String text = plain(new Timeline(List.of(client, upstream), List.of(new Timeline.Numbered(1, f)), null));
        List<String> lines = lines(text);
        String request = marks(lines, lineOfFrame(lines, 9));
        assertTrue(request.startsWith("^ finding 1 reset_before_response") && request.endsWith("frame 10: frame 10"), text);
        int fin = lineOfFrame(lines, 20);
        assertEquals("^ finding 1, frame 20: frame 20", marks(lines, fin), text);
        int body = lineOfFrame(lines, 16);
        assertTrue(lines.get(body).contains("response body 10000 bytes"), text);
        assertTrue(lines.get(body).matches(".*\\s16-30\\s.*"), "a summary shows its frame range: " + lines.get(body));
        assertEquals("", marks(lines, body), text);
    }

    @Test
    void aLongSilenceGetsALineOfItsOwnAShortOneDoesNot() {
        String text = plain(twoLanes());
        List<String> lines = lines(text);
        int request = lineOfFrame(lines, 9), rst = lineOfFrame(lines, 11);
        List<String> between = lines.subList(request + 1, rst);
        assertTrue(between.stream().anyMatch(l -> l.trim().equals("... 30.028225 s later ...")), text);
        assertEquals(1, lines.stream().filter(l -> l.contains(" s later ")).count(), "only the one long pause: " + text);

        // A pause the builder already calls a silence is not announced twice.
        Lane quiet = new Lane(5, ep(1, 5000), ep(1, 80), Role.PROXY, List.of(
                ev(5, 1, 0, CLIENT_TO_SERVER, EventKind.REQUEST, "GET / HTTP/1.1"),
                ev(5, 1, 0, CLIENT_TO_SERVER, EventKind.SILENCE, "silence: no frame for 5.000 s"),
                ev(5, 2, 5 * S, SERVER_TO_CLIENT, EventKind.RESPONSE, "HTTP/1.1 200 OK")), 0);
        String q = plain(new Timeline(List.of(quiet), List.of(), null));
        assertFalse(q.contains(" s later "), q);
        assertTrue(q.contains("silence: no frame for 5.000 s"), q);
    }

    @Test
    void noLineIsWiderThanTheWidthAndNothingIsLostToWrapping() {
        String target = "/" + "very-long-path-segment/".repeat(12) + "?q=" + "x".repeat(150);
        String requestLine = "GET " + target + " HTTP/1.1";
        String longExplanation = EXPLANATION + " " + "More words to wrap. ".repeat(20);
        Timeline t = new Timeline(List.of(clientLane(requestLine), upstreamLane()),
                List.of(new Timeline.Numbered(1, reset(longExplanation, 9, 11))),
                "several exchanges matched \"GET /\"; the first is shown, " + "and this note is long. ".repeat(5));
        for (int width = 20; width <= 200; width++) {
            for (boolean color : new boolean[] {false, true}) {
                for (boolean unicode : new boolean[] {false, true}) {
                    String text = render(t, new TimelineText.Style(width, color, unicode));
                    for (String line : lines(text)) {
                        String visible = SGR.matcher(line).replaceAll("");
                        assertTrue(visible.codePointCount(0, visible.length()) <= width,
                                "width " + width + " color " + color + " unicode " + unicode + ": [" + visible + "]");
                        assertEquals(visible.stripTrailing(), visible, "no trailing blanks: [" + visible + "]");
                    }
                    String flat = SGR.matcher(text).replaceAll("").replaceAll("[\\s|│]", "");
                    assertTrue(flat.contains(requestLine.replace(" ", "")), "width " + width + ": the request line whole");
                    assertTrue(flat.contains(longExplanation.replace(" ", "")), "width " + width + ": the explanation whole");
                    String bare = SGR.matcher(text).replaceAll("");
                    for (long f : List.of(1L, 2L, 4L, 6L, 7L, 9L, 11L, 12L, 14L, 15L)) {
                        assertTrue(Pattern.compile("(?m)^\\s*[+-]\\d+\\.\\d{6}\\s.*\\s" + f + "(\\s|$)").matcher(bare).find(),
                                "width " + width + ": frame " + f + "\n" + bare);
                    }
                }
            }
        }
    }

    @Test
    void narrowWidthsGiveUpTheAbsoluteTimeThenTheColumnsNeverTheOrder() {
        Timeline t = twoLanes();
        String wide = plain(t);
        assertTrue(wide.contains("09:16:59.003000"), "absolute time on the line at 120: " + wide);
        String eighty = render(t, new TimelineText.Style(80, false, false));
        assertTrue(eighty.replaceAll("\\s+", " ").contains("absolute times left out for width"), eighty);
        assertTrue(eighty.lines().anyMatch(l -> l.contains("|") && l.contains("<- RST")), "still two columns at 80");
        String narrow = render(t, new TimelineText.Style(40, false, false));
        assertFalse(narrow.lines().anyMatch(l -> l.contains("|")), "one column at 40: " + narrow);
        // Upstream events are tagged with their connection and indented.
        assertTrue(narrow.lines().anyMatch(l -> l.contains("#1 <- RST")), narrow);
        assertTrue(narrow.lines().anyMatch(l -> l.contains("#0 <- HTTP/1.1 502")), narrow);
        for (String text : List.of(eighty, narrow, render(t, new TimelineText.Style(20, false, false)))) {
            int rst = text.indexOf("<- RST"), req = text.indexOf("-> GET /"), resp = text.indexOf("<- HTTP/1.1 502");
            assertTrue(req >= 0 && req < rst && rst < resp, "time order at every width: " + text);
        }
    }

    @Test
    void plainTextHasNoEscapeSequencesColourMarksErrorsAndLanes() {
        Timeline t = twoLanes();
        String plain = render(t, new TimelineText.Style(120, false, true));
        assertFalse(plain.contains("\u001b"), plain);
        String colour = render(t, new TimelineText.Style(120, true, true));
        assertEquals(plain, SGR.matcher(colour).replaceAll(""), "colour adds codes and nothing else");
        List<String> lines = lines(colour);
        String rst = lines.stream().filter(l -> l.contains("RST")).filter(l -> l.contains("│")).findFirst().orElseThrow();
        assertTrue(rst.contains("\u001b[31mRST\u001b[0m"), "an RST is red: " + rst);
        assertTrue(rst.contains("\u001b[35m← \u001b[0m"), "the upstream lane in its colour: " + rst);
        String syn = lines.stream().filter(l -> l.contains("SYN")).findFirst().orElseThrow();
        assertTrue(syn.contains("\u001b[36m→ \u001b[0m"), "the client lane in another: " + syn);
        String bad = lines.stream().filter(l -> l.contains("← ") && l.contains("502 Bad Gateway")).findFirst().orElseThrow();
        assertTrue(bad.contains("\u001b[31mHTTP/1.1 502 Bad Gateway\u001b[0m"), "a 5xx is red: " + bad);
        assertTrue(colour.contains("\u001b[1;31m▲ finding 1 reset_before_response (error)"), "error findings red");
        Finding warn = reset(EXPLANATION, 9).withSeverity(Severity.WARNING);
        String w = render(new Timeline(List.of(clientLane("GET / HTTP/1.1"), upstreamLane()),
                List.of(new Timeline.Numbered(4, warn)), null), new TimelineText.Style(120, true, true));
        assertTrue(w.contains("\u001b[1;33m▲ finding 4 reset_before_response (warning)"), "warnings yellow: " + w);
    }

    @Test
    void unicodeArrowsOnlyWhenAskedAsciiOtherwise() {
        String ascii = plain(twoLanes());
        assertTrue(ascii.chars().allMatch(c -> c == '\n' || (c >= 0x20 && c < 0x7f)), ascii);
        String unicode = render(twoLanes(), new TimelineText.Style(120, false, true));
        assertTrue(unicode.contains("→ SYN") && unicode.contains("← RST") && unicode.contains("▲ finding 1")
                && unicode.contains("client ↔ proxy") && unicode.contains("… 30.028225 s later …"), unicode);
    }

    @Test
    void oneLaneIsOneColumn() {
        Timeline t = new Timeline(List.of(upstreamLane()), List.of(new Timeline.Numbered(2, reset(EXPLANATION, 11))),
                "only the upstream leg is in the capture");
        String text = plain(t);
        assertFalse(text.contains("|"), text);
        assertFalse(text.contains("#1 ->") || text.contains("#1 <-"), "no tags with one lane: " + text);
        assertEquals(List.of(6L, 7L, 9L, 11L), frames(text));
        assertTrue(text.contains("Note: only the upstream leg is in the capture"), text);
        List<String> lines = lines(text);
        // The client frame of the finding is outside the lanes: marked after the last event before it.
        String marks = marks(lines, lineOfFrame(lines, 11));
        assertTrue(marks.startsWith("^ finding 2 reset_before_response (error): The upstream reset"), text);
        assertTrue(marks.endsWith("frame 11: upstream RST ^ finding 2, frame 12: client got 502"), marks);
    }

    @Test
    void capturedBytesCannotDriveTheTerminal() {
        String hostile = "GET /\u001b[31mred\u001b]0;owned\u0007\r\n\u009b2J\u0000 HTTP/1.1";
        Lane client = clientLane(hostile);
        Finding f = new Finding(Cause.RESET_BEFORE_RESPONSE, Severity.ERROR, "bad \u001b[2J explanation",
                "hint \u001b[5m", "GET /\u001b[31m", "127.0.0.1:21031", 1,
                List.of(new Evidence(11, T0, "RST \u001b[1m")), T0, null);
        Timeline t = new Timeline(List.of(client, upstreamLane()), List.of(new Timeline.Numbered(1, f)), "note \u001b[7m");
        for (boolean color : new boolean[] {false, true}) {
            String text = render(t, new TimelineText.Style(100, color, true));
            String rest = SGR.matcher(text).replaceAll("");
            if (!color) assertEquals(text, rest);
            for (int i = 0; i < rest.length(); i++) {
                char c = rest.charAt(i);
                assertTrue(c == '\n' || (c >= 0x20 && c != 0x7f && (c < 0x80 || c > 0x9f)),
                        "control character " + (int) c + " at " + i + " in " + text);
            }
            // Every escape left is one this class wrote: a known colour around a known piece.
            assertFalse(text.contains("\u001b[2J") || text.contains("\u001b]0;") || text.contains("\u001b[5m")
                    || text.contains("\u001b[7m"), text);
            assertTrue(rest.replaceAll("[\\s│]", "").contains("GET/\\x1b[31mred\\x1b]0;owned\\x07\\x0d\\x0a\\x9b2J\\x00HTTP/1.1"),
                    rest);
        }
    }

    @Test
    void jsonLinesCarryEveryLaneEventAndFinding() throws IOException {
        Timeline t = new Timeline(List.of(clientLane("GET /\u001b[31m HTTP/1.1"), upstreamLane()),
                List.of(new Timeline.Numbered(3, reset(EXPLANATION, 9, 11))), "a note");
        StringWriter s = new StringWriter();
        TimelineJson.write(new PrintWriter(s), t);
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> rows = new ArrayList<>();
        for (String line : s.toString().split("\n")) rows.add(json.readTree(line));
        assertEquals(2 + 1 + 10 + 1, rows.size(), s.toString());

        JsonNode lane0 = rows.get(0), lane1 = rows.get(1);
        assertEquals("lane", lane0.get("type").asText());
        assertEquals(0, lane0.get("connection").asLong());
        assertEquals("127.0.0.1:36686", lane0.get("client").asText());
        assertEquals("127.0.0.1:21030", lane0.get("server").asText());
        assertEquals("proxy", lane0.get("role").asText());
        assertEquals("client", lane0.get("leg").asText());
        assertEquals(6, lane0.get("events").asInt());
        assertEquals(0, lane0.get("truncated").asInt());
        assertEquals("upstream", lane1.get("role").asText());
        assertEquals("upstream", lane1.get("leg").asText());
        assertEquals("note", rows.get(2).get("type").asText());
        assertEquals("a note", rows.get(2).get("text").asText());

        List<JsonNode> events = rows.subList(3, 13);
        List<Long> frames = new ArrayList<>();
        for (JsonNode e : events) {
            assertEquals("event", e.get("type").asText());
            frames.add(e.get("frame").asLong());
        }
        assertEquals(List.of(1L, 2L, 4L, 6L, 7L, 9L, 11L, 12L, 14L, 15L), frames);
        JsonNode rst = events.get(6);
        assertEquals(1, rst.get("lane").asInt());
        assertEquals(1, rst.get("connection").asLong());
        assertEquals(11, rst.get("last_frame").asLong());
        assertEquals("2024-05-01T09:17:29.032000000Z", rst.get("time").asText());
        assertTrue(s.toString().contains("\"relative_s\":30.032000000,"), "exact, nine decimals: " + s);
        assertEquals("server_to_client", rst.get("direction").asText());
        assertEquals("rst", rst.get("kind").asText());
        assertEquals("[3]", rst.get("findings").toString());
        assertEquals("[3]", events.get(5).get("findings").toString(), "frame 9 is evidence too");
        assertEquals("[3]", events.get(7).get("findings").toString(), "frame 12 is the client's 502");
        assertEquals("[]", events.get(0).get("findings").toString());
        assertEquals("syn_ack", events.get(1).get("kind").asText());
        assertEquals("GET /\u001b[31m HTTP/1.1", events.get(2).get("text").asText(), "JSON escapes; the text is kept");
        assertFalse(s.toString().contains("\u001b"), "control bytes are \\u escapes in the JSON text");

        JsonNode f = rows.get(13);
        assertEquals("finding", f.get("type").asText());
        assertEquals(3, f.get("number").asInt());
        assertEquals("reset_before_response", f.get("cause").asText());
        assertEquals("error", f.get("severity").asText());
        assertEquals(EXPLANATION, f.get("explanation").asText());
        assertEquals("[9,11]", f.get("frames").toString());
        assertEquals(502, f.get("client_status").asInt());
        assertEquals(12, f.get("client_frame").asInt());
        assertEquals(2, f.get("evidence").size());
    }

    @Test
    void wrapBreaksAtSpacesAndCutsLongWordsBetweenCodePoints() {
        assertEquals(List.of("abc", "def"), TimelineText.wrap("abc def", 4));
        assertEquals(List.of("abcd", "ef"), TimelineText.wrap("abcdef", 4));
        assertEquals(List.of(""), TimelineText.wrap("", 4));
        assertEquals(List.of("ab"), TimelineText.wrap("ab", 4));
        assertEquals(List.of("abcd"), TimelineText.wrap("abcd ", 4));
        String pairs = "\uD83D\uDE00".repeat(5); // five emoji, each a surrogate pair
        List<String> cut = TimelineText.wrap(pairs, 2);
        assertEquals(List.of("\uD83D\uDE00\uD83D\uDE00", "\uD83D\uDE00\uD83D\uDE00", "\uD83D\uDE00"), cut);
        assertEquals("The first one.", TimelineText.firstSentence("The first one. The second, e.g. this."));
        assertEquals("No end", TimelineText.firstSentence("No end"));
    }

    @Test
    void labelsAreTheBuildersWordsWithTheKindWhereTheyAreMissing() {
        assertEquals("GET / HTTP/1.1", TimelineText.label(ev(0, 1, 0, CLIENT_TO_SERVER, EventKind.REQUEST, "GET / HTTP/1.1")));
        assertEquals("RST", TimelineText.label(ev(0, 1, 0, CLIENT_TO_SERVER, EventKind.RST, "")));
        assertEquals("SYN-ACK", TimelineText.label(ev(0, 1, 0, CLIENT_TO_SERVER, EventKind.SYN_ACK, "")));
        assertEquals("RST from the server", TimelineText.label(ev(0, 1, 0, CLIENT_TO_SERVER, EventKind.RST, "RST from the server")));
        assertEquals("response body 157 bytes", TimelineText.label(ev(0, 1, 0, SERVER_TO_CLIENT, EventKind.RESPONSE_BODY, "body 157 bytes")));
        assertEquals("request body 3 bytes", TimelineText.label(ev(0, 1, 0, CLIENT_TO_SERVER, EventKind.REQUEST_BODY, "body 3 bytes")));
        assertEquals("TLS ClientHello", TimelineText.label(ev(0, 1, 0, CLIENT_TO_SERVER, EventKind.OTHER, "TLS ClientHello")));
        assertEquals("zero window", TimelineText.label(ev(0, 1, 0, CLIENT_TO_SERVER, EventKind.ZERO_WINDOW, "")));
    }

    @Test
    void aTruncatedLaneAndAnEmptyTimelineSaySo() {
        Lane capped = new Lane(3, ep(1, 1), ep(1, 80), Role.PROXY,
                List.of(ev(3, 1, 0, CLIENT_TO_SERVER, EventKind.SYN, "")), 4321);
        String text = plain(new Timeline(List.of(capped), List.of(), null));
        assertTrue(text.contains("1 event, 4321 more left out (at most 2000 per connection)"), text);
        String empty = plain(new Timeline(List.of(new Lane(3, ep(1, 1), ep(1, 80), Role.PROXY, List.of(), 0)),
                List.of(), null));
        assertTrue(empty.contains("(no events)"), empty);
    }
}
