package io.gatelens.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatelens.anomaly.Severity;
import io.gatelens.detect.Cause;
import io.gatelens.finding.ClientResponse;
import io.gatelens.finding.Finding;
import io.gatelens.http.HttpLimits;
import io.gatelens.pipeline.Passes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Each client-facing response in the real captures tied to the upstream attempts behind it, with
 * findings constructed by {@link FakeDetector} the way the detectors hand them on (about every
 * connection, leg unknown).
 */
class CorrelationOnFixturesTest {
    static Stream<Fixtures.Scenario> scenarios() throws IOException {
        return Fixtures.scenarios();
    }

    private static Fixtures.Scenario scenario(String name) throws IOException {
        return Fixtures.scenarios().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    /**
     * The scenarios whose failures the stand-in detector can name from how an exchange ended.
     * Not: an unanswered connect or a TLS handshake (no exchange at all), a keep-alive race (the
     * stand-in calls the lost attempt a plain reset, which the retry's 200 makes a warning), and a
     * capture without the upstream leg. {@link AnalyzeOnFixturesTest} runs every scenario through
     * the real detectors.
     */
    static Stream<Fixtures.Scenario> standInJudges() throws IOException {
        List<String> beyond = List.of("connect_timeout", "tls_mismatch", "keepalive_race", "unexplained");
        return Fixtures.scenarios().filter(s -> s.bothLegs() && s.expectedCauses().stream().noneMatch(beyond::contains));
    }

    @ParameterizedTest
    @MethodSource("standInJudges")
    void everyFailedClientResponseIsTiedToAnErrorAboutTheBackendAndHealthyTrafficHasNone(Fixtures.Scenario s)
            throws IOException {
        Fixtures.Run r = Fixtures.run(s.capture());
        List<JsonNode> failed = s.failedRequests();
        Set<List<Long>> tied = new LinkedHashSet<>();
        List<Integer> statuses = new ArrayList<>();
        for (Finding f : r.findings()) {
            assertEquals(Severity.ERROR, f.severity(), f.toString());
            assertNotNull(f.client(), "with both legs every finding here has its client response: " + f);
            assertEquals(s.backend(), f.upstream(), f.toString());
            if (tied.add(List.of(f.client().connection(), f.client().frame(), f.client().nanos()))) {
                statuses.add(f.client().status());
            }
        }
        // One tied client response per failed request, with the status the client recorded
        // (-1: no valid status line reached it).
        List<Integer> expected = failed.stream().map(q -> q.get("status").isNull() ? -1 : q.get("status").asInt()).toList();
        assertEquals(expected, statuses, s + ": " + r.findings());
        assertEquals(failed.size(), r.summary().clientFailures());
        if (failed.isEmpty()) assertEquals(0, r.findings().size(), r.findings().toString());
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void everyUpstreamFindingIsReportedOnceAndClientLegOnesAreNot(Fixtures.Scenario s) throws IOException {
        Fixtures.Run r = Fixtures.run(s.capture());
        List<Finding> upstreamMade = r.detector().made.stream().filter(f -> f.upstream().equals(s.backend())).toList();
        List<Finding> reported = r.findings().stream().filter(f -> f.cause() != Cause.UNEXPLAINED).toList();
        assertEquals(upstreamMade.size(), reported.size(), r.findings().toString());
        for (int i = 0; i < reported.size(); i++) {
            Finding made = upstreamMade.get(i);
            Finding out = reported.get(i);
            assertEquals(made.cause(), out.cause());
            assertEquals(made.connection(), out.connection());
            assertArrayEquals(made.frames(), out.frames());
            assertNotNull(out.client());
            assertNotEquals(out.connection(), out.client().connection());
        }
        assertEquals(r.detector().made.size() - upstreamMade.size(), r.summary().clientLegFindingsDropped());
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void aFindingBeforeItsExchangeOrAfterItComesOutTheSame(Fixtures.Scenario s) throws IOException {
        Fixtures.Run after = Fixtures.run(s.capture());
        Fixtures.Run before = Fixtures.run(s.capture(), true, List.of(), List.of(), CorrelationLimits.DEFAULT);
        assertEquals(describe(after.findings()), describe(before.findings()));
    }

    private static List<String> describe(List<Finding> findings) {
        return findings.stream().map(f -> f.cause().id() + " " + f.severity() + " " + f.connection() + " "
                + Arrays.toString(f.frames()) + " " + f.client()).toList();
    }

    @Test
    void haproxyRetryingARefusedConnectThreeTimesIsFourAttemptsBehindOne503() throws IOException {
        Fixtures.Scenario s = scenario("haproxy-backend-port-closed");
        Fixtures.Run r = Fixtures.run(s.capture());
        assertEquals(4, r.findings().size(), r.findings().toString());
        ClientResponse client = r.findings().get(0).client();
        assertEquals(503, client.status());
        Set<Long> connections = new LinkedHashSet<>();
        for (Finding f : r.findings()) {
            assertEquals(Cause.CONNECT_REFUSED, f.cause());
            assertEquals(client, f.client());
            connections.add(f.connection());
        }
        assertEquals(4, connections.size(), "each retry is a connection of its own");
        AnalysisSummary.Upstream u = r.summary().upstreams().get(0);
        assertEquals(s.backend(), u.endpoint());
        assertEquals(4, u.connections());
        assertEquals(4, u.refused());
        assertEquals(0, u.exchanges());
    }

    @Test
    void anUpstreamAnswerThatCameAfterTheProxyGaveUpIsNamedInTheUnexplained504() throws IOException {
        // Without a response_timeout detector (branch detect) the fake finds nothing wrong with a
        // late 200, so the 504 stays unexplained: and says what the capture shows.
        Fixtures.Scenario s = scenario("slow-backend-504");
        Fixtures.Run r = Fixtures.run(s.capture());
        assertEquals(1, r.findings().size());
        Finding f = r.findings().get(0);
        assertEquals(Cause.UNEXPLAINED, f.cause());
        assertEquals(504, f.client().status());
        assertEquals(s.backend(), f.upstream());
        assertTrue(f.explanation().contains("was answered 200 after"), f.explanation());
        assertTrue(f.explanation().contains("after the proxy had answered its client"), f.explanation());
    }

    @Test
    void aGarbageStatusLineNginxRelaysAsHttp09IsTiedToWhatTheClientGot() throws IOException {
        Fixtures.Scenario s = scenario("malformed-status-line");
        Fixtures.Run r = Fixtures.run(s.capture());
        assertEquals(1, r.findings().size());
        Finding f = r.findings().get(0);
        assertEquals(Cause.MALFORMED_STATUS_LINE, f.cause());
        // No status, but the frame that carried the relayed bytes (tshark: frame 16 on stream 0).
        assertEquals(new ClientResponse(-1, 0, 16, f.client().nanos()), f.client());
    }

    @Test
    void theUpstreamTableCountsResetsAndTimeToFirstByteWithinTheHistogramsPrecision() throws IOException {
        Fixtures.Scenario reset = scenario("reset-after-request");
        AnalysisSummary.Upstream u = Fixtures.run(reset.capture()).summary().upstreams().get(0);
        assertEquals(1, u.resets());
        assertEquals(1, u.connections());
        assertEquals(-1, u.ttfbP50(), "no response: no time to first byte");

        Fixtures.Scenario healthy = scenario("healthy-keepalive");
        List<Long> ttfb = new ArrayList<>();
        Passes.transactions(healthy.capture(), 1000, HttpLimits.DEFAULT, row -> {
            if (row.connection().server().port() == healthy.backendPort()) {
                ttfb.add(row.transaction().responseFirstNanos() - row.transaction().requestLastNanos());
            }
        }, a -> { });
        ttfb.sort(null);
        AnalysisSummary.Upstream h = Fixtures.run(healthy.capture()).summary().upstreams().get(0);
        assertEquals(6, h.exchanges());
        assertEquals(ttfb.size(), h.ttfbCount());
        assertClose(nearestRank(ttfb, 50), h.ttfbP50());
        assertClose(nearestRank(ttfb, 95), h.ttfbP95());
        assertClose(nearestRank(ttfb, 99), h.ttfbP99());
    }

    private static long nearestRank(List<Long> sorted, double p) {
        return sorted.get((int) Math.ceil(p / 100 * sorted.size()) - 1);
    }

    private static void assertClose(long exact, long reported) {
        assertTrue(Math.abs(reported - exact) <= exact / 32, exact + " vs " + reported);
    }
}
