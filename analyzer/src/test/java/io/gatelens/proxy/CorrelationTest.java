package io.gatelens.proxy;

import io.gatelens.anomaly.Severity;
import io.gatelens.detect.Cause;
import io.gatelens.finding.ClientResponse;
import io.gatelens.finding.Finding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Correlation on captures written segment by segment in the test, for what loopback recordings
 * cannot show reliably: several upstreams, retries, identical requests overlapping, long captures.
 * Connections are numbered in order of their first frame, as Wireshark's tcp.stream.
 */
class CorrelationTest {
    private static final String PROXY = "10.0.0.10";
    private static final String U1 = "10.0.0.21", U2 = "10.0.0.22";
    private static final String OK = "HTTP/1.1 200 OK\nContent-Length: 2\n\nok";
    private static final String NGINX_502 = "HTTP/1.1 502 Bad Gateway\nServer: nginx/1.22.1\nContent-Length: 0\n\n";
    private static final String NGINX_503 = "HTTP/1.1 503 Service Temporarily Unavailable\nServer: nginx/1.22.1\n"
            + "Content-Length: 0\n\n";

    private static String get(String target, String host) {
        return "GET " + target + " HTTP/1.1\nHost: " + host + "\n\n";
    }

    /** What nginx sends upstream with an upstream keepalive pool (proxy_http_version 1.1, Connection ""). */
    private static String upstreamGet(String target) {
        return "GET " + target + " HTTP/1.1\nHost: backend\n\n";
    }

    private static Fixtures.Run run(Path file) throws IOException {
        return Fixtures.run(file);
    }

    @Test
    void oneBadGatewayWithARefusedConnectAndAResetBehindIt(@TempDir Path dir) throws IOException {
        // nginx, proxy_next_upstream error: the first server refuses, the second resets, 502.
        Path file = dir.resolve("next-upstream.pcap");
        long answer;
        try (Wire w = new Wire(file)) {
            Wire.Conn client = w.open(0, "10.0.0.1", 50000, PROXY, 80);              // connection 0
            client.client(1, get("/cart", "shop.example"));
            w.refused(1.2, PROXY, 40001, U1, 8080);                                   // connection 1
            Wire.Conn second = w.open(1.5, PROXY, 40002, U2, 8080);                  // connection 2
            second.client(1.6, upstreamGet("/cart"));
            second.serverRst(5);
            answer = client.server(5.3, NGINX_502);
            client.close(6);
        }
        Fixtures.Run r = run(file);
        ClientResponse expected = new ClientResponse(502, 0, answer, Wire.nanos(5.3));
        assertEquals(List.of(Cause.CONNECT_REFUSED, Cause.RESET_BEFORE_RESPONSE),
                r.findings().stream().map(Finding::cause).toList());
        assertEquals(List.of(1L, 2L), r.findings().stream().map(Finding::connection).toList());
        for (Finding f : r.findings()) {
            assertEquals(expected, f.client());
            assertEquals(Severity.ERROR, f.severity());
        }
        assertEquals(Role.PROXY, r.role(PROXY + ":80").role());
        assertEquals(RoleDecision.How.MIRRORED, r.role(U2 + ":8080").how());
        assertEquals(Role.UPSTREAM, r.role(U1 + ":8080").role(), "seen only refusing: an upstream all the same");
        assertEquals(1, r.summary().upstreams().stream().filter(u -> u.endpoint().equals(U1 + ":8080"))
                .findFirst().orElseThrow().refused());
    }

