package io.gatelens.http;

import io.gatelens.tcp.Direction;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Every split of the same bytes gives the same events (frames kept equal so they can be compared). */
class HttpSplitTest {
    record Case(String name, HttpParser.Mode mode, HttpLimits limits, List<String> methods, String bytes) {
        byte[] data() { return bytes.getBytes(StandardCharsets.ISO_8859_1); }
    }

    static final List<Case> CASES = List.of(
            new Case("requests", HttpParser.Mode.REQUEST, HttpLimits.DEFAULT, List.of(),
                    "GET / HTTP/1.1\r\nHost: a\r\n\r\n"
                            + "\r\nPOST /p HTTP/1.1\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\nhello"
                            + "PUT /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n0\r\nT: 1\r\n\r\n"
                            + "HEAD /h HTTP/1.1\nX-Folded: a\r\n  b\r\nBad Name: 1\r\nNoColon\r\nNul: \u0000\r\nCr: a\rb\r\n\r\n"
                            + "NONSENSE\r\nmore junk\r\nGET /after HTTP/1.1\r\nContent-Length: x\r\n\r\n"
                            + "GET /last HTTP/1.1\r\nConnection: close\r\n\r\nGET /extra HTTP/1.1\r\n\r\n"
                            + "CONNECT h:443 HTTP/1.1\r\n\r\n\u0016\u0003\u0001held"),
            new Case("responses", HttpParser.Mode.RESPONSE, HttpLimits.DEFAULT,
                    List.of("POST", "HEAD", "GET", "GET", "GET", "GET", "GET", "GET"),
                    "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok"
                            + "HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n"
                            + "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;a\r\nabcd\r\n0\r\nX: y\r\n\r\n"
                            + "HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 304 Not Modified\r\nContent-Length: 3\r\n\r\n"
                            + "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffffff\r\n"
                            + "HTTP/1.1 2OO OK\r\n\r\n"
                            + "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n"
                            + "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nuntil close"),
            new Case("tls", HttpParser.Mode.REQUEST, HttpLimits.DEFAULT, List.of(),
                    HttpParserTest.tlsClientHello() + "GET / HTTP/1.1\r\n\r\n"),
            new Case("h2", HttpParser.Mode.REQUEST, HttpLimits.DEFAULT, List.of(),
                    "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\u0000\u0000\u0000\u0004"),
            new Case("junk", HttpParser.Mode.RESPONSE, HttpLimits.DEFAULT, List.of(), "SSH-2.0-x\r\nHTTP/1.1 200 OK\r\n"),
            new Case("limits", HttpParser.Mode.REQUEST, new HttpLimits(64, 3, 24), List.of(),
                    "GET /0123456789abcdefghij HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n"
                            + "GET / HTTP/1.1\r\nX: " + "v".repeat(60) + "\r\n\r\nGET /ok HTTP/1.1\r\n\r\n"),
            new Case("truncated", HttpParser.Mode.RESPONSE, HttpLimits.DEFAULT, List.of("GET"),
                    "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"));

    static List<String> events(Case c, int[] cuts) {
        Recorder r = new Recorder(false);
        r.methods.addAll(c.methods());
        HttpParser p = new HttpParser(c.mode(), 1, Direction.CLIENT_TO_SERVER, c.limits(), r, r::methodOfNextResponse);
        byte[] b = c.data();
        int from = 0;
        for (int k = 0; k <= cuts.length; k++) {
            int to = k < cuts.length ? cuts[k] : b.length;
            // Copy each piece so nothing can read past it.
            byte[] piece = java.util.Arrays.copyOfRange(b, from, to);
            p.data(piece, 0, piece.length, from, 1, 1);
            from = to;
        }
        p.end(EndKind.FIN, 2, 2);
        List<String> out = new ArrayList<>(r.events);
        out.add("passed " + r.passed);
        return out;
    }

    @Test
    void everyTwoWaySplitAndByteAtATime() {
        for (Case c : CASES) {
            List<String> whole = events(c, new int[0]);
            assertTrue(whole.size() >= 2, c.name());
            int n = c.data().length;
            for (int cut = 0; cut <= n; cut++) {
                assertEquals(whole, events(c, new int[] {cut}), c.name() + " split at " + cut);
            }
            int[] every = new int[n];
            for (int k = 0; k < n; k++) every[k] = k;
            assertEquals(whole, events(c, every), c.name() + " byte at a time");
        }
    }

