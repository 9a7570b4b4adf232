package io.gatelens.http;

import io.gatelens.tcp.Direction;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Whatever the peers send, in whatever order with gaps and closes: no exception, every exchange handed on once, in order. */
class HttpConnectionPropertyTest {
    record Step(int kind, boolean client, int piece, int length) { }

    static final String[] PIECES = {
            "GET / HTTP/1.1\r\n\r\n", "POST /p HTTP/1.1\r\nContent-Length: 5\r\n\r\n", "hello",
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", "HTTP/1.1 100 Continue\r\n\r\n",
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n", "GET /ws HTTP/1.1\r\nUpgrade: websocket\r\n\r\n",
            "CONNECT h:1 HTTP/1.1\r\n\r\n", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "3\r\nabc\r\n", "0\r\n\r\n",
            "HEAD / HTTP/1.1\r\n\r\n", "HTTP/1.1 204 No Content\r\n\r\n", "\u0016\u0003\u0001\u0000", "zz\r\n", "\r\n",
            "HTTP/1.1 200 OK\r\n\r\nclose-delimited", "\u0000\u00ff garbage \r\n"};

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Step> step = Combinators.combine(
                Arbitraries.integers().between(0, 9), Arbitraries.of(true, false),
                Arbitraries.integers().between(0, PIECES.length - 1), Arbitraries.integers().between(1, 40))
                .as(Step::new);
        return step.list().ofMaxSize(40);
    }

    @Property(tries = 500)
    void anyInterleavingIsHandled(@ForAll("steps") List<Step> steps) {
        HttpConnectionTest.Wire w = new HttpConnectionTest.Wire();
        for (Step s : steps) {
            Direction d = s.client() ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT;
            switch (s.kind()) {
                case 7: w.gap(d, s.length()); break;
                case 8: w.fin(d); break;
                case 9: if (s.length() < 5) w.reset(d); else w.send(d, PIECES[s.piece()]); break;
                default: w.send(d, PIECES[s.piece()]); break;
            }
        }
        w.close();
        int count = w.done.size();
        for (int i = 0; i < count; i++) {
            Transaction t = w.done.get(i);
            assertEquals(i, t.index(), "in order, each once");
            assertNotNull(t.end());
            assertTrue(t.request() != null || t.response() != null || !t.interim().isEmpty(), t.toString());
            if (t.end() == TransactionEnd.CONNECTION_RESET) assertNotNull(t.resetBy());
            if (t.response() != null) assertTrue(t.responseFirstFrame() > 0);
        }
        // closing again changes nothing
        w.close();
        assertEquals(count, w.done.size());
    }
}