    @Test
    void aClientThatGivesUpBeforeAnyAnswerIsNotAFailureButAProxyThatClosesFirstIs(@TempDir Path dir)
            throws IOException {
        // A load generator stopping: the client closes with its request in flight and nginx (499)
        // closes the upstream connection too. Then a second client whose connection the proxy
        // closes without a byte: that one the proxy failed.
        Path file = dir.resolve("gave-up.pcap");
        try (Wire w = new Wire(file)) {
            Wire.Conn client = w.open(0, "10.0.0.1", 50000, PROXY, 80);             // connection 0
            client.client(1, get("/slow", "shop.example"));
            Wire.Conn up = w.open(1.5, PROXY, 40002, U1, 8080);                     // connection 1
            up.client(1.6, upstreamGet("/slow"));
            client.clientFin(50);
            up.clientFin(50.2);
            client.serverFin(50.3);
            up.serverFin(50.4);
            Wire.Conn other = w.open(60, "10.0.0.2", 50001, PROXY, 80);             // connection 2
            other.client(61, get("/other", "shop.example"));
            Wire.Conn up2 = w.open(61.5, PROXY, 40003, U1, 8080);                   // connection 3
            up2.client(61.6, upstreamGet("/other"));
            up2.serverFin(70);
            up2.clientFin(70.1);
            other.serverFin(70.2);
            other.clientFin(70.3);
        }
        Fixtures.Run r = run(file);
        assertEquals(1, r.summary().clientFailures(), "only the connection the proxy closed: " + r.findings());
        // What the upstream leg shows is still reported, but the client was not failed by the proxy:
        // no error tied to it, and nothing unexplained.
        assertTrue(r.findings().stream().noneMatch(f -> f.client() != null && f.client().connection() == 0
                        && (f.severity() == Severity.ERROR || f.cause() == Cause.UNEXPLAINED)),
                "the client that gave up: " + r.findings());
        assertTrue(r.findings().stream().anyMatch(f -> f.client() != null && f.client().connection() == 2),
                r.findings().toString());
    }

    @Test
    void aConnectFailureReportedOnlyAfterTheClientsAnswerIsStillTiedToIt(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("late-finding.pcap");
        long answer;
        try (Wire w = new Wire(file)) {
            Wire.Conn client = w.open(0, "10.0.0.1", 50000, PROXY, 80);              // connection 0
            client.client(1, get("/cart", "shop.example"));
            w.refused(1.2, PROXY, 40001, U1, 8080);                                   // connection 1
            answer = client.server(1.5, NGINX_502);
            client.close(2);
        }
        // A detector may conclude about a connection only when it is over (a connect timeout is
        // known only after the last SYN): here the refused connect's finding comes at the end.
        List<Finding> out = new java.util.ArrayList<>();
        ProxyCorrelator pc = new ProxyCorrelator(new Roles(List.of(), List.of(), 16), CorrelationLimits.DEFAULT, out::add);
        List<Finding> held = new java.util.ArrayList<>();
        io.gatelens.detect.DiagnosisSink holdConnectFindings = new io.gatelens.detect.DiagnosisSink() {
            @Override public void exchange(io.gatelens.pipeline.TransactionRow row) { pc.exchange(row); }
            @Override public void finding(Finding f) {
                if (f.cause() == Cause.CONNECT_REFUSED) held.add(f); else pc.finding(f);
            }
            @Override public void connectionClosed(io.gatelens.flow.Connection c, io.gatelens.tcp.TcpStats s) {
                pc.connectionClosed(c, s);
            }
        };
        io.gatelens.pipeline.StandInDiagnosis.run(file, new FakeDetector(holdConnectFindings, false));
        assertEquals(1, held.size());
        held.forEach(pc::finding);
        pc.finish();
        assertEquals(1, out.size(), out.toString());
        assertEquals(Cause.CONNECT_REFUSED, out.get(0).cause());
        assertEquals(new ClientResponse(502, 0, answer, Wire.nanos(1.5)), out.get(0).client());
    }

    @Test
    void aKeepAliveRaceNginxRetriedIsReportedTiedToThe200AsAWarning(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("race.pcap");
        long answer;
        try (Wire w = new Wire(file)) {
            Wire.Conn client = w.open(0, "10.0.0.1", 50000, PROXY, 80);              // connection 0
            client.client(1, get("/a", "shop.example"));
            Wire.Conn pooled = w.open(1.1, PROXY, 40001, U1, 8080);                  // connection 1
            pooled.client(1.2, upstreamGet("/a"));
            pooled.server(3, OK);
            client.server(3.2, OK);
            // A second later the pooled connection is reused just as the upstream drops it.
            client.client(1000, get("/b", "shop.example"));
            pooled.client(1000.2, upstreamGet("/b"));
            pooled.serverRst(1000.3);
            Wire.Conn fresh = w.open(1000.5, PROXY, 40002, U1, 8080);               // connection 2
            fresh.client(1000.6, upstreamGet("/b"));
            fresh.server(1002, OK);
            answer = client.server(1002.2, OK);
            client.close(1003);
            fresh.close(1003);
        }
        Fixtures.Run r = run(file);
        assertEquals(1, r.findings().size(), r.findings().toString());
        Finding f = r.findings().get(0);
        assertEquals(Cause.RESET_BEFORE_RESPONSE, f.cause());
        assertEquals(1, f.connection());
        assertEquals("GET /b", f.request());
        assertEquals(new ClientResponse(200, 0, answer, Wire.nanos(1002.2)), f.client());
        assertEquals(Severity.WARNING, f.severity(), "the client got its 200: hidden, not harmless");
        assertEquals(0, r.summary().errors());
        assertEquals(0, r.summary().clientFailures());
    }

