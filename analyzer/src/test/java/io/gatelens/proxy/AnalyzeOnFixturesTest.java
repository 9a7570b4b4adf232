package io.gatelens.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatelens.anomaly.Severity;
import io.gatelens.detect.Cause;
import io.gatelens.detect.DetectOptions;
import io.gatelens.finding.Finding;
import io.gatelens.flow.FlowTable;
import io.gatelens.http.HttpLimits;
import io.gatelens.pipeline.Passes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * End to end on every recorded scenario (the list is read from fixtures/captures, so a new
 * scenario is covered as soon as it is committed): the real detectors feeding the correlation,
 * wired exactly as {@code gatelens analyze} wires them. Each request the harness recorded a cause
 * for has a finding with that cause, tied to the response the client got; healthy traffic has no
 * error at all.
 */
class AnalyzeOnFixturesTest {
    static Stream<Fixtures.Scenario> scenarios() throws IOException {
        return Fixtures.scenarios();
    }

    /** What the analyze command hands its report, without the report. */
    record Analysis(List<Finding> findings, AnalysisSummary summary) {}

    static Analysis analyze(Fixtures.Scenario s) throws IOException {
        List<Finding> findings = new ArrayList<>();
        CorrelationLimits limits = CorrelationLimits.DEFAULT;
        ProxyCorrelator correlator = new ProxyCorrelator(new Roles(List.of(), List.of(), limits.maxEndpoints()), limits,
                findings::add);
        Passes.diagnose(s.capture(), FlowTable.DEFAULT_MAX_LIVE, HttpLimits.DEFAULT, DetectOptions.DEFAULT, correlator);
        correlator.finish();
        return new Analysis(findings, correlator.summary());
    }

    private static boolean failedForTheClient(JsonNode request) {
        return request.get("status").isNull() || request.get("status").asInt() >= 500
                || !request.get("body_complete").asBoolean();
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void everyRecordedCauseIsFoundAndTiedToWhatTheClientGot(Fixtures.Scenario s) throws IOException {
        Analysis a = analyze(s);
        Set<String> legs = new HashSet<>();
        s.expected().get("capture_legs").forEach(n -> legs.add(n.asText()));
        assertFalse(legs.isEmpty(), s + ": expected.json names the legs captured");
        boolean clientLeg = legs.contains("client");
        boolean upstreamLeg = legs.contains("upstream");
        String findings = s + ": " + a.findings();

        Set<Finding> used = new HashSet<>();
        for (JsonNode request : s.expected().get("requests")) {
            if (request.get("cause").isNull()) continue;
            Cause cause = Cause.valueOf(request.get("cause").asText().toUpperCase(java.util.Locale.ROOT));
            int status = request.get("status").isNull() ? -1 : request.get("status").asInt();
            String line = request.get("method").asText() + " " + request.get("target").asText();
            Finding match = null;
            for (Finding f : a.findings()) {
                if (f.cause() != cause || used.contains(f)) continue;
                if (clientLeg) {
                    // Tied to the client's response: its status, or -1 when no valid one reached it.
                    if (f.client() == null || f.client().status() != status) continue;
                } else if (f.client() != null) {
                    continue; // no client leg in the file: nothing to tie to
                }
                if (upstreamLeg && cause != Cause.UNEXPLAINED && !s.backend().equals(f.upstream())) continue;
                if (f.request() != null && !f.request().equals(line)) continue;
                match = f;
                break;
            }
            assertNotNull(match, s + ": " + line + " (client got " + status + ") should be explained by "
                    + cause.id() + "; " + findings);
            used.add(match);
            if (failedForTheClient(request)) {
                assertEquals(Severity.ERROR, match.severity(), "the client saw this failure: " + match);
            }
        }

        // No error beyond what the harness recorded; healthy traffic has none at all.
        Set<String> expectedCauses = new HashSet<>();
        s.expected().get("expected_causes").forEach(n -> expectedCauses.add(n.asText()));
        for (Finding f : a.findings()) {
            if (f.severity() == Severity.ERROR) {
                assertTrue(expectedCauses.contains(f.cause().id()), "unexpected error " + f.cause().id() + " in " + findings);
            }
        }
        if (expectedCauses.isEmpty()) assertEquals(0, a.summary().errors(), findings);
        assertEquals(a.findings().stream().filter(f -> f.severity() == Severity.ERROR).count(), a.summary().errors());
    }

    private static AnalysisSummary.Upstream backendRow(Fixtures.Scenario s, Analysis a) {
        return a.summary().upstreams().stream().filter(u -> u.endpoint().equals(s.backend())).findFirst().orElseThrow();
    }

    private static Fixtures.Scenario scenario(String name) throws IOException {
        return Fixtures.scenarios().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    /** nginx proxy_read_timeout 1s and HAProxy timeout server 1s, read off the capture into the upstream's row. */
    @Test
    void theProxysOneSecondTimeoutReachesTheUpstreamRow() throws IOException {
        for (String name : List.of("slow-backend-504", "haproxy-slow-504")) {
            Fixtures.Scenario s = scenario(name);
            AnalysisSummary.Timeouts t = backendRow(s, analyze(s)).inferred();
            assertEquals(1, t.proxyGiveUps(), name);
            assertTrue(t.proxyGiveUp() >= 1_000_000_000L && t.proxyGiveUp() < 1_010_000_000L, name + ": " + t);
            assertEquals(-1, t.proxyIdleClose(), name);
            assertEquals(-1, t.upstreamIdleClose(), name);
        }
    }

    /**
     * Keep-alive traffic where nobody timed a connection out shows no timeout; nor does nginx
     * closing the connection right after a bad chunk (the bytes after the parser gave up are no
     * idle time).
     */
    @Test
    void noTimeoutIsInferredWhereNoneActed() throws IOException {
        for (String name : List.of("healthy-keepalive", "haproxy-healthy", "apache-healthy", "keepalive-race", "bad-chunked")) {
            Fixtures.Scenario s = scenario(name);
            assertFalse(backendRow(s, analyze(s)).inferred().any(), name + ": " + backendRow(s, analyze(s)));
        }
    }
}
