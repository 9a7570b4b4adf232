package io.gatelens.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatelens.anomaly.Severity;
import io.gatelens.finding.Evidence;
import io.gatelens.finding.Finding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The diagnosis on every recorded scenario (real nginx, HAProxy and Apache in front of a
 * misbehaving upstream): the cause the backend mode stands for is found on the upstream leg (the
 * connections to expected.json's backend_port), its evidence frames belong to that connection as
 * tshark numbers them, the explanation quotes what the proxy actually logged, and healthy traffic
 * gives no error finding on any connection.
 */
class FixtureDiagnosisTest {
    static final Path CAPTURES = Path.of("..", "fixtures", "captures");

    /** Evidence frames checked one by one against tshark's view of the capture (see the test's history). */
    static final Map<String, List<Long>> FRAMES = Map.ofEntries(
            Map.entry("backend-port-closed", List.of(6L, 7L)),          // SYN, RST
            Map.entry("reset-after-request", List.of(9L, 11L)),         // request, RST
            Map.entry("close-without-answer", List.of(9L, 11L)),        // request, FIN
            Map.entry("malformed-status-line", List.of(9L, 11L)),       // request, "HTTP/1.1 2OO OK"
            Map.entry("invalid-header", List.of(9L, 11L)),              // request, head with the NUL
            Map.entry("header-too-big", List.of(9L, 11L, 14L)),         // request, 16 KB head, nginx's RST
            Map.entry("short-body", List.of(9L, 11L, 13L)),             // request, head + 40 bytes, FIN
            Map.entry("bad-chunked", List.of(9L, 11L, 15L)),            // request, head + chunk, "zz"
            Map.entry("bad-chunked-at-once", List.of(9L, 11L)),         // request, everything with "zz"
            Map.entry("slow-backend-504", List.of(9L, 11L, 18L)),       // request, nginx's FIN at 1 s, late answer
            Map.entry("websocket-close-mid-handshake", List.of(9L, 11L, 13L)), // upgrade, half a 101, FIN
            Map.entry("haproxy-reset-after-request", List.of(8L, 10L)),
            Map.entry("haproxy-close-without-answer", List.of(8L, 10L)),
            Map.entry("haproxy-slow-504", List.of(8L, 13L)),            // request, HAProxy's RST at 1 s
            Map.entry("apache-close-without-answer", List.of(9L, 11L)));

    record Scenario(String name, JsonNode expected, Path capture) {
        int backendPort() { return expected.get("backend_port").asInt(); }

        /** The causes the harness recorded (expected.json, written from the scenario table); empty: healthy. */
        Set<Cause> causes() {
            Set<Cause> out = new LinkedHashSet<>();
            for (JsonNode n : expected.get("expected_causes")) out.add(Cause.valueOf(n.asText().toUpperCase(Locale.ROOT)));
            return out;
        }

        boolean upstreamLeg() {
            for (JsonNode n : expected.get("capture_legs")) if (n.asText().equals("upstream")) return true;
            return false;
        }
        String mode() { return expected.get("backend_mode").asText(); }
        String proxy() { return expected.get("proxy").asText(); }
    }

    static Stream<String> scenarios() {
        List<String> names = io.gatelens.testing.RecordedCaptures.scenarios();
        assertTrue(names.size() >= 20, "fixtures present: " + names);
        return names.stream();
    }

    static Scenario scenario(String name) throws IOException {
        Path dir = CAPTURES.resolve(name);
        JsonNode e = new ObjectMapper().readTree(dir.resolve("expected.json").toFile());
        return new Scenario(name, e, dir.resolve(e.get("capture_file").asText()));
    }

    /** frame number -> tcp.stream, from tshark (tshark-frames.tsv: number, time, lengths, stream, ...). */
    static Map<Long, Long> tsharkStreams(String name) throws IOException {
        Map<Long, Long> out = new HashMap<>();
        for (String line : Files.readAllLines(CAPTURES.resolve(name).resolve("tshark-frames.tsv"))) {
            String[] f = line.split("\t", -1);
            if (f.length > 4 && !f[4].isEmpty()) out.put(Long.parseLong(f[0]), Long.parseLong(f[4]));
        }
        return out;
    }

    @Test
    void everyScenarioNamesItsLegsAndKnownCauses() throws IOException {
        for (String name : scenarios().toList()) {
            Scenario s = scenario(name);
            assertFalse(s.expected().get("capture_legs").isEmpty(), name);
            s.causes(); // throws on an id that is not a Cause
        }
    }

    static Stream<String> withUpstreamLeg() throws IOException {
        List<String> out = new java.util.ArrayList<>();
        for (String name : scenarios().toList()) if (scenario(name).upstreamLeg()) out.add(name);
        return out.stream();
    }

    @ParameterizedTest
    @MethodSource("withUpstreamLeg")
    void theBackendModesCauseIsFoundOnTheUpstreamLeg(String name) throws IOException {
        Scenario s = scenario(name);
        Set<Cause> want = s.causes();
        Collected run = Collected.run(s.capture());
        List<Finding> upstream = run.onServerPort(s.backendPort());
        if (want.isEmpty()) {
            List<Finding> errors = run.findings.stream().filter(f -> f.severity() == Severity.ERROR).toList();
            assertEquals(List.of(), errors, name + ": healthy traffic, yet\n" + run);
            return;
        }
        List<Finding> errors = upstream.stream().filter(f -> f.severity() == Severity.ERROR).toList();
        assertFalse(errors.isEmpty(), name + ": nothing found on the upstream leg\n" + run);
        Map<Long, Long> streams = tsharkStreams(name);
        Set<String> failing = new LinkedHashSet<>();
        for (JsonNode req : s.expected().get("requests")) {
            if (!req.get("cause").isNull()) failing.add(req.get("method").asText() + " " + req.get("target").asText());
        }
        for (Finding f : errors) {
            assertTrue(want.contains(f.cause()), name + ": every error on the upstream leg is an expected cause\n" + run);
            assertEquals("127.0.0.1:" + s.backendPort(), f.upstream());
            if (f.cause() == Cause.CONNECT_REFUSED || f.cause() == Cause.CONNECT_TIMEOUT) {
                assertNull(f.request(), "a failed connect carries no request");
            } else if (f.request() != null) {
                assertTrue(failing.contains(f.request()), name + ": " + f.request() + " is one of " + failing);
            }
            assertFalse(f.explanation().isBlank());
            assertFalse(f.hint().isBlank());
            long last = 0;
            for (Evidence e : f.evidence()) {
                assertEquals(f.connection(), streams.get(e.frame()), name + ": evidence frame " + e.frame()
                        + " is on tcp.stream " + streams.get(e.frame()) + " for tshark, not on connection " + f.connection());
                assertTrue(e.frame() > last, "evidence in capture order: " + f.evidence());
                last = e.frame();
                assertFalse(e.what().isBlank());
            }
            assertTrue(f.nanos() >= f.evidence().get(0).nanos(), "time of the decisive evidence");
        }
        if (FRAMES.containsKey(name)) {
            assertEquals(FRAMES.get(name), toList(errors.get(0).frames()), name + "\n" + run);
        }
    }

    /** HAProxy retries a refused connect three times: four connections, each its own connect_refused. */
    @Test
    void eachRefusedConnectAttemptIsItsOwnFinding() throws IOException {
        Scenario s = scenario("haproxy-backend-port-closed");
        List<Finding> refused = Collected.run(s.capture()).onServerPort(s.backendPort());
        assertEquals(List.of(1L, 2L, 3L, 4L), refused.stream().map(Finding::connection).toList());
        assertEquals(List.of(List.of(5L, 6L), List.of(8L, 9L), List.of(10L, 11L), List.of(12L, 13L)),
                refused.stream().map(f -> toList(f.frames())).toList());
    }

    /** The explanation names what the proxy in the recording actually logged for this cause. */
    @ParameterizedTest
    @MethodSource("scenarios")
    void theExplanationQuotesWhatTheProxyLogged(String name) throws IOException {
        Scenario s = scenario(name);
        // One cause, and a proxy that logged it (nginx logs nothing for a response it fixes up,
        // HAProxy no line for a request it drops after a keep-alive race).
        if (s.causes().size() != 1 || s.expected().path("proxy_error_log_contains").isEmpty()) return;
        Cause want = s.causes().iterator().next();
        if (want == Cause.UNEXPLAINED) return; // no upstream evidence: nothing to say what the proxy logged
        String log = Files.readString(CAPTURES.resolve(name).resolve("proxy-error.log"));
        String text = CauseText.proxies(want);
        switch (s.proxy()) {
            case "nginx" -> {
                Matcher m = Pattern.compile("\\[error] \\d+#\\d+: \\*\\d+ (.*?), client:").matcher(log);
                assertTrue(m.find(), name + ": no nginx error line in " + log);
                String said = m.group(1).replaceAll("\"[^\"]*\"", "\"...\"");
                assertTrue(text.contains(said), name + ": nginx logged '" + said + "', the text says: " + text);
            }
            case "haproxy" -> {
                Matcher m = Pattern.compile(" - - (\\S{4}) ").matcher(log);
                assertTrue(m.find(), name + ": no termination state in " + log);
                assertTrue(text.contains(m.group(1)), name + ": HAProxy logged " + m.group(1) + ", the text says: " + text);
            }
            case "apache" -> {
                Matcher m = Pattern.compile("(AH\\d+): ([^\\n]*?) \\d").matcher(log.substring(log.indexOf("proxy_http:error")));
                assertTrue(m.find(), name + ": no Apache error code in " + log);
                assertTrue(text.contains(m.group(1)), name + ": Apache logged " + m.group(1) + ", the text says: " + text);
            }
            default -> fail("unknown proxy " + s.proxy());
        }
        for (String proxy : List.of("nginx", "HAProxy", "Envoy")) {
            assertTrue(text.contains(proxy), want.id() + " text names " + proxy);
        }
    }

    /** The 1 s timeouts of the slow scenarios are recorded as the proxy's give-up time for that upstream. */
    @Test
    void theProxysTimeoutIsInferredPerUpstream() throws IOException {
        for (String name : List.of("slow-backend-504", "haproxy-slow-504")) {
            Scenario s = scenario(name);
            Collected run = Collected.run(s.capture());
            UpstreamTimings t = run.upstreams.stream().filter(u -> u.upstream().equals("127.0.0.1:" + s.backendPort()))
                    .findFirst().orElseThrow();
            assertEquals(1, t.proxyGiveUps(), name);
            assertTrue(t.proxyGiveUpMin() >= 1_000_000_000L && t.proxyGiveUpMin() < 1_010_000_000L,
                    name + ": " + t.proxyGiveUpMin());
        }
    }

    /** nginx reuses one upstream connection for the six requests; the idle times before reuse are recorded. */
    @Test
    void keepAliveReuseIsMeasured() throws IOException {
        Scenario s = scenario("healthy-keepalive");
        Collected run = Collected.run(s.capture());
        UpstreamTimings t = run.upstreams.stream().filter(u -> u.upstream().equals("127.0.0.1:" + s.backendPort()))
                .findFirst().orElseThrow();
        assertEquals(1, t.connections());
        assertTrue(t.longestReuseIdle() > 0, t.toString());
        assertTrue(t.slowestResponse() > 0, t.toString());
        assertEquals(0, t.proxyGiveUps());
    }

    static List<Long> toList(long[] a) {
        return java.util.Arrays.stream(a).boxed().toList();
    }
}