    @Test
    void identicalRequestsInFlightTogetherAreTiedToTheirOwnClients(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("concurrent.pcap");
        long answer1;
        long answer3;
        try (Wire w = new Wire(file)) {
            Wire.Conn c1 = w.open(0, "10.0.0.1", 50001, PROXY, 80);                  // 0
            c1.client(1, get("/z", "shop.example"));
            Wire.Conn u1 = w.open(1.05, PROXY, 40001, U1, 8080);                    // 1
            u1.client(1.1, upstreamGet("/z"));
            Wire.Conn c2 = w.open(2.9, "10.0.0.2", 50002, PROXY, 80);                // 2
            c2.client(3, get("/z", "shop.example"));
            Wire.Conn u2 = w.open(3.05, PROXY, 40002, U1, 8080);                    // 3
            u2.client(3.1, upstreamGet("/z"));
            u2.server(4, OK);
            c2.server(4.2, OK);
            u1.serverRst(6);
            answer1 = c1.server(6.2, NGINX_502);
            // The proxy answers this one itself: no request for it leaves for an upstream.
            Wire.Conn c3 = w.open(9.9, "10.0.0.3", 50003, PROXY, 80);                // 4
            c3.client(10, get("/nope", "shop.example"));
            answer3 = c3.server(10.5, NGINX_503);
            c1.close(11);
            c2.close(11);
            c3.close(11);
            u2.close(11);
        }
        Fixtures.Run r = run(file);
        assertEquals(2, r.findings().size(), r.findings().toString());
        Finding reset = r.findings().get(0);
        assertEquals(Cause.RESET_BEFORE_RESPONSE, reset.cause());
        assertEquals(1, reset.connection());
        assertEquals(new ClientResponse(502, 0, answer1, Wire.nanos(6.2)), reset.client());
        Finding own = r.findings().get(1);
        assertEquals(Cause.UNEXPLAINED, own.cause());
        assertEquals(new ClientResponse(503, 4, answer3, Wire.nanos(10.5)), own.client());
        assertTrue(own.explanation().contains("no request GET /nope left for an upstream"), own.explanation());
        assertTrue(own.hint().contains("port 80 or port 8080"), own.hint());
        assertEquals(java.util.Map.of(502, 1L, 503, 1L), r.summary().client5xx());
    }

    @Test
    void whenTheProxyPassesHostOnTheSameHostWinsOverTheNearerRequest(@TempDir Path dir) throws IOException {
        // HAProxy keeps Host: the request it forwards names the client request it came from, even
        // when another identical one arrived in between.
        Path file = dir.resolve("host.pcap");
        long answerA;
        try (Wire w = new Wire(file)) {
            Wire.Conn a = w.open(0, "10.0.0.1", 50001, PROXY, 80);                   // 0
            a.client(1, get("/h", "a.example"));
            Wire.Conn b = w.open(1.0, "10.0.0.2", 50002, PROXY, 80);                 // 1
            b.client(1.08, get("/h", "b.example"));
            Wire.Conn ua = w.open(1.09, PROXY, 40001, U1, 8080);                     // 2
            ua.client(1.1, get("/h", "a.example"));
            Wire.Conn ub = w.open(1.19, PROXY, 40002, U1, 8080);                     // 3
            ub.client(1.2, get("/h", "b.example"));
            ua.serverRst(2);
            answerA = a.server(2.2, NGINX_502);
            ub.server(3, OK);
            b.server(3.2, OK);
            a.close(4);
            b.close(4);
            ub.close(4);
        }
        Fixtures.Run r = run(file);
        assertEquals(1, r.findings().size(), r.findings().toString());
        assertEquals(new ClientResponse(502, 0, answerA, Wire.nanos(2.2)), r.findings().get(0).client());
    }

