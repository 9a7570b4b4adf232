package io.gatelens.timeline;

import io.gatelens.detect.Cause;
import io.gatelens.proxy.Role;
import io.gatelens.tcp.Direction;
import io.gatelens.testing.RecordedCaptures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Timelines built from real captures of nginx and HAProxy, the TCP events checked against tshark. */
class TimelinesTest {
    private static Path capture(String scenario) {
        return RecordedCaptures.DIR.resolve(scenario).resolve("capture.pcap");
    }

    private static List<EventKind> kinds(Lane l) {
        return l.events().stream().map(TimelineEvent::kind).toList();
    }

    private static TimelineEvent first(Lane l, EventKind kind) {
        return l.events().stream().filter(e -> e.kind() == kind).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " in " + l.events()));
    }

    @Test
    void aResetBehindA502ShowsBothLegsInOrderWithTheFindingBesideItsFrames() throws IOException {
        Timeline t = Timelines.one(capture("reset-after-request"), new Selector.Finding(1));
        assertEquals(2, t.lanes().size(), t.toString());
        Lane client = t.lanes().get(0), upstream = t.lanes().get(1);
        assertEquals(Role.PROXY, client.role(), "the first lane is the client's connection to the proxy");
        assertEquals(Role.UPSTREAM, upstream.role());
        assertEquals(List.of(EventKind.SYN, EventKind.SYN_ACK, EventKind.REQUEST, EventKind.RESPONSE,
                EventKind.RESPONSE_BODY, EventKind.FIN, EventKind.FIN), kinds(client));
        assertEquals("HTTP/1.1 502 Bad Gateway", first(client, EventKind.RESPONSE).text());
        assertEquals(12, first(client, EventKind.RESPONSE).frame(), "tshark: the 502 is frame 12");
        TimelineEvent rst = first(upstream, EventKind.RST);
        assertEquals(11, rst.frame());
        assertEquals(Direction.SERVER_TO_CLIENT, rst.direction());
        assertEquals("GET / HTTP/1.1", first(upstream, EventKind.REQUEST).text());
        // request in, request out, the reset, the 502: one time axis.
        assertTrue(first(client, EventKind.REQUEST).nanos() < first(upstream, EventKind.REQUEST).nanos());
        assertTrue(rst.nanos() < first(client, EventKind.RESPONSE).nanos());
        assertEquals(1, t.findings().size());
        assertEquals(1, t.findings().get(0).number());
        assertEquals(Cause.RESET_BEFORE_RESPONSE, t.findings().get(0).finding().cause());
        assertTrue(t.startNanos() == first(client, EventKind.SYN).nanos());
    }

    @Test
    void aRetriedKeepAliveRaceShowsTheResetConnectionAndTheRetryBehindOneClientConnection() throws IOException {
        Timeline t = Timelines.one(capture("keepalive-race"), new Selector.Finding(1));
        assertEquals(3, t.lanes().size(), t.lanes().toString());
        assertEquals(Role.PROXY, t.lanes().get(0).role());
        Lane raced = t.lanes().get(1), retry = t.lanes().get(2);
        assertEquals(2, kinds(raced).stream().filter(k -> k == EventKind.REQUEST).count(), "two requests on the reused one");
        assertTrue(kinds(raced).contains(EventKind.RST));
        assertEquals("HTTP/1.1 200 OK", first(retry, EventKind.RESPONSE).text(), "the retry is answered");
        assertEquals(Cause.KEEPALIVE_RACE, t.findings().get(0).finding().cause());
        // The same timeline by the upstream connection's id, and by the client's.
        assertEquals(t.lanes().stream().map(Lane::connection).toList(),
                Timelines.one(capture("keepalive-race"), new Selector.Connection(raced.connection())).lanes().stream()
                        .map(Lane::connection).toList());
        assertEquals(t.lanes().stream().map(Lane::connection).toList(),
                Timelines.one(capture("keepalive-race"), new Selector.Connection(0)).lanes().stream()
                        .map(Lane::connection).toList());
    }

    @Test
    void aRequestLineSelectsItsFirstExchangeAndSaysHowManyMatched() throws IOException {
        Timeline t = Timelines.one(capture("websocket-reset-after-upgrade"), new Selector.Request("get  /ws"));
        assertTrue(t.note() != null && t.note().startsWith("2 exchanges have the request line"), t.note());
        assertEquals(2, t.lanes().size());
        assertTrue(kinds(t.lanes().get(1)).contains(EventKind.WEBSOCKET), "the frames after the 101");
        assertTrue(kinds(t.lanes().get(1)).contains(EventKind.RST));
    }

    @Test
    void selectorsThatMatchNothingSayWhy() {
        Path file = capture("reset-after-request");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Timelines.one(file, new Selector.Finding(2)))
                .getMessage().contains("analyze finds 1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Timelines.one(file, new Selector.Connection(99)))
                .getMessage().contains("no TCP connection 99"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Timelines.one(file, new Selector.Request("GET /nope")))
                .getMessage().contains("no exchange"));
        assertThrows(IllegalArgumentException.class, () -> Timelines.one(file, new Selector.Request("GET")));
    }

    @Test
    void oneTimelinePerFailedClientResponseCutToItsExchange() throws IOException {
        List<Timeline> none = Timelines.forFailures(capture("healthy-keepalive"), 50);
        assertTrue(none.isEmpty(), "healthy traffic has no failure to draw");
        List<Timeline> timeout = Timelines.forFailures(capture("slow-backend-504"), 50);
        assertEquals(1, timeout.size());
        Timeline t = timeout.get(0);
        assertEquals(2, t.lanes().size());
        assertEquals("HTTP/1.1 504 Gateway Time-out", first(t.lanes().get(0), EventKind.RESPONSE).text());
        assertEquals(Cause.RESPONSE_TIMEOUT, t.findings().get(0).finding().cause());
        // The upstream's own 502 and 503 on one keep-alive connection: two failures, each cut to its exchange.
        List<Timeline> two = Timelines.forFailures(capture("upstream-error-status"), 50);
        assertEquals(2, two.size(), two.toString());
        for (Timeline each : two) {
            for (Lane l : each.lanes()) {
                assertEquals(1, kinds(l).stream().filter(k -> k == EventKind.REQUEST).count(),
                        "one exchange per picture: " + l.events());
            }
        }
        assertEquals(1, Timelines.forFailures(capture("upstream-error-status"), 1).size(), "at most max");
        // Only the client leg: the unexplained 502's picture is that one connection, once.
        List<Timeline> alone = Timelines.forFailures(capture("client-leg-only"), 50);
        assertEquals(1, alone.size());
        assertEquals(1, alone.get(0).lanes().size(), alone.get(0).lanes().toString());
    }

    @Test
    void windowKeepsTheHandshakeOnlyForTheFirstExchange() {
        List<TimelineEvent> ev = new ArrayList<>();
        long f = 1;
        for (EventKind k : List.of(EventKind.SYN, EventKind.SYN_ACK, EventKind.REQUEST, EventKind.RESPONSE,
                EventKind.REQUEST, EventKind.RESPONSE, EventKind.REQUEST, EventKind.RST)) {
            ev.add(new TimelineEvent(0, f, f, f * 1000, Direction.CLIENT_TO_SERVER, k, k.name()));
            f++;
        }
        Lane lane = new Lane(0, null, null, null, ev, 0);
        assertEquals(ev.subList(0, 4), Timelines.window(lane, 3, 4).events());
        assertEquals(ev.subList(4, 6), Timelines.window(lane, 5, 6).events());
        assertEquals(ev.subList(6, 8), Timelines.window(lane, 8, 8).events());
    }

    /** Every SYN, FIN and RST a lane shows is one tshark shows on that stream, and none is missing. */
    @Test
    void tcpEventsAgreeWithTsharkOnEveryRecordedCapture() throws Exception {
        assumeTrue(tsharkAvailable(), "tshark not installed");
        int checked = 0;
        for (Path file : RecordedCaptures.files()) {
            if (!file.toString().endsWith(".pcap")) continue;
            Map<Long, TreeSet<String>> wire = tsharkFlags(file);
            Timeline t;
            try {
                t = Timelines.one(file, new Selector.Connection(0));
            } catch (IllegalArgumentException e) {
                continue;
            }
            for (Lane l : t.lanes()) {
                TreeSet<String> ours = new TreeSet<>();
                for (TimelineEvent e : l.events()) {
                    switch (e.kind()) {
                        case SYN, SYN_ACK, FIN, RST -> ours.add(e.kind() + "@" + e.frame());
                        default -> { }
                    }
                }
                TreeSet<String> theirs = wire.getOrDefault(l.connection(), new TreeSet<>());
                assertEquals(theirs, ours, file + " connection " + l.connection());
                checked++;
            }
        }
        assertTrue(checked > 40, "lanes checked: " + checked);
    }

    private static boolean tsharkAvailable() {
        try {
            Process p = new ProcessBuilder("tshark", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            if ("true".equals(System.getenv("CI"))) fail("tshark is needed on CI");
            return false;
        }
    }

    /** Per tcp.stream: the first SYN, first SYN-ACK, first FIN per direction and first RST, as "KIND@frame". */
    private static Map<Long, TreeSet<String>> tsharkFlags(Path file) throws Exception {
        Process p = new ProcessBuilder("tshark", "-r", file.toString(), "-T", "fields", "-e", "frame.number",
                "-e", "tcp.stream", "-e", "tcp.flags.syn", "-e", "tcp.flags.ack", "-e", "tcp.flags.fin",
                "-e", "tcp.flags.reset", "-e", "tcp.srcport", "-o", "tcp.analyze_sequence_numbers:TRUE",
                "-e", "tcp.analysis.retransmission").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        Map<Long, TreeSet<String>> flags = new HashMap<>();
        Map<String, Boolean> seen = new HashMap<>();
        for (String line : out.split("\n")) {
            if (line.isBlank()) continue;
            String[] f = line.split("\t", -1);
            long stream = Long.parseLong(f[1]);
            boolean syn = "1".equals(f[2]) || "True".equals(f[2]), ack = "1".equals(f[3]) || "True".equals(f[3]);
            boolean fin = "1".equals(f[4]) || "True".equals(f[4]), rst = "1".equals(f[5]) || "True".equals(f[5]);
            boolean retransmitted = f.length > 7 && !f[7].isEmpty();
            String kind = syn ? (ack ? "SYN_ACK" : "SYN") : rst ? "RST" : fin ? "FIN" : null;
            if (kind == null || retransmitted) continue;
            // The first of each kind (per direction for FIN), as the reassembler reports them.
            String key = stream + kind + (kind.equals("FIN") ? f[6] : "");
            if (seen.putIfAbsent(key, true) != null) continue;
            flags.computeIfAbsent(stream, k -> new TreeSet<>()).add(kind + "@" + f[0]);
        }
        return flags;
    }
}
