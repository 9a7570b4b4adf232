package io.gatelens.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatelens.detect.Cause;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static io.gatelens.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.*;

/** gatelens analyze as a user meets it, on the real captures in fixtures/. */
class AnalyzeCliTest {
    private final ObjectMapper json = new ObjectMapper();
    private static final Set<String> CAUSES = Arrays.stream(Cause.values()).map(Cause::id).collect(Collectors.toSet());

    private JsonNode expected(String scenario) throws IOException {
        return json.readTree(CliTest.CAPTURES.resolve(scenario).resolve("expected.json").toFile());
    }

    private static String capture(String scenario) {
        return CliTest.CAPTURES.resolve(scenario).resolve("capture.pcap").toString();
    }

    private List<JsonNode> lines(String text) throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        for (String line : text.split("\n")) if (!line.isBlank()) rows.add(json.readTree(line));
        return rows;
    }

    private static List<JsonNode> ofType(List<JsonNode> rows, String type) {
        return rows.stream().filter(r -> r.path("type").asText().equals(type)).toList();
    }

    @Test
    void jsonLinesSayWhatLayBehindThe502AndExitOne() throws IOException {
        JsonNode exp = expected("reset-after-request");
        String proxy = "127.0.0.1:" + exp.get("proxy_port").asInt();
        String backend = "127.0.0.1:" + exp.get("backend_port").asInt();
        CliTest.Run r = run("analyze", "--format", "json", capture("reset-after-request"));
        assertEquals(ExitCodes.PROBLEMS_FOUND, r.code(), r.err());
        assertEquals("", r.err());
        List<JsonNode> rows = lines(r.out());
        for (JsonNode row : rows) assertTrue(row.hasNonNull("type"), row.toString());

        List<JsonNode> findings = ofType(rows, "finding");
        assertFalse(findings.isEmpty());
        JsonNode f = findings.get(0);
        assertTrue(CAUSES.contains(f.get("cause").asText()), f.toString());
        assertEquals("error", f.get("severity").asText());
        assertFalse(f.get("explanation").asText().isBlank());
        assertFalse(f.get("hint").asText().isBlank());
        assertEquals("GET /", f.get("request").asText());
        assertEquals(backend, f.get("upstream").asText());
        assertTrue(f.get("connection").isIntegralNumber());
        assertTrue(f.get("frames").isArray() && f.get("frames").size() > 0);
        for (JsonNode n : f.get("frames")) assertTrue(n.isIntegralNumber() && n.asLong() >= 1, f.toString());
        assertTrue(f.get("time").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z"), f.toString());
        assertTrue(f.get("client_status").isIntegralNumber());
        assertEquals(502, f.get("client_status").asInt());
        assertEquals(0, f.get("client_connection").asInt(), "the client's connection comes first in the capture");
        assertEquals(12, f.get("client_frame").asInt(), "tshark: the 502 is frame 12");
        assertTrue(f.get("evidence").isArray());
        for (JsonNode e : f.get("evidence")) {
            assertTrue(e.get("frame").isIntegralNumber() && e.hasNonNull("time") && e.hasNonNull("what"), e.toString());
        }

        JsonNode roles = ofType(rows, "roles").get(0);
        assertFalse(roles.get("given").asBoolean());
        assertEquals(proxy, roles.get("proxies").get(0).get("endpoint").asText());
        assertEquals("mirrored", roles.get("proxies").get(0).get("how").asText());
        assertEquals("guessed from 1 mirrored request", roles.get("proxies").get(0).get("reason").asText());
        assertEquals(backend, roles.get("upstreams").get(0).get("endpoint").asText());

        JsonNode upstream = ofType(rows, "upstream").get(0);
        assertEquals(backend, upstream.get("upstream").asText());
        for (String field : List.of("connections", "refused", "resets", "timeouts", "exchanges", "status_5xx",
                "ttfb_count", "ttfb_p50_ms", "ttfb_p95_ms", "ttfb_p99_ms")) {
            assertTrue(upstream.has(field), field);
        }

        JsonNode summary = rows.get(rows.size() - 1);
        assertEquals("summary", summary.get("type").asText(), "the summary comes last");
        assertEquals(2, summary.get("exchanges").asLong());
        assertEquals(1, summary.get("client_exchanges").asLong());
        assertEquals(1, summary.get("upstream_exchanges").asLong());
        assertEquals(1, summary.get("client_5xx").get("502").asLong());
        assertEquals(1, summary.get("client_failures").asLong());
        assertEquals(findings.size(), summary.get("findings").asLong());
        assertTrue(summary.get("errors").asLong() >= 1);
        assertTrue(summary.get("window").has("decided_early"));
        assertEquals(5_000, summary.get("window").get("max_exchanges").asInt());
        assertEquals(1_000, summary.get("window").get("one_leg_max_exchanges").asInt());
        assertEquals(2, summary.get("window").get("peak_exchanges").asInt());
    }

    @Test
    void healthyTrafficHasNoFindingAndExitsZero() throws IOException {
        CliTest.Run r = run("analyze", "--format", "json", capture("healthy-keepalive"));
        assertEquals(ExitCodes.OK, r.code(), r.out() + r.err());
        List<JsonNode> rows = lines(r.out());
        assertEquals(0, ofType(rows, "finding").size());
        JsonNode summary = rows.get(rows.size() - 1);
        assertEquals(12, summary.get("exchanges").asLong());
        assertEquals(0, summary.get("errors").asLong());
        assertEquals(0, summary.get("client_5xx").size());
        JsonNode upstream = ofType(rows, "upstream").get(0);
        assertEquals(6, upstream.get("ttfb_count").asLong());
        assertTrue(upstream.get("ttfb_p50_ms").isNumber());
        assertTrue(upstream.get("ttfb_p50_ms").asDouble() <= upstream.get("ttfb_p99_ms").asDouble());
    }

    @Test
    void givenRolesAreEchoedInTheRolesLineAndOnesMatchingNothingAreWarned() throws IOException {
        JsonNode exp = expected("reset-after-request");
        int proxyPort = exp.get("proxy_port").asInt();
        int backendPort = exp.get("backend_port").asInt();
        CliTest.Run r = run("analyze", "--format", "json", "--proxy", "127.0.0.1:" + proxyPort,
                "--upstream", "*:" + backendPort, "--upstream", "10.9.9.9:1", capture("reset-after-request"));
        assertEquals(ExitCodes.PROBLEMS_FOUND, r.code(), r.err());
        JsonNode roles = ofType(lines(r.out()), "roles").get(0);
        assertTrue(roles.get("given").asBoolean());
        JsonNode proxy = roles.get("proxies").get(0);
        assertEquals("given", proxy.get("how").asText());
        assertEquals("given with --proxy 127.0.0.1:" + proxyPort, proxy.get("reason").asText());
        JsonNode upstream = roles.get("upstreams").get(0);
        assertEquals("given", upstream.get("how").asText());
        assertEquals("given with --upstream *:" + backendPort, upstream.get("reason").asText());
        assertEquals("--upstream 10.9.9.9:1", roles.get("given_unmatched").get(0).asText());
        assertTrue(r.err().contains("--upstream 10.9.9.9:1 matched no server endpoint"), r.err());
    }

    @Test
    void theTextReportHasRolesHeadlineCauseBlocksAndTheUpstreamTable() throws IOException {
        JsonNode exp = expected("reset-after-request");
        CliTest.Run r = run("analyze", capture("reset-after-request"));
        assertEquals(ExitCodes.PROBLEMS_FOUND, r.code(), r.err());
        String out = r.out();
        assertTrue(out.contains("proxy     127.0.0.1:" + exp.get("proxy_port").asInt()), out);
        assertTrue(out.contains("upstream  127.0.0.1:" + exp.get("backend_port").asInt()), out);
        assertTrue(out.contains("Exchanges: 2 (1 client-facing, 1 upstream)"), out);
        assertTrue(out.contains("Client-facing 5xx: 502 x1"), out);
        assertTrue(out.contains("Hint: "), out);
        assertTrue(out.contains("GET /  client got 502 (connection 0, frame 12)"), out);
        assertTrue(out.contains("ttfb p50 ms"), out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("  127.0.0.1:" + exp.get("backend_port").asInt() + " ")), out);
    }

    @Test
    void theProxysTimeoutInferredFromTheCaptureIsInBothReports() throws IOException {
        JsonNode upstream = ofType(lines(run("analyze", "--format", "json", capture("slow-backend-504")).out()), "upstream").get(0);
        assertEquals(1, upstream.get("proxy_give_ups").asLong());
        double ms = upstream.get("proxy_give_up_ms").asDouble();
        assertTrue(ms >= 1000 && ms < 1010, upstream.toString());
        for (String field : List.of("upstream_idle_close_ms", "proxy_idle_close_ms")) {
            assertTrue(upstream.get(field).isNull(), field + " in " + upstream);
        }
        assertEquals(0, upstream.get("upstream_idle_closes").asLong());
        assertEquals(0, upstream.get("proxy_idle_closes").asLong());

        String text = run("analyze", capture("slow-backend-504")).out();
        assertTrue(text.contains("Timeouts seen"), text);
        assertTrue(text.lines().anyMatch(l -> l.contains(upstream.get("upstream").asText()) && l.contains(" (1)")
                && l.contains(String.format(java.util.Locale.ROOT, "%.3f", ms))), text);
        assertFalse(run("analyze", capture("healthy-keepalive")).out().contains("Timeouts seen"));
    }

    @Test
    void badOptionsAreUsageErrors(@TempDir Path dir) {
        String file = capture("healthy-keepalive");
        CliTest.Run host = run("analyze", "--proxy", "proxy.internal:80", file);
        assertEquals(ExitCodes.USAGE_OR_UNREADABLE, host.code());
        assertTrue(host.err().contains("give an IP address, not a host name"), host.err());
        assertEquals(ExitCodes.USAGE_OR_UNREADABLE, run("analyze", "--upstream", "127.0.0.1:70000", file).code());
        assertEquals(ExitCodes.USAGE_OR_UNREADABLE, run("analyze", "--upstream", "::1:80", file).code());
        assertEquals(ExitCodes.USAGE_OR_UNREADABLE, run("analyze", "--proxy-buffer-size", "0", file).code());
        assertEquals(ExitCodes.USAGE_OR_UNREADABLE, run("analyze", "--format", "xml", file).code());
        CliTest.Run missing = run("analyze", dir.resolve("nope.pcap").toString());
        assertEquals(ExitCodes.USAGE_OR_UNREADABLE, missing.code());
        assertTrue(missing.err().contains("nope.pcap"), missing.err());
        CliTest.Run help = run("--help");
        assertTrue(help.out().contains("analyze"), help.out());
        assertEquals(ExitCodes.OK, run("analyze", "--help").code());
    }

    @Test
    void aDamagedFileExitsThreeEvenWithAnErrorFound(@TempDir Path dir) throws IOException {
        byte[] whole = Files.readAllBytes(Path.of(capture("reset-after-request")));
        Path cut = Files.write(dir.resolve("cut.pcap"), Arrays.copyOf(whole, whole.length - 10));
        CliTest.Run r = run("analyze", "--format", "json", cut.toString());
        assertEquals(ExitCodes.INPUT_DAMAGED, r.code());
        List<JsonNode> rows = lines(r.out());
        assertEquals(1, rows.get(rows.size() - 1).get("client_5xx").get("502").asLong(), "the 502 came before the cut");
        assertTrue(r.err().contains("cut.pcap"), r.err());
    }
}