    @Test
    void anAttemptIsNotTiedToAClientWhoseEarlierAttemptWasStillInFlight(@TempDir Path dir) throws IOException {
        // Client 1's attempt is reset after client 2's request went upstream; the proxy then retries
        // client 1's. Client 2's upstream answer must not be taken for client 1's retry.
        Path file = dir.resolve("in-flight.pcap");
        long answer2;
        long answer1;
        try (Wire w = new Wire(file)) {
            Wire.Conn c1 = w.open(0, "10.0.0.1", 50001, PROXY, 80);                  // 0
            c1.client(1, get("/q", "shop.example"));
            Wire.Conn u1 = w.open(1.05, PROXY, 40001, U1, 8080);                    // 1
            u1.client(1.1, upstreamGet("/q"));
            Wire.Conn c2 = w.open(2.9, "10.0.0.2", 50002, PROXY, 80);                // 2
            c2.client(3, get("/q", "shop.example"));
            Wire.Conn u2 = w.open(3.05, PROXY, 40002, U2, 8080);                    // 3
            u2.client(3.1, upstreamGet("/q"));
            u1.serverRst(3.5);
            Wire.Conn retry = w.open(3.55, PROXY, 40003, U2, 8080);                 // 4
            retry.client(3.6, upstreamGet("/q"));
            u2.server(4, "HTTP/1.1 503 Service Unavailable\nContent-Length: 0\n\n");
            answer2 = c2.server(4.2, "HTTP/1.1 503 Service Unavailable\nServer: nginx/1.22.1\nContent-Length: 0\n\n");
            retry.server(5, OK);
            answer1 = c1.server(5.2, OK);
            c1.close(6);
            c2.close(6);
            u2.close(6);
            retry.close(6);
        }
        Fixtures.Run r = run(file);
        assertEquals(List.of(Cause.RESET_BEFORE_RESPONSE, Cause.UPSTREAM_ERROR_STATUS),
                r.findings().stream().map(Finding::cause).toList(), r.findings().toString());
        Finding reset = r.findings().get(0);
        assertEquals(new ClientResponse(200, 0, answer1, Wire.nanos(5.2)), reset.client());
        assertEquals(Severity.WARNING, reset.severity());
        Finding passedOn = r.findings().get(1);
        assertEquals(3, passedOn.connection());
        assertEquals(new ClientResponse(503, 2, answer2, Wire.nanos(4.2)), passedOn.client());
        assertEquals(Severity.ERROR, passedOn.severity());
    }

    /**
     * A keep-alive race nginx retried: the upstream's reset is tied to the client's 200 although
     * the client took its time downloading, a full window of other exchanges finishing meanwhile.
     */
    @Test
    void aFailedAttemptWaitsAsideForTheClientResponseThatFinishesAfterAFullWindowOfOthers(@TempDir Path dir)
            throws IOException {
        Path file = dir.resolve("slow-client.pcap");
        try (Wire w = new Wire(file)) {
            Wire.Conn slowClient = w.open(0, "10.0.0.9", 50009, PROXY, 80);
            slowClient.client(1, get("/report", "shop.example"));
            Wire.Conn raced = w.open(0.5, PROXY, 40009, U1, 8080);
            raced.client(1.1, upstreamGet("/report"));
            raced.serverRst(1.2);
            Wire.Conn retry = w.open(1.3, PROXY, 40010, U2, 8080);
            retry.client(1.4, upstreamGet("/report"));
            retry.server(1.6, OK);
            retry.close(1.7);
            Wire.Conn client = w.open(2, "10.0.0.1", 50000, PROXY, 80);
            Wire.Conn pooled = w.open(2.5, PROXY, 40001, U1, 8080);
            fastExchanges(client, pooled, 3, 50);
            slowClient.server(1.8, OK.substring(0, OK.length() - 1)); // the head, the body still going
            slowClient.server(900, "x"); // its last byte, long after
            slowClient.close(901);
            client.close(901);
            pooled.close(901);
        }
        CorrelationLimits small = new CorrelationLimits(120_000_000_000L, 8, 100, 1024, 16);
        Fixtures.Run r = Fixtures.run(file, false, List.of(), List.of(), small);
        assertTrue(r.summary().window().decidedEarly() > 0, "the window did fill");
        assertEquals(List.of(Cause.RESET_BEFORE_RESPONSE), r.findings().stream().map(Finding::cause).toList(),
                r.findings().toString());
        Finding f = r.findings().get(0);
        assertEquals(200, f.client().status(), "tied to the client response it was hidden behind");
        assertEquals(Severity.WARNING, f.severity());

        // Without room to park it, the attempt is judged before its client finished: reported,
        // but as the error it was, with nothing to tie.
        CorrelationLimits noParking = new CorrelationLimits(120_000_000_000L, 8, 0, 1024, 16);
        Finding alone = Fixtures.run(file, false, List.of(), List.of(), noParking).findings().get(0);
        assertNull(alone.client());
        assertEquals(Severity.ERROR, alone.severity());
    }

