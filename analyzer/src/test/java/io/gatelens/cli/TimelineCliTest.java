package io.gatelens.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatelens.capture.Frame;
import io.gatelens.capture.LinkType;
import io.gatelens.capture.file.PcapngWriter;
import io.gatelens.report.TimelineText;
import io.gatelens.testing.TcpFrames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * gatelens timeline as a user meets it, on the real captures in fixtures/. Frame numbers are
 * tshark's (tshark -r capture.pcap): in reset-after-request the client's request is frame 4,
 * nginx's request to the upstream frame 9, the upstream's RST frame 11, the 502 frame 12.
 */
class TimelineCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SGR = Pattern.compile("\u001b\\[[0-9;]*m");
    private static final Pattern EVENT_LINE = Pattern.compile(
            "^\\s*[+-]\\d+\\.\\d{6}\\s+\\d\\d:\\d\\d:\\d\\d\\.\\d{6}\\s+(\\d+)(?:-\\d+)?\\s");

    record Run(int code, String out, String err) {}

    /** The command with the environment and terminal width it sees chosen here, not inherited. */
    static Run run(Terminal terminal, Map<String, String> env, int columns, String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = Main.commandLine(() -> terminal);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        TimelineCommand c = cl.getSubcommands().get("timeline").getCommand();
        c.env = env;
        c.terminalColumns = () -> columns;
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    static Run run(String... args) {
        return run(Terminal.NONE, Map.of("LANG", "C.UTF-8"), -1, args);
    }

    private static String capture(String scenario) {
        return CliTest.CAPTURES.resolve(scenario).resolve("capture.pcap").toString();
    }

    private static List<String> lines(String text) {
        return text.lines().toList();
    }

    private static int lineOf(List<String> lines, long frame, String containing) {
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = EVENT_LINE.matcher(lines.get(i));
            if (m.find() && Long.parseLong(m.group(1)) == frame && lines.get(i).contains(containing)) return i;
        }
        return fail("no event line for frame " + frame + " with '" + containing + "'");
    }

    private static List<JsonNode> json(String text) throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        for (String line : text.split("\n")) if (!line.isBlank()) rows.add(JSON.readTree(line));
        return rows;
    }

    @Test
    void the502sTimelineShowsRequestResetAnd502InTimeOrderInTwoLanes() {
        Run r = run("timeline", "--finding", "1", capture("reset-after-request"));
        assertEquals(ExitCodes.PROBLEMS_FOUND, r.code(), "an error-severity finding is shown: " + r.err());
        assertEquals("", r.err());
        String text = r.out();
        assertFalse(text.contains("\u001b"), "no terminal, no colour: " + text);
        for (String line : lines(text)) assertTrue(line.length() <= TimelineText.DEFAULT_WIDTH, line);
        List<String> lines = lines(text);
        assertTrue(text.contains("#0  127.0.0.1:36686 → 127.0.0.1:21030  client ↔ proxy"), text);
        assertTrue(text.contains("#1  127.0.0.1:38490 → 127.0.0.1:21031  proxy ↔ upstream"), text);
        int requestIn = lineOf(lines, 4, "→ GET / HTTP/1.1");
        int requestOut = lineOf(lines, 9, "→ GET / HTTP/1.1");
        int reset = lineOf(lines, 11, "← RST from the server");
        int badGateway = lineOf(lines, 12, "← HTTP/1.1 502 Bad Gateway");
        assertTrue(requestIn < requestOut && requestOut < reset && reset < badGateway, text);
        // Two lanes: the client's events left of the bar, the upstream's right of it.
        int bar = lines.get(requestIn).indexOf('│');
        assertTrue(bar > lines.get(requestIn).indexOf('→'), lines.get(requestIn));
        assertTrue(bar < lines.get(requestOut).indexOf('→') && bar == lines.get(requestOut).indexOf('│'),
                lines.get(requestOut));
        assertTrue(bar < lines.get(reset).indexOf('←'), lines.get(reset));
        assertTrue(bar > lines.get(badGateway).indexOf('←'), lines.get(badGateway));
        // The finding beside its frames: the reset, and the 502 it explains.
        assertTrue(lines.get(reset + 1).trim().startsWith("▲ finding 1, frame 11: upstream RST"), text);
        assertTrue(lines.get(badGateway + 1).trim().startsWith("▲ finding 1, frame 12: client got 502"), text);
        assertTrue(lines.get(requestOut + 1).trim().startsWith("▲ finding 1 reset_before_response (error): "), text);
        assertTrue(text.contains("Hint: "), text);
    }

    @Test
    void theSlowUpstreamsSilenceIsShownThenThe504() {
        Run r = run("timeline", "--request", "GET /", capture("slow-backend-504"));
        assertEquals(ExitCodes.PROBLEMS_FOUND, r.code(), r.err());
        List<String> lines = lines(r.out());
        int request = lineOf(lines, 9, "→ GET / HTTP/1.1");
        int fin = lineOf(lines, 11, "→ FIN");
        int timeout = lineOf(lines, 12, "← HTTP/1.1 504 Gateway Time-out");
        assertTrue(request < fin && fin < timeout, r.out());
        // tshark: frame 9 at 0.004750 s, frame 11 at 1.006062 s.
        List<String> between = lines.subList(request + 1, fin);
        assertTrue(between.stream().anyMatch(l -> l.trim().equals("… 1.001312 s later …")), r.out());
        assertTrue(lines.get(timeout).trim().startsWith("+1.006169"), lines.get(timeout));
        assertTrue(r.out().contains("response_timeout (error)"), r.out());
        // The upstream's answer, too late: after the 504, past a second pause.
        int late = lineOf(lines, 18, "← HTTP/1.1 200 OK");
        assertTrue(late > timeout && lines.subList(timeout, late).stream().anyMatch(l -> l.contains(" s later ")), r.out());
    }

    @Test
    void theKeepAliveRaceShowsTheClientAndBothUpstreamConnections() {
        Run r = run("timeline", "--finding", "1", capture("keepalive-race"));
        // nginx retried and the client got 200: a warning, so exit 0.
        assertEquals(ExitCodes.OK, r.code(), r.err());
        String text = r.out();
        List<String> lines = lines(text);
        assertTrue(text.contains("keepalive_race (warning)"), text);
        assertTrue(text.contains("proxy ↔ upstream #1, #2"), "both upstream connections in the right column: " + text);
        int resetGet = lineOf(lines, 17, "#1 → GET /chunked HTTP/1.1");
        int reset = lineOf(lines, 19, "#1 ← RST from the server");
        int retry = lineOf(lines, 23, "#2 → GET /chunked HTTP/1.1");
        int ok = lineOf(lines, 27, "← HTTP/1.1 200 OK");
        assertTrue(resetGet < reset && reset < retry && retry < ok, text);
        assertTrue(lines.get(reset + 1).contains("▲ finding 1, frame 19: upstream RST"), text);
    }

    @Test
    void jsonLinesCarryTheLanesEveryEventAndAnalyzesFindingFields() throws IOException {
        Run r = run("timeline", "--format", "json", "--connection", "1", capture("reset-after-request"));
        assertEquals(ExitCodes.PROBLEMS_FOUND, r.code(), r.err());
        List<JsonNode> rows = json(r.out());
        assertEquals("lane", rows.get(0).get("type").asText());
        assertEquals("lane", rows.get(1).get("type").asText());
        assertEquals(0, rows.get(0).get("connection").asInt(), "by the upstream connection's id, the client leg first");
        assertEquals("client", rows.get(0).get("leg").asText());
        assertEquals(1, rows.get(1).get("connection").asInt());
        assertEquals("upstream", rows.get(1).get("leg").asText());
        int events = rows.get(0).get("events").asInt() + rows.get(1).get("events").asInt();
        List<JsonNode> ev = rows.stream().filter(n -> n.get("type").asText().equals("event")).toList();
        assertEquals(events, ev.size());
        for (int i = 1; i < ev.size(); i++) {
            assertTrue(ev.get(i - 1).get("relative_s").decimalValue().compareTo(ev.get(i).get("relative_s").decimalValue()) <= 0,
                    "one time axis: " + ev.get(i));
        }
        JsonNode rst = ev.stream().filter(n -> n.get("kind").asText().equals("rst")).findFirst().orElseThrow();
        assertEquals(11, rst.get("frame").asInt());
        assertEquals(1, rst.get("connection").asInt());
        assertEquals("server_to_client", rst.get("direction").asText());
        assertEquals("[1]", rst.get("findings").toString());

        List<JsonNode> findings = rows.stream().filter(n -> n.get("type").asText().equals("finding")).toList();
        assertEquals(1, findings.size());
        assertEquals(rows.get(rows.size() - 1), findings.get(0), "findings come last");
        // The same fields as analyze's finding line, plus its number.
        JsonNode analyzed = json(CliTest.run("analyze", "--format", "json", capture("reset-after-request")).out()).stream()
                .filter(n -> n.get("type").asText().equals("finding")).findFirst().orElseThrow();
        ObjectNode mine = findings.get(0).deepCopy();
        assertEquals(1, mine.remove("number").asInt());
        assertEquals(analyzed, mine);
    }

    @Test
    void colourOnlyOnATerminalAndNeitherWithNoColorNorNO_COLOR() {
        Terminal tty = new Terminal(false, true, System::nanoTime);
        Map<String, String> utf8 = Map.of("LANG", "en_US.UTF-8");
        String file = capture("reset-after-request");
        Run colour = run(tty, utf8, 72, "timeline", "--finding", "1", file);
        assertEquals(ExitCodes.PROBLEMS_FOUND, colour.code(), colour.err());
        assertTrue(colour.out().contains("\u001b[31mRST from the server\u001b[0m"), colour.out());
        assertTrue(colour.out().contains("\u001b[31mHTTP/1.1 502 Bad Gateway\u001b[0m"), colour.out());
        for (String line : lines(colour.out())) {
            String visible = SGR.matcher(line).replaceAll("");
            assertTrue(visible.length() <= 72, "the terminal's width: [" + visible + "]");
        }
        Run flag = run(tty, utf8, 72, "timeline", "--no-color", "--finding", "1", file);
        assertFalse(flag.out().contains("\u001b"), flag.out());
        assertEquals(SGR.matcher(colour.out()).replaceAll(""), flag.out(), "the same text without the codes");
        Map<String, String> noColor = new HashMap<>(utf8);
        noColor.put("NO_COLOR", "1");
        assertFalse(run(tty, noColor, 72, "timeline", "--finding", "1", file).out().contains("\u001b"));
        // Not a terminal: plain whatever the width, and COLUMNS still counts.
        Map<String, String> columns = new HashMap<>(utf8);
        columns.put("COLUMNS", "60");
        Run piped = run(Terminal.NONE, columns, 200, "timeline", "--finding", "1", file);
        assertFalse(piped.out().contains("\u001b"));
        assertTrue(lines(piped.out()).stream().allMatch(l -> l.length() <= 60), piped.out());
        assertTrue(lines(piped.out()).stream().anyMatch(l -> l.length() > 55), "the width is used: " + piped.out());
        // A locale that is not UTF-8 gets ASCII arrows.
        Run ascii = run(Terminal.NONE, Map.of("LANG", "C"), -1, "timeline", "--finding", "1", file);
        assertTrue(ascii.out().chars().allMatch(c -> c == '\n' || (c >= 0x20 && c < 0x7f)), ascii.out());
        assertTrue(ascii.out().contains("<- RST from the server"), ascii.out());
    }

    @Test
    void theStyleFollowsTheTerminalTheFlagAndTheEnvironment() {
        assertEquals(new TimelineText.Style(100, false, false), TimelineCommand.style(Map.of(), false, false, () -> 80));
        assertEquals(new TimelineText.Style(80, true, false), TimelineCommand.style(Map.of(), true, false, () -> 80));
        assertEquals(new TimelineText.Style(100, true, true),
                TimelineCommand.style(Map.of("LC_ALL", "de_DE.utf8"), true, false, () -> -1), "no answer: 100");
        assertFalse(TimelineCommand.style(Map.of(), true, true, () -> 80).color(), "--no-color");
        assertFalse(TimelineCommand.style(Map.of("NO_COLOR", "x"), true, false, () -> 80).color());
        assertTrue(TimelineCommand.style(Map.of("NO_COLOR", ""), true, false, () -> 80).color(), "empty NO_COLOR is unset");
        assertFalse(TimelineCommand.style(Map.of("TERM", "dumb"), true, false, () -> 80).color());
        assertEquals(132, TimelineCommand.style(Map.of("COLUMNS", "132"), true, false, () -> 80).width(), "COLUMNS first");
        assertEquals(132, TimelineCommand.style(Map.of("COLUMNS", "132"), false, false, () -> 80).width());
        assertEquals(80, TimelineCommand.style(Map.of("COLUMNS", "wide"), true, false, () -> 80).width());
        assertEquals(TimelineText.MIN_WIDTH, TimelineCommand.style(Map.of("COLUMNS", "5"), true, false, () -> 80).width());
        // POSIX order: LC_ALL, then LC_CTYPE, then LANG.
        assertFalse(TimelineCommand.utf8Locale(Map.of("LC_ALL", "C", "LANG", "en_US.UTF-8")));
        assertTrue(TimelineCommand.utf8Locale(Map.of("LC_CTYPE", "C.UTF-8", "LANG", "C")));
        assertTrue(TimelineCommand.utf8Locale(Map.of("LC_ALL", "", "LANG", "en_GB.UTF-8")));
    }

    @Test
    void aSelectorIsNeededExactlyOnceAndOneThatMatchesNothingIsOneLine() {
        String file = capture("reset-after-request");
        for (String[] args : List.of(new String[] {"timeline", file},
                new String[] {"timeline", "--connection", "0", "--finding", "1", file},
                new String[] {"timeline", "--finding", "0", file},
                new String[] {"timeline", "--connection", "-1", file},
                new String[] {"timeline", "--request", " ", file},
                new String[] {"timeline", "--connection", "x", file},
                new String[] {"timeline", "--format", "xml", "--connection", "0", file})) {
            Run r = run(args);
            assertEquals(ExitCodes.USAGE_OR_UNREADABLE, r.code(), String.join(" ", args) + ": " + r.err());
            assertEquals("", r.out(), String.join(" ", args));
        }
        for (String[] args : List.of(new String[] {"timeline", "--finding", "99", file},
                new String[] {"timeline", "--connection", "99", file},
                new String[] {"timeline", "--request", "GET /nowhere", file})) {
            Run r = run(args);
            assertEquals(ExitCodes.USAGE_OR_UNREADABLE, r.code(), String.join(" ", args) + ": " + r.err());
            assertEquals("", r.out());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().startsWith("gatelens: " + file + ": "), r.err());
            assertFalse(r.err().contains("Exception") || r.err().contains("Usage"), r.err());
        }
        Run missing = run("timeline", "--connection", "0", "no-such.pcap");
        assertEquals(ExitCodes.USAGE_OR_UNREADABLE, missing.code());
        assertEquals("gatelens: no-such.pcap: no such file", missing.err().strip());
        Run help = run("timeline", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("Usage: gatelens timeline"), help.out());
    }

    @Test
    void aFileCutMidRecordGivesTheTimelineBeforeTheCutAndExitsThree(@TempDir Path dir) throws IOException {
        byte[] whole = Files.readAllBytes(Path.of(capture("reset-after-request")));
        Path cut = Files.write(dir.resolve("cut.pcap"), Arrays.copyOf(whole, whole.length - 10));
        Run r = run("timeline", "--finding", "1", cut.toString());
        assertEquals(ExitCodes.INPUT_DAMAGED, r.code(), r.err());
        assertTrue(r.out().contains("HTTP/1.1 502 Bad Gateway"), "what was read is shown: " + r.out());
        assertTrue(r.err().contains("cut.pcap") && r.err().contains("byte offset"), r.err());
    }

    @Test
    void aRequestTargetWithTerminalControlsIsShownEscaped(@TempDir Path dir) throws IOException {
        // On a kept-alive connection a client's second request line carries ESC sequences
        // (colour, window title, clear screen), a backspace and the 8-bit CSI (0x9b, which a UTF-8
        // terminal obeys once decoded as Latin-1 and written as U+009B); the server answers 200.
        // (The first start line of a connection with control bytes in it is judged not HTTP at all.)
        String first = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
        String hostile = "GET /static/\u001b[31mred\u001b]0;owned\u0007\u001b[2J\u0008x\u009b2J HTTP/1.1\r\nHost: a\r\n\r\n";
        byte[] req1 = first.getBytes(StandardCharsets.ISO_8859_1), req2 = hostile.getBytes(StandardCharsets.ISO_8859_1);
        byte[] resp = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        Path file = dir.resolve("hostile.pcapng");
        TcpFrames f = new TcpFrames();
        String c = "10.0.0.1", s = "10.0.0.2";
        long t = 1_700_000_000_000_000_000L;
        try (OutputStream os = Files.newOutputStream(file); PcapngWriter w = new PcapngWriter(os)) {
            int eth = w.addInterface(LinkType.ETHERNET.code(), 262144, "eth0");
            int ack = TcpFrames.ACK, push = TcpFrames.ACK | TcpFrames.PSH;
            long cs = 101, ss = 501;
            write(w, eth, f.segment(t, c, 40000, s, 80, TcpFrames.SYN, 100, 0, 0));
            write(w, eth, f.segment(t + 1000, s, 80, c, 40000, TcpFrames.SYN | ack, 500, 101, 0));
            write(w, eth, f.segment(t + 2000, c, 40000, s, 80, ack, cs, ss, 0));
            write(w, eth, f.segment(t + 3000, c, 40000, s, 80, push, cs, ss, 65535, req1));
            cs += req1.length;
            write(w, eth, f.segment(t + 4000, s, 80, c, 40000, push, ss, cs, 65535, resp));
            ss += resp.length;
            write(w, eth, f.segment(t + 5000, c, 40000, s, 80, push, cs, ss, 65535, req2));
            cs += req2.length;
            write(w, eth, f.segment(t + 6000, s, 80, c, 40000, push, ss, cs, 65535, resp));
        }
        for (Terminal term : List.of(Terminal.NONE, new Terminal(false, true, System::nanoTime))) {
            Run r = run(term, Map.of("LANG", "C.UTF-8"), 100, "timeline", "--connection", "0", file.toString());
            assertEquals(ExitCodes.OK, r.code(), r.err());
            String visible = SGR.matcher(r.out()).replaceAll("");
            for (int i = 0; i < visible.length(); i++) {
                char ch = visible.charAt(i);
                assertTrue(ch == '\n' || ch >= 0x20 && ch != 0x7f && (ch < 0x80 || ch > 0x9f),
                        "control character " + (int) ch + ": " + r.out());
            }
            assertTrue(visible.replaceAll("[\\s│]", "").contains("GET/static/\\x1b[31mred\\x1b]0;owned\\x07\\x1b[2J\\x08x\\x9b2JHTTP/1.1"),
                    r.out());
            assertTrue(visible.contains("HTTP/1.1 200 OK"), r.out());
        }
    }

    private static void write(PcapngWriter w, int iface, Frame f) throws IOException {
        w.write(iface, f, null);
    }
}
