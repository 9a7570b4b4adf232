package io.gatelens.proxy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** Role guesses on captures written in the test: what must not be taken for a proxy. */
class RolesTest {
    private static final String OK = "HTTP/1.1 200 OK\nContent-Length: 2\n\nok";

    private static String get(String target) {
        return "GET " + target + " HTTP/1.1\nHost: api\n\n";
    }

    /**
     * Two upstreams of one proxy serving the same URLs, only the upstream leg captured: now and
     * then an exchange on one falls inside an identical one on the other. In {@code nestedOneWay}
     * of 100 exchanges the second server's falls inside the first's; in {@code nestedOtherWay} the
     * reverse.
     */
    private static Path twoUpstreams(Path file, int nestedOneWay, int nestedOtherWay) throws IOException {
        try (Wire w = new Wire(file)) {
            Wire.Conn a = w.open(0, "10.0.0.1", 40001, "10.0.0.21", 8080);
            Wire.Conn b = w.open(0, "10.0.0.2", 40002, "10.0.0.22", 8080);
            for (int i = 0; i < 100; i++) {
                double t = 10 + i * 20;
                String target = "/items/" + (i % 5);
                if (i < nestedOneWay) {               // b's exchange inside a's
                    a.client(t, get(target));
                    b.client(t + 1, get(target));
                    b.server(t + 2, OK);
                    a.server(t + 3, OK);
                } else if (i < nestedOneWay + nestedOtherWay) { // a's inside b's
                    b.client(t, get(target));
                    a.client(t + 1, get(target));
                    a.server(t + 2, OK);
                    b.server(t + 3, OK);
                } else {                              // apart
                    a.client(t, get(target));
                    a.server(t + 1, OK);
                    b.client(t + 5, get(target));
                    b.server(t + 6, OK);
                }
            }
            a.close(3000);
            b.close(3000);
        }
        return file;
    }

    @Test
    void chanceOverlapsBetweenTwoUpstreamsGoBothWaysAndMakeNoProxy(@TempDir Path dir) throws IOException {
        Fixtures.Run r = Fixtures.run(twoUpstreams(dir.resolve("both-ways.pcap"), 30, 25));
        for (RoleDecision d : r.summary().roles()) assertEquals(Role.UPSTREAM, d.role(), d.toString());
        assertEquals(0, r.summary().clientExchanges());
    }

    @Test
    void aFewChanceOverlapsOneWayAmongManyExchangesMakeNoProxy(@TempDir Path dir) throws IOException {
        // 3 in 100: a proxy forwards most of what it gets, not 3 %.
        Fixtures.Run r = Fixtures.run(twoUpstreams(dir.resolve("few.pcap"), 3, 0));
        RoleDecision a = r.role("10.0.0.21:8080");
        assertEquals(Role.UPSTREAM, a.role(), a.reason());
        assertEquals(RoleDecision.How.ASSUMED, a.how(), "a few chance mirrors count for nothing: " + a.reason());
        assertEquals(Role.UPSTREAM, r.role("10.0.0.22:8080").role());
    }

    @Test
    void mirroringMostOfItsExchangesOneWayMakesAProxy(@TempDir Path dir) throws IOException {
        // The same shape at 60 in 100, one way: that is what a proxy in front looks like.
        Fixtures.Run r = Fixtures.run(twoUpstreams(dir.resolve("most.pcap"), 60, 0));
        RoleDecision a = r.role("10.0.0.21:8080");
        assertEquals(Role.PROXY, a.role(), a.reason());
        assertEquals("guessed from 60 mirrored requests", a.reason());
        assertEquals(Role.UPSTREAM, r.role("10.0.0.22:8080").role());
    }
}