    /**
     * With one leg only there is nothing to tie: the window holds a thousand exchanges, enough to
     * find a mirror; once the client leg shows (a proxy by the mirror rule) it holds the full count.
     */
    @Test
    void oneLegHoldsAShortWindowAndTwoLegsTheFullOne(@TempDir Path dir) throws IOException {
        Path oneLeg = dir.resolve("one-leg.pcap");
        try (Wire w = new Wire(oneLeg)) {
            Wire.Conn pooled = w.open(0.5, PROXY, 40001, U1, 8080);
            for (int i = 0; i < 3_000; i++) {
                double t = 1 + i * 0.01;
                pooled.client(t, upstreamGet("/item/" + i));
                pooled.server(t + 0.004, OK);
            }
            pooled.close(40);
        }
        Fixtures.Run one = Fixtures.run(oneLeg, false, List.of(), List.of(), CorrelationLimits.DEFAULT);
        AnalysisSummary.Window w1 = one.summary().window();
        assertEquals(ProxyCorrelator.ONE_LEG_PENDING + 1, w1.peakPending(), "the window, and the one just arrived");
        assertEquals(0, w1.decidedEarly(), "nothing to tie, so nothing was judged early");

        Path twoLegs = manyExchanges(dir.resolve("two-legs.pcap"), 1_500, 0.01, -1);
        Fixtures.Run two = Fixtures.run(twoLegs, false, List.of(), List.of(), CorrelationLimits.DEFAULT);
        assertEquals(3_000, two.summary().window().peakPending(), "every exchange of both legs held");
        assertEquals(0, two.summary().window().decidedEarly());
        assertEquals("guessed from 1500 mirrored requests", two.role(PROXY + ":80").reason());
    }

    /** {@code n} quick forwarded exchanges 10 s apart from {@code start}: what fills a window. */
    private static void fastExchanges(Wire.Conn client, Wire.Conn pooled, double start, int n) throws IOException {
        for (int i = 0; i < n; i++) {
            double t = start + i * 10;
            client.client(t, get("/fast/" + i, "shop.example"));
            pooled.client(t + 0.1, upstreamGet("/fast/" + i));
            pooled.server(t + 0.5, OK);
            client.server(t + 0.7, OK);
        }
    }

    /** {@code n} client requests each forwarded on one keep-alive connection, {@code gapMs} apart; one fails. */
    private static Path manyExchanges(Path file, int n, double gapMs, int failing) throws IOException {
        try (Wire w = new Wire(file)) {
            Wire.Conn client = w.open(0, "10.0.0.1", 50000, PROXY, 80);
            Wire.Conn pooled = w.open(0.5, PROXY, 40001, U1, 8080);
            for (int i = 0; i < n; i++) {
                double t = 1 + i * gapMs;
                String target = "/item/" + (i % 7);
                client.client(t, get(target, "shop.example"));
                pooled.client(t + 0.1, upstreamGet(target));
                if (i == failing) {
                    pooled.serverRst(t + 0.5);
                    client.server(t + 0.7, NGINX_502);
                    pooled = w.open(t + 0.8, PROXY, 40002, U1, 8080);
                } else {
                    pooled.server(t + 0.5, OK);
                    client.server(t + 0.7, OK);
                }
            }
            double end = 2 + n * gapMs;
            client.close(end);
            pooled.close(end);
        }
        return file;
    }

    @Test
    void aFullWindowJudgesEarlyAndSaysSoButNeighboursStillMeet(@TempDir Path dir) throws IOException {
        Path file = manyExchanges(dir.resolve("many.pcap"), 300, 10, 150);
        CorrelationLimits small = new CorrelationLimits(120_000_000_000L, 8, 100, 1024, 16);
        Fixtures.Run r = Fixtures.run(file, false, List.of(), List.of(), small);
        AnalysisSummary.Window w = r.summary().window();
        assertTrue(w.peakPending() <= 11, "the cap, the one just arrived and the two parked: " + w.peakPending());
        assertEquals(2, w.parked(), "the failed client exchange and the failed attempt wait out the horizon aside");
        // All 600 but the last 8, the two parked, and the first upstream exchange (judged before
        // any client leg was seen: nothing to tie yet) were judged early.
        assertEquals(600 - 8 - 2 - 1, w.decidedEarly());
        assertEquals(1, r.findings().size(), r.findings().toString());
        Finding f = r.findings().get(0);
        assertEquals(Cause.RESET_BEFORE_RESPONSE, f.cause());
        assertEquals(502, f.client().status());
        assertEquals("guessed from 300 mirrored requests", r.role(PROXY + ":80").reason());
    }

