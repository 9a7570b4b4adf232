package io.gatelens.proxy;

import io.gatelens.detect.Cause;
import io.gatelens.finding.Finding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Who is proxy and who is upstream, guessed from the real captures in fixtures/ (client -> proxy on
 * the scenario's port, proxy -> backend on port + 1, all on 127.0.0.1, so addresses tell nothing),
 * with both legs and with each leg alone.
 */
class RolesOnFixturesTest {
    static Stream<Fixtures.Scenario> scenarios() throws IOException {
        return Fixtures.scenarios();
    }

    static Stream<Fixtures.Scenario> bothLegs() throws IOException {
        return Fixtures.scenarios().filter(Fixtures.Scenario::bothLegs);
    }

    static Stream<Fixtures.Scenario> withUpstreamLeg() throws IOException {
        return Fixtures.scenarios().filter(s -> s.hasLeg("upstream"));
    }

    /**
     * No upstream exchange answered before the proxy did, so no request was seen mirrored: no
     * backend, a slow one, one whose SYNs are dropped (accept-queue-full), or one the proxy spoke
     * TLS to (plain-http: it got a ClientHello, not a request).
     */
    private static boolean noMirrorPossible(Fixtures.Scenario s) {
        String mode = s.expected().get("backend_mode").asText();
        return mode.equals("none") || mode.equals("slow") || mode.equals("accept-queue-full") || mode.equals("plain-http");
    }

    @ParameterizedTest
    @MethodSource("bothLegs")
    void withBothLegsTheListenerIsTheProxyAndTheBackendItsUpstream(Fixtures.Scenario s) throws IOException {
        Fixtures.Run r = Fixtures.run(s.capture());
        RoleDecision proxy = r.role(s.proxy());
        RoleDecision backend = r.role(s.backend());
        assertNotNull(proxy, s + ": " + r.summary().roles());
        assertNotNull(backend, s + ": " + r.summary().roles());
        assertEquals(Role.PROXY, proxy.role(), proxy.reason());
        assertEquals(Role.UPSTREAM, backend.role(), backend.reason());
        assertEquals(2, r.summary().roles().size(), "only the two listeners are servers: " + r.summary().roles());
        if (noMirrorPossible(s)) {
            // The proxy's own 502/503/504 says it: nginx's Server token, HAProxy's bare error page.
            assertEquals(RoleDecision.How.MARKED, proxy.how(), proxy.reason());
        } else {
            int requests = s.expected().get("requests").size();
            assertEquals(RoleDecision.How.MIRRORED, proxy.how(), proxy.reason());
            assertEquals(RoleDecision.How.MIRRORED, backend.how(), backend.reason());
            assertEquals("guessed from " + requests + " mirrored request" + (requests == 1 ? "" : "s"), proxy.reason());
        }
    }

    @ParameterizedTest
    @MethodSource("withUpstreamLeg")
    void withOnlyTheUpstreamLegTheBackendIsAnUpstreamAndNothingIsTiedToAClient(Fixtures.Scenario s,
            @TempDir Path dir) throws IOException {
        Path leg = Fixtures.onePort(s.capture(), s.backendPort(), dir.resolve("upstream-leg.pcap"));
        Fixtures.Run r = Fixtures.run(leg);
        RoleDecision backend = r.role(s.backend());
        assertNotNull(backend, s + ": " + r.summary().roles());
        assertEquals(Role.UPSTREAM, backend.role(), backend.reason());
        assertNull(r.role(s.proxy()), "the proxy's listener is not in this capture");
        assertTrue(r.summary().roles().stream().noneMatch(d -> d.role() == Role.PROXY), r.summary().roles().toString());
        if (s.proxyKind().equals("apache")) {
            // mod_proxy adds X-Forwarded-For, -Host and -Server to every request it forwards.
            assertEquals(RoleDecision.How.MARKED, backend.how());
            assertTrue(backend.reason().contains("X-Forwarded-For"), backend.reason());
        }
        // Every upstream finding is still reported, with no client response to tie it to.
        assertEquals(r.detector().made.size(), r.findings().size());
        for (Finding f : r.findings()) {
            assertNull(f.client(), f.toString());
            assertNotEquals(Cause.UNEXPLAINED, f.cause());
            assertEquals(s.backend(), f.upstream());
        }
        assertEquals(0, r.summary().clientExchanges());
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void withOnlyTheClientLegA5xxTheProxyWroteMarksItAndIsUnexplained(Fixtures.Scenario s, @TempDir Path dir)
            throws IOException {
        List<Integer> fivexx = s.failedRequests().stream()
                .filter(q -> !q.get("status").isNull() && q.get("status").asInt() >= 500)
                .map(q -> q.get("status").asInt()).toList();
        if (fivexx.isEmpty()) return; // the next tests cover client legs with no 5xx
        Path leg = Fixtures.onePort(s.capture(), s.proxyPort(), dir.resolve("client-leg.pcap"));
        Fixtures.Run r = Fixtures.run(leg);
        RoleDecision proxy = r.role(s.proxy());
        assertEquals(Role.PROXY, proxy.role(), proxy.reason());
        assertEquals(RoleDecision.How.MARKED, proxy.how(), proxy.reason());
        assertEquals(fivexx, r.findings().stream().map(f -> f.client().status()).toList());
        for (Finding f : r.findings()) {
            assertEquals(Cause.UNEXPLAINED, f.cause());
            assertTrue(f.explanation().contains("no proxy-to-upstream traffic"), f.explanation());
            assertTrue(f.hint().contains("tcpdump -i any port " + s.proxyPort()), f.hint());
            assertNull(f.upstream());
            assertEquals(f.client().connection(), f.connection(), "no upstream connection to name");
        }
        // What the fake detector said about nginx's own 502 (an upstream error status, were nginx
        // an upstream) is the symptom on the client leg, not a cause: not reported.
        assertEquals(r.detector().made.size(), r.summary().clientLegFindingsDropped());
    }

    @Test
    void aHealthyClientLegAloneLooksLikeAnyServerUntilProxyIsGiven(@TempDir Path dir) throws IOException {
        Fixtures.Scenario s = Fixtures.scenarios().filter(x -> x.name().equals("healthy-keepalive")).findFirst().orElseThrow();
        Path leg = Fixtures.onePort(s.capture(), s.proxyPort(), dir.resolve("client-leg.pcap"));
        // nginx relaying 200s shows nothing a server would not: taken as an upstream (documented).
        assertEquals(RoleDecision.How.ASSUMED, Fixtures.run(leg).role(s.proxy()).how());
        Fixtures.Run given = Fixtures.run(leg, false, List.of(EndpointPattern.parse("127.0.0.1:" + s.proxyPort())),
                List.of(), CorrelationLimits.DEFAULT);
        RoleDecision proxy = given.role(s.proxy());
        assertEquals(Role.PROXY, proxy.role());
        assertEquals(RoleDecision.How.GIVEN, proxy.how());
        assertEquals("given with --proxy 127.0.0.1:" + s.proxyPort(), proxy.reason());
        assertEquals(6, given.summary().clientExchanges());
        assertEquals(0, given.findings().size());
    }

    @Test
    void aClientLegWhereTheProxyClosedWithoutAResponseIsAFailureOnceTheProxyIsKnown(@TempDir Path dir) throws IOException {
        Fixtures.Scenario s = Fixtures.scenarios().filter(x -> x.name().equals("bad-chunked-at-once")).findFirst().orElseThrow();
        Path leg = Fixtures.onePort(s.capture(), s.proxyPort(), dir.resolve("client-leg.pcap"));
        Fixtures.Run r = Fixtures.run(leg, false, List.of(EndpointPattern.parse("*:" + s.proxyPort())), List.of(),
                CorrelationLimits.DEFAULT);
        assertEquals(1, r.findings().size());
        Finding f = r.findings().get(0);
        assertEquals(Cause.UNEXPLAINED, f.cause());
        assertEquals(-1, f.client().status());
        assertEquals(-1, f.client().frame());
        assertTrue(f.explanation().startsWith("The proxy closed the client connection without a response to GET /"),
                f.explanation());
    }

    @Test
    void givenRolesOverrideTheGuessAndPatternsThatMatchNothingAreListed() throws IOException {
        Fixtures.Scenario s = Fixtures.scenarios().filter(x -> x.name().equals("reset-after-request")).findFirst().orElseThrow();
        // Deliberately backwards: the user is believed.
        Fixtures.Run r = Fixtures.run(s.capture(), false, List.of(EndpointPattern.parse(s.backend())),
                List.of(EndpointPattern.parse(":" + s.proxyPort()), EndpointPattern.parse("[::1]:9999")),
                CorrelationLimits.DEFAULT);
        assertEquals(Role.PROXY, r.role(s.backend()).role());
        assertEquals("given with --proxy " + s.backend(), r.role(s.backend()).reason());
        assertEquals(Role.UPSTREAM, r.role(s.proxy()).role());
        assertEquals("given with --upstream *:" + s.proxyPort(), r.role(s.proxy()).reason());
        assertEquals(List.of("--upstream [::1]:9999"), r.summary().unmatchedGiven());
    }
}