    @Test
    void theCorpusExercisesWhatItShould() {
        // Guards the sweep against a corpus that quietly stopped producing its anomalies.
        List<String> req = events(CASES.get(0), new int[0]);
        String all = String.join("\n", req);
        for (String id : List.of("http_obsolete_line_folding", "http_bad_header_name", "http_header_without_colon",
                "http_nul_in_header", "http_bare_cr", "http_bare_lf", "http_bad_request_line", "http_resync",
                "http_bad_content_length", "http_data_after_close")) {
            assertTrue(all.contains(id), id + " in " + all);
        }
        String resp = String.join("\n", events(CASES.get(1), new int[0]));
        for (String id : List.of("http_bad_chunk_size", "http_bad_status_line", "http_bad_chunk_end",
                "http_conflicting_content_length", "trailers={X=y}")) {
            assertTrue(resp.contains(id), id + " in " + resp);
        }
    }

    @Provide
    Arbitrary<int[]> cuts() {
        return Arbitraries.integers().between(0, 1000).array(int[].class).ofMaxSize(40);
    }

    @Property(tries = 300)
    void randomSplitsGiveTheSameEvents(@ForAll("cuts") int[] raw, @ForAll("caseIndex") int which) {
        Case c = CASES.get(which);
        int n = c.data().length;
        int[] cuts = java.util.Arrays.stream(raw).map(x -> x % (n + 1)).sorted().toArray();
        assertEquals(events(c, new int[0]), events(c, cuts), c.name() + " " + java.util.Arrays.toString(cuts));
    }

    @Provide
    Arbitrary<Integer> caseIndex() {
        return Arbitraries.integers().between(0, CASES.size() - 1);
    }

    static final String[] SOUP = {
            "GET / HTTP/1.1\r\n", "HTTP/1.1 200 OK\r\n", "HTTP/1.1 100 Continue\r\n", "HTTP/1.1 101 S\r\n",
            "CONNECT h:1 HTTP/1.1\r\n", "Upgrade: x\r\n", "Content-Length: 3\r\n", "Content-Length: x\r\n",
            "Transfer-Encoding: chunked\r\n", "\r\n", "\n", "\r", "\u0000", " folded\r\n", "abc", "0\r\n",
            "5;e\r\n", "zz\r\n", "fffffffffffffffffff\r\n", "X: y\r\n", "NoColon\r\n", "Connection: close\r\n",
            "HTTP/1.1 204 No\r\n", "HTTP/1.1 2OO OK\r\n", "HEAD / HTTP/1.1\r\n", "\u0016\u0003\u0001"};

    @Provide
    Arbitrary<List<Integer>> soup() {
        return Arbitraries.integers().between(0, SOUP.length - 1).list().ofMaxSize(30);
    }

    /** Random message soup, small limits, both modes: no exception, and byte at a time = all at once = random cuts. */
    @Property(tries = 400)
    void soupIsSplitInvariant(@ForAll("soup") List<Integer> pieces, @ForAll("cuts") int[] raw, @ForAll boolean responses) {
        StringBuilder sb = new StringBuilder();
        for (int k : pieces) sb.append(SOUP[k]);
        Case c = new Case("soup", responses ? HttpParser.Mode.RESPONSE : HttpParser.Mode.REQUEST,
                new HttpLimits(48, 3, 24), List.of("GET", "HEAD", "CONNECT", "GET", "GET", "GET"), sb.toString());
        int n = c.data().length;
        List<String> whole = events(c, new int[0]);
        int[] cuts = java.util.Arrays.stream(raw).map(x -> x % (n + 1)).sorted().toArray();
        assertEquals(whole, events(c, cuts), sb.toString());
        int[] every = new int[n];
        for (int k = 0; k < n; k++) every[k] = k;
        assertEquals(whole, events(c, every), sb.toString());
    }

    /** Random bytes behind a valid start: no exception, and the same events however they are cut. */
    @Property(tries = 300)
    void randomBytesAreSplitInvariant(@ForAll byte[] junk, @ForAll("cuts") int[] raw, @ForAll boolean responses) {
        String start = responses ? "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" : "GET / HTTP/1.1\r\n";
        Case c = new Case("random", responses ? HttpParser.Mode.RESPONSE : HttpParser.Mode.REQUEST,
                new HttpLimits(64, 4, 32), List.of("GET"), start + new String(junk, StandardCharsets.ISO_8859_1));
        int n = c.data().length;
        int[] cuts = java.util.Arrays.stream(raw).map(x -> x % (n + 1)).sorted().toArray();
        assertEquals(events(c, new int[0]), events(c, cuts));
    }
}