    @Test
    void aFailed504WaitsAsideForTheUpstreamAnswerThatComesAfterAFullWindowOfOthers(@TempDir Path dir)
            throws IOException {
        Path file = dir.resolve("late.pcap");
        try (Wire w = new Wire(file)) {
            Wire.Conn slowClient = w.open(0, "10.0.0.9", 50009, PROXY, 80);
            slowClient.client(1, get("/slow", "shop.example"));
            Wire.Conn slowUp = w.open(1.05, PROXY, 40009, U2, 8080);
            slowUp.client(1.1, upstreamGet("/slow"));
            slowClient.server(1001, "HTTP/1.1 504 Gateway Time-out\nServer: nginx/1.22.1\nContent-Length: 0\n\n");
            Wire.Conn client = w.open(1100, "10.0.0.1", 50000, PROXY, 80);
            Wire.Conn pooled = w.open(1100.5, PROXY, 40001, U1, 8080);
            fastExchanges(client, pooled, 1101, 50);
            slowUp.server(3000, OK); // the answer the proxy no longer waits for
            slowUp.close(3001);
            slowClient.close(3001);
            client.close(3001);
            pooled.close(3001);
        }
        CorrelationLimits small = new CorrelationLimits(120_000_000_000L, 8, 100, 1024, 16);
        Fixtures.Run r = Fixtures.run(file, false, List.of(), List.of(), small);
        assertEquals(1, r.summary().window().parked());
        assertEquals(1, r.findings().size(), r.findings().toString());
        Finding f = r.findings().get(0);
        assertEquals(504, f.client().status());
        assertEquals(U2 + ":8080", f.upstream(), "tied to its attempt although 100 exchanges came between");
        assertTrue(f.explanation().contains("after the proxy had answered its client"), f.explanation());

        // Without room to park it, the 504 is judged before its partner arrives, and says so.
        CorrelationLimits noParking = new CorrelationLimits(120_000_000_000L, 8, 0, 1024, 16);
        Fixtures.Run early = Fixtures.run(file, false, List.of(), List.of(), noParking);
        assertTrue(early.summary().window().decidedEarly() > 0);
        assertNull(early.findings().get(0).upstream());
    }

    @Test
    void whatIsHeldIsSetByTheHorizonNotByTheLengthOfTheCapture(@TempDir Path dir) throws IOException {
        CorrelationLimits fiveSeconds = new CorrelationLimits(5_000_000_000L, 50_000, 100, 1024, 16);
        long[] peaks = new long[2];
        int[] sizes = {100, 400};
        for (int i = 0; i < 2; i++) {
            Path file = manyExchanges(dir.resolve("spread-" + sizes[i] + ".pcap"), sizes[i], 1000, sizes[i] - 3);
            Fixtures.Run r = Fixtures.run(file, false, List.of(), List.of(), fiveSeconds);
            assertEquals(0, r.summary().window().decidedEarly());
            assertEquals(1, r.findings().size());
            assertEquals(502, r.findings().get(0).client().status());
            peaks[i] = r.summary().window().peakPending();
        }
        // An exchange pair a second, five seconds held: about ten at a time, however long the capture.
        assertEquals(peaks[0], peaks[1]);
        assertTrue(peaks[0] <= 14, "peak " + peaks[0]);
    }

    @Test
    void anAbsoluteFormTargetMeetsThePathTheProxySentOn() {
        assertEquals("GET /x?y=1", ProxyCorrelator.line("GET", "http://shop.example:8080/x?y=1"));
        assertEquals("GET /", ProxyCorrelator.line("GET", "HTTPS://shop.example"));
        assertEquals("GET /x", ProxyCorrelator.line("GET /x"));
        assertEquals("OPTIONS *", ProxyCorrelator.line("OPTIONS", "*"));
        assertEquals("GET /go?to=http://elsewhere/", ProxyCorrelator.line("GET", "/go?to=http://elsewhere/"));
    }
}
