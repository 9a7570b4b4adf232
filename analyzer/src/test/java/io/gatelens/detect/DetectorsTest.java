package io.gatelens.detect;

import io.gatelens.anomaly.Severity;
import io.gatelens.finding.Finding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Each cause that no recorded scenario shows yet, on a capture built segment by segment, with the
 * exact evidence frames; and both sides of each threshold.
 */
class DetectorsTest {
    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;
    private static final String GET_A = "GET /a HTTP/1.1\r\nHost: up\r\n\r\n";
    private static final String GET_B = "GET /b HTTP/1.1\r\nHost: up\r\n\r\n";
    private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    private static final String WS_KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    private static final String WS_ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="; // RFC 6455 section 1.3
    private static final String UPGRADE = "GET /ws HTTP/1.1\r\nHost: up\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: " + WS_KEY + "\r\nSec-WebSocket-Version: 13\r\n\r\n";

    @TempDir
    Path dir;
    private int files;

    interface Script {
        void write(Conversation w) throws IOException;
    }

    private Collected run(Script s) throws IOException {
        return run(DetectOptions.DEFAULT, s);
    }

    private Collected run(DetectOptions options, Script s) throws IOException {
        Path file = dir.resolve("c" + (files++) + ".pcap");
        try (Conversation w = new Conversation(file)) {
            s.write(w);
        }
        return Collected.run(file, options);
    }

    private static Finding only(Collected run, Cause cause) {
        List<Finding> f = run.of(cause);
        assertEquals(1, f.size(), cause.id() + " once, in:\n" + run);
        return f.get(0);
    }

    private static List<Long> frames(Finding f) {
        return FixtureDiagnosisTest.toList(f.frames());
    }

    private static List<Cause> errorCauses(Collected run) {
        return run.findings.stream().filter(f -> f.severity() == Severity.ERROR).map(Finding::cause).toList();
    }

    // ------------------------------------------------------------------ connect

    @Test
    void synsWithNoAnswerAreAConnectTimeout() throws IOException {
        long[] f = new long[3];
        Collected run = run(w -> {
            Conversation.Conn c = w.connection(40000, 8080);
            f[0] = c.syn();
            w.after(S);
            f[1] = c.syn();
            w.after(2 * S);
            f[2] = c.syn();
        });
        Finding t = only(run, Cause.CONNECT_TIMEOUT);
        assertEquals(List.of(f[0], f[2]), frames(t), "the first SYN and the last retransmission");
        assertEquals("10.0.0.2:8080", t.upstream());
        assertNull(t.request());
        assertTrue(t.explanation().contains("sent 3 times"), t.explanation());
        assertTrue(t.explanation().contains("504") && t.explanation().contains("sC--"), t.explanation());
    }

    /** A lone SYN as the capture ends may just have been cut off: a timeout needs the capture to go on. */
    @Test
    void aLoneSynIsATimeoutOnlyWhenTheCaptureWentOnPastIt() throws IOException {
        Collected atEnd = run(w -> w.connection(40000, 8080).syn());
        assertEquals(List.of(), atEnd.findings);

        Collected tooSoon = run(w -> {
            w.connection(40000, 8080).syn();
            w.after(DetectOptions.DEFAULT.connectTimeoutMinNanos() - 2 * w.step);
            w.connection(40001, 9090).syn();
        });
        assertEquals(List.of(), tooSoon.of(Cause.CONNECT_TIMEOUT), tooSoon.toString());

        Collected later = run(w -> {
            w.connection(40000, 8080).syn();
            w.after(DetectOptions.DEFAULT.connectTimeoutMinNanos());
            w.connection(40001, 9090).syn();
        });
        assertEquals(List.of(0L), later.of(Cause.CONNECT_TIMEOUT).stream().map(Finding::connection).toList());
    }

    // ------------------------------------------------------------------ TLS

    @Test
    void tlsFromTheProxyToAPlainUpstream() throws IOException {
        long[] f = new long[3];
        Collected run = run(w -> {
            Conversation.Conn c = w.connection(40000, 8080);
            c.handshake();
            f[0] = c.client(new byte[] {0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x03});
            f[1] = c.server("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            f[2] = c.serverFin();
            c.clientRst();
        });
        Finding t = only(run, Cause.TLS_MISMATCH);
        assertEquals(List.of(f[0], f[1], f[2]), frames(t));
        assertEquals(List.of(Cause.TLS_MISMATCH), errorCauses(run));
    }

    @Test
    void plainHttpFromTheProxyToATlsUpstream() throws IOException {
        long[] f = new long[3];
        Collected run = run(w -> {
            Conversation.Conn c = w.connection(40000, 8443);
            c.handshake();
            f[0] = c.client(GET_A);
            f[1] = c.server(new byte[] {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46}); // fatal alert
            f[2] = c.serverFin();
            c.clientFin();
        });
        Finding t = only(run, Cause.TLS_MISMATCH);
        assertEquals("GET /a", t.request());
        assertEquals(List.of(f[0], f[1], f[2]), frames(t));
        assertEquals(List.of(Cause.TLS_MISMATCH), errorCauses(run), "the close that follows is not a second cause");
    }

    /** HTTPS (TLS both ways) and HTTP/2 with prior knowledge are not HTTP/1.x, and not mismatches. */
    @Test
    void tlsBothWaysAndHttp2AreNoFinding() throws IOException {
        Collected run = run(w -> {
            Conversation.Conn tls = w.connection(40000, 8443);
            tls.handshake();
            tls.client(new byte[] {0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x03});
            tls.server(new byte[] {0x16, 0x03, 0x03, 0x00, 0x05, 0x02, 0x00, 0x00, 0x01, 0x03});
            tls.closeCleanly();
            Conversation.Conn h2 = w.connection(40001, 8080);
            h2.handshake();
            h2.client("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
            h2.server(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // SETTINGS
            h2.closeCleanly();
        });
        assertEquals(List.of(), run.findings, run.toString());
    }

    /** A capture that begins mid-connection: a response without its request, no handshake. */
    @Test
    void aConnectionSeenFromTheMiddleGivesNoFinding() throws IOException {
        Collected run = run(w -> {
            Conversation.Conn c = w.connection(40000, 8080);
            c.server("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            c.client(GET_A);
            c.server(OK);
            c.closeCleanly();
        });
        assertEquals(List.of(), run.findings, run.toString());
        assertEquals(2, run.rows.size());
    }

    // ------------------------------------------------------------------ keep-alive race

    @Test
    void upstreamFinJustBeforeTheRequestOnAnIdleConnectionIsAKeepAliveRace() throws IOException {
        long[] f = new long[4];
        Collected run = run(w -> {
            Conversation.Conn c = w.connection(40000, 8080);
            c.handshake();
            c.client(GET_A);
            f[0] = c.server(OK);
            c.clientAck();
            w.after(5 * S);
            f[1] = c.serverFin(); // the upstream's 5 s keep-alive timeout
            // The proxy's request was already on its way: it does not ACK the FIN first.
            f[2] = c.client(GET_B);
            f[3] = c.serverRst();
        });
        Finding race = only(run, Cause.KEEPALIVE_RACE);
        assertEquals("GET /b", race.request());
        // The exchange is over as soon as the request is complete: the upstream had closed its side,
        // so the RST that follows is not needed as proof.
        assertEquals(List.of(f[0], f[1], f[2]), frames(race), "idle from, FIN, request");
        assertTrue(race.explanation().contains("idle for 5"), race.explanation());
        assertEquals(List.of(Cause.KEEPALIVE_RACE), errorCauses(run));

        UpstreamTimings t = run.upstreams.get(0);
        assertEquals(1, t.upstreamIdleCloses());
        assertTrue(t.upstreamIdleCloseMin() >= 5 * S && t.upstreamIdleCloseMin() < 5 * S + 10 * MS, t.toString());
        Finding near = only(run, Cause.KEEPALIVE_IDLE_NEAR_CLOSE);
        assertEquals(Severity.WARNING, near.severity());
    }

    @Test
    void upstreamResetMillisecondsAfterARequestOnAReusedConnectionIsARace() throws IOException {
        long[] f = new long[3];
        Collected run = run(w -> {
            Conversation.Conn c = w.connection(40000, 8080);
            c.handshake();
            c.client(GET_A);
            f[0] = c.server(OK);
            w.after(2 * S);
            f[1] = c.client(GET_B);
            f[2] = c.serverRst();
        });
        Finding race = only(run, Cause.KEEPALIVE_RACE);
        assertEquals(List.of(f[0], f[1], f[2]), frames(race));
    }

    /** Later than the race window the reset is the request's own failure; so is a reset on a fresh connection. */
    @Test
    void aResetLongAfterTheRequestOrOnAFreshConnectionIsNoRace() throws IOException {
        Collected late = run(w -> {
            Conversation.Conn c = w.connection(40000, 8080);
            c.handshake();
            c.client(GET_A);
            c.server(OK);
            w.after(2 * S);
            c.client(GET_B);
            w.after(DetectOptions.DEFAULT.keepAliveRaceNanos() + 10 * MS);
            c.serverRst();
        });
        assertEquals(List.of(Cause.RESET_BEFORE_RESPONSE), errorCauses(late), late.toString());

        // A busy connection: the previous exchange ended a moment ago, so no keep-alive timeout is involved.
        Collected busy = run(w -> {
            Conversation.Conn c = w.connection(40000, 8080);
            c.handshake();
            c.client(GET_A);
            c.server(OK);
            w.after(DetectOptions.DEFAULT.keepAliveMinIdleNanos() - 10 * MS);
            c.client(GET_B);
            c.serverRst();
        });
        assertEquals(List.of(Cause.RESET_BEFORE_RESPONSE), errorCauses(busy), busy.toString());

        Collected fresh = run(w -> {
            Conversation.Conn c = w.connection(40000, 8080);
            c.handshake();
            c.client(GET_A);
            c.serverRst();
        });
        assertEquals(List.of(Cause.RESET_BEFORE_RESPONSE), errorCauses(fresh), fresh.toString());
    }

    /**
     * On an upstream that has been slow to answer on the connection, the window stretches to its
     * fastest answer there, capped: sooner than that it never got as far as a handler. Both sides
     * of the answer time and of the cap.
     */
    @Test
    void onASlowUpstreamTheRaceWindowIsItsFastestAnswerUpToTheCap() throws IOException {
        long cap = DetectOptions.DEFAULT.keepAliveRaceMaxNanos();
        assertEquals(List.of(Cause.KEEPALIVE_RACE), errorCauses(slowThenReset(100 * MS, 30 * MS)));
        assertEquals(List.of(Cause.KEEPALIVE_RACE), errorCauses(slowThenReset(100 * MS, cap - MS)));
        assertEquals(List.of(Cause.RESET_BEFORE_RESPONSE), errorCauses(slowThenReset(100 * MS, cap + MS)));
        assertEquals(List.of(Cause.KEEPALIVE_RACE), errorCauses(slowThenReset(20 * MS, 19 * MS)));
        assertEquals(List.of(Cause.RESET_BEFORE_RESPONSE), errorCauses(slowThenReset(20 * MS, 21 * MS)));
        Finding race = only(slowThenReset(100 * MS, 30 * MS), Cause.KEEPALIVE_RACE);
        assertTrue(race.explanation().contains("sooner than it had answered any request on this connection"),
                race.explanation());
    }

    private Collected slowThenReset(long answer, long resetAfter) throws IOException {
        return run(w -> {
            Conversation.Conn c = w.connection(40000, 8080);
            c.handshake();
            c.client(GET_A);
            w.after(answer);
            c.server(OK);
            w.after(2 * S);
            c.client(GET_B);
            w.after(resetAfter);
            c.serverRst();
        });
    }

    /** An upstream that closes right after its response closes after it; that is no keep-alive timeout. */
    @Test
    void aCloseRightAfterTheResponseIsNoIdleClose() throws IOException {
        for (long idle : new long[] {DetectOptions.DEFAULT.keepAliveMinIdleNanos() - MS, DetectOptions.DEFAULT.keepAliveMinIdleNanos() + MS}) {
            Collected run = run(w -> {
                Conversation.Conn c = w.connection(40000, 8080);
                c.handshake();
                c.client(GET_A);
                c.server(OK);
                w.after(idle - w.step);
                c.serverFin();
                c.clientFin();
                c.serverAck();
            });
            UpstreamTimings t = run.upstreams.get(0);
            assertEquals(idle > DetectOptions.DEFAULT.keepAliveMinIdleNanos() ? 1 : 0, t.upstreamIdleCloses(), t.toString());
            assertEquals(List.of(), run.findings, run.toString());
        }
    }

    // ------------------------------------------------------------------ response framing and head

    @Test
    void contentLengthWithChunkedIsConflictingFraming() throws IOException {
        long[] f = new long[2];
        Collected run = run(w -> {
            Conversation.Conn c = w.connection(40000, 8080);
            c.handshake();
            f[0] = c.client(GET_A);
            f[1] = c.server("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
            c.closeCleanly();
        });
        Finding t = only(run, Cause.CONFLICTING_FRAMING);
        assertEquals(List.of(f[0], f[1]), frames(t));
        assertTrue(t.explanation().contains("Transfer-Encoding"), t.explanation());
    }

    @Test
    void twoContentLengthsThatDisagreeAreConflictingFraming() throws IOException {
        Collected run = run(w -> {
            Conversation.Conn c = w.connection(40000, 8080);
            c.handshake();
            c.client(GET_A);
            c.server("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok!");
            c.serverFin();
            c.clientFin();
        });
        assertEquals(List.of(Cause.CONFLICTING_FRAMING), errorCauses(run), run.toString());
    }

    @Test
    void resetAfterPartOfTheBodyIsResetDuringResponse() throws IOException {
        long[] f = new long[3];
        Collected run = run(w -> {
            Conversation.Conn c = w.connection(40000, 8080);
            c.handshake();
            f[0] = c.client(GET_A);
            f[1] = c.server("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789");
            f[2] = c.serverRst();
        });
        Finding t = only(run, Cause.RESET_DURING_RESPONSE);
        assertEquals(List.of(f[0], f[1], f[2]), frames(t));
        assertTrue(t.explanation().contains("10 body bytes of the 100"), t.explanation());
    }

    @Test
    void resetInsideTheHeadIsResetDuringResponse() throws IOException {
        long[] f = new long[3];
        Collected run = run(w -> {
            Conversation.Conn c = w.connection(40000, 8080);
            c.handshake();
            f[0] = c.client(GET_A);
            f[1] = c.server("HTTP/1.1 200 OK\r\nX-Trace: ");
            f[2] = c.serverRst();
        });
        Finding t = only(run, Cause.RESET_DURING_RESPONSE);
        assertEquals(List.of(f[0], f[1], f[2]), frames(t));
        assertEquals(List.of(Cause.RESET_DURING_RESPONSE), errorCauses(run));
    }

    @Test
    void resetWhileTheProxyIsStillSendingTheBodyIsResetDuringRequest() throws IOException {
        long[] f = new long[3];
        Collected run = run(w -> {
            Conversation.Conn c = w.connection(40000, 8080);
            c.handshake();
            f[0] = c.client("POST /upload HTTP/1.1\r\nHost: up\r\nContent-Length: 100000\r\n\r\n" + "x".repeat(1000));
            c.serverAck();
            f[1] = c.client("y".repeat(1000));
            f[2] = c.serverRst();
        });
        Finding t = only(run, Cause.RESET_DURING_REQUEST);
        assertEquals("POST /upload", t.request());
        assertEquals(List.of(f[0], f[1], f[2]), frames(t));
        assertEquals(List.of(Cause.RESET_DURING_REQUEST), errorCauses(run));
    }

    @Test
    void resetBeforeTheRequestHeadIsCompleteIsResetDuringRequest() throws IOException {
        long[] f = new long[2];
        Collected run = run(w -> {
            Conversation.Conn c = w.connection(40000, 8080);
            c.handshake();
            f[0] = c.client("POST /upload HTTP/1.1\r\nHost: up\r\nX-Big: ");
            f[1] = c.serverRst();
        });
        Finding t = only(run, Cause.RESET_DURING_REQUEST);
        assertNull(t.request());
        assertEquals(List.of(f[0], f[1]), frames(t));
    }

    @Test
    void theUpstreamsOwn503IsUpstreamErrorStatus() throws IOException {
        long[] f = new long[2];
        Collected run = run(w -> {
            Conversation.Conn c = w.connection(40000, 8080);
            c.handshake();
            f[0] = c.client(GET_A);
            f[1] = c.server("HTTP/1.1 503 Service Unavailable\r\nServer: gunicorn\r\nRetry-After: 5\r\nContent-Length: 0\r\n\r\n");
            c.closeCleanly();
        });
        Finding t = only(run, Cause.UPSTREAM_ERROR_STATUS);
        assertEquals(List.of(f[0], f[1]), frames(t));
        assertTrue(t.explanation().contains("503 Service Unavailable (Server: gunicorn), Retry-After: 5"), t.explanation());
    }

    // ------------------------------------------------------------------ header size

    private Collected bigHead(DetectOptions options, int headBytes, boolean proxyResets) throws IOException {
        String start = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Pad: ";
        String end = "\r\n\r\n";
        String head = start + "p".repeat(headBytes - start.length() - end.length()) + end;
        assertEquals(headBytes, head.length());
        return run(options, w -> {
            Conversation.Conn c = w.connection(40000, 8080);
            c.handshake();
            c.client(GET_A);
            c.server(head + "ok");
            if (proxyResets) {
                c.clientRst();
            } else {
                c.client(GET_B); // the proxy took the head and goes on
                c.server(OK);
                c.closeCleanly();
            }
        });
    }

    @Test
    void headerTooBigBothSidesOfTheProxyBuffer() throws IOException {
        int buffer = DetectOptions.DEFAULT.proxyBufferSize();
        assertEquals(List.of(), bigHead(DetectOptions.DEFAULT, buffer, true).of(Cause.HEADER_TOO_BIG), "exactly fits");
        Finding t = only(bigHead(DetectOptions.DEFAULT, buffer + 1, true), Cause.HEADER_TOO_BIG);
        assertEquals(List.of(4L, 5L, 6L), frames(t), "request, head, the proxy's RST");
        assertTrue(t.hint().startsWith("The head needs a buffer of at least 8192 bytes."), t.hint());
        assertEquals(List.of(), bigHead(DetectOptions.DEFAULT.withProxyBufferSize(8192), buffer + 1, true)
                .of(Cause.HEADER_TOO_BIG), "the option moves the limit");
    }

    @Test
    void aBigHeadTheProxyAcceptedIsNoFinding() throws IOException {
        Collected run = bigHead(DetectOptions.DEFAULT, 6000, false);
        assertEquals(List.of(), run.findings, run.toString());
    }

    @Test
    void theProxyGivingUpWhileABigHeadIsStillArrivingIsHeaderTooBig() throws IOException {
        long[] f = new long[3];
        Collected run = run(w -> {
            Conversation.Conn c = w.connection(40000, 8080);
            c.handshake();
            f[0] = c.client(GET_A);
            f[1] = c.server("HTTP/1.1 200 OK\r\nSet-Cookie: " + "c".repeat(3000));
            c.server("c".repeat(3000));
            f[2] = c.clientRst();
        });
        Finding t = only(run, Cause.HEADER_TOO_BIG);
        assertEquals(List.of(f[0], f[1], f[2]), frames(t));
        assertTrue(t.explanation().contains("at least 6029 bytes"), t.explanation());
    }

    // ------------------------------------------------------------------ timeouts

    @Test
    void responseTimeoutBothSidesOfTheMinimumWait() throws IOException {
        long min = DetectOptions.DEFAULT.responseTimeoutMinNanos();
        for (long wait : new long[] {min - MS, min + MS}) {
            Collected run = run(w -> {
                Conversation.Conn c = w.connection(40000, 8080);
                c.handshake();
                c.client(GET_A);
                c.serverAck();
                w.after(wait - 2 * w.step);
                c.clientFin();
                c.serverFin();
                c.clientAck();
            });
            assertEquals(wait > min ? List.of(Cause.RESPONSE_TIMEOUT) : List.of(), errorCauses(run), wait + "\n" + run);
        }
    }

    @Test
    void aStallInTheMiddleOfTheBodyThatTheProxyGivesUpOnIsAResponseTimeout() throws IOException {
        long[] f = new long[3];
        Collected run = run(w -> {
            Conversation.Conn c = w.connection(40000, 8080);
            c.handshake();
            f[0] = c.client(GET_A);
            f[1] = c.server("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789");
            w.after(3 * S);
            f[2] = c.clientRst();
        });
        Finding t = only(run, Cause.RESPONSE_TIMEOUT);
        assertEquals(List.of(f[0], f[1], f[2]), frames(t));
        assertTrue(t.explanation().contains("middle of its response"), t.explanation());
    }

    @Test
    void aResponseJustInsideTheProxysObservedTimeoutIsAWarning() throws IOException {
        Collected run = run(w -> {
            Conversation.Conn a = w.connection(40000, 8080);
            a.handshake();
            a.client(GET_A);
            w.after(2 * S);
            a.clientRst(); // the proxy gives up after 2 s
            Conversation.Conn b = w.connection(40001, 8080);
            b.handshake();
            b.client(GET_B);
            w.after(1900 * MS);
            b.server(OK); // 1.9 s: in time, barely
            b.closeCleanly();
            Conversation.Conn c = w.connection(40002, 8080);
            c.handshake();
            c.client(GET_A);
            w.after(1000 * MS);
            c.server(OK); // 1 s: far from it
            c.closeCleanly();
        });
        Finding slow = only(run, Cause.SLOW_RESPONSE_NEAR_TIMEOUT);
        assertEquals(Severity.WARNING, slow.severity());
        assertEquals(1, slow.connection());
        assertEquals("GET /b", slow.request());
        assertTrue(slow.explanation().contains("gave up on this upstream after 2"), slow.explanation());
    }

    @Test
    void reuseNearTheAnnouncedKeepAliveTimeoutIsAWarning() throws IOException {
        for (long idle : new long[] {1 * S, 4500 * MS}) {
            Collected run = run(w -> {
                Conversation.Conn c = w.connection(40000, 8080);
                c.handshake();
                c.client(GET_A);
                c.server("HTTP/1.1 200 OK\r\nKeep-Alive: timeout=5, max=100\r\nContent-Length: 2\r\n\r\nok");
                w.after(idle);
                c.client(GET_B);
                c.server(OK);
                c.closeCleanly();
            });
            List<Finding> near = run.of(Cause.KEEPALIVE_IDLE_NEAR_CLOSE);
            assertEquals(idle > 4 * S ? 1 : 0, near.size(), idle + "\n" + run);
            assertEquals(5 * S, run.upstreams.get(0).advertisedKeepAlive());
        }
    }

    /** One observation is reported as it is; several only when they agree (within 10 %, or 50 ms). */
    @Test
    void anInferredTimeoutNeedsAgreeingObservations() {
        assertEquals(-1, UpstreamTimings.inferred(0, -1, -1));
        assertEquals(S, UpstreamTimings.inferred(1, S, S));
        assertEquals(5 * S, UpstreamTimings.inferred(3, 5 * S, 5 * S + 400 * MS));
        assertEquals(-1, UpstreamTimings.inferred(3, 5 * S, 5 * S + 600 * MS));
        assertEquals(100 * MS, UpstreamTimings.inferred(2, 100 * MS, 149 * MS));
        assertEquals(-1, UpstreamTimings.inferred(2, 100 * MS, 151 * MS));
    }

    @Test
    void keepAliveTimeoutValues() {
        assertEquals(5 * S, Upstreams.keepAliveTimeout("timeout=5, max=100"));
        assertEquals(15 * S, Upstreams.keepAliveTimeout("max=100, Timeout = 15"));
        assertEquals(-1, Upstreams.keepAliveTimeout("max=100"));
        assertEquals(-1, Upstreams.keepAliveTimeout("timeout=x"));
        assertEquals(-1, Upstreams.keepAliveTimeout(null));
    }

    // ------------------------------------------------------------------ WebSocket

    @Test
    void aWrongAcceptIsBadWsAccept() throws IOException {
        long[] f = new long[2];
        Collected run = run(w -> {
            Conversation.Conn c = w.connection(40000, 8080);
            c.handshake();
            f[0] = c.client(UPGRADE);
            f[1] = c.server("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n");
            c.clientFin();
            c.serverFin();
        });
        Finding t = only(run, Cause.BAD_WS_ACCEPT);
        assertEquals(List.of(f[0], f[1]), frames(t));
        assertTrue(t.explanation().contains(WS_ACCEPT), t.explanation());
        assertEquals(List.of(Cause.BAD_WS_ACCEPT), errorCauses(run));
    }

    @Test
    void anUpgradeAnsweredWithout101IsRejected() throws IOException {
        long[] f = new long[2];
        Collected run = run(w -> {
            Conversation.Conn c = w.connection(40000, 8080);
            c.handshake();
            f[0] = c.client(UPGRADE);
            f[1] = c.server("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
            c.closeCleanly();
        });
        Finding t = only(run, Cause.WS_UPGRADE_REJECTED);
        assertEquals(List.of(f[0], f[1]), frames(t));
        assertFalse(t.explanation().contains("did not forward"), t.explanation());
    }

    /** nginx without proxy_set_header Upgrade/Connection: the upstream gets a plain GET with the key. */
    @Test
    void anUpgradeThatLostItsHeadersOnTheWaySaysSo() throws IOException {
        Collected run = run(w -> {
            Conversation.Conn c = w.connection(40000, 8080);
            c.handshake();
            c.client("GET /ws HTTP/1.1\r\nHost: up\r\nSec-WebSocket-Key: " + WS_KEY + "\r\nSec-WebSocket-Version: 13\r\n\r\n");
            c.server("HTTP/1.1 426 Upgrade Required\r\nContent-Length: 0\r\n\r\n");
            c.closeCleanly();
        });
        Finding t = only(run, Cause.WS_UPGRADE_REJECTED);
        assertTrue(t.explanation().contains("no Upgrade: websocket and no Connection: upgrade"), t.explanation());
        assertTrue(t.hint().startsWith("The request reached the upstream without Upgrade: websocket and Connection: upgrade."), t.hint());
    }

    @Test
    void aGatewayErrorToAnUpgradeIsTheUpstreamsOwnStatus() throws IOException {
        Collected run = run(w -> {
            Conversation.Conn c = w.connection(40000, 8080);
            c.handshake();
            c.client(UPGRADE);
            c.server("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");
            c.closeCleanly();
        });
        assertEquals(List.of(Cause.UPSTREAM_ERROR_STATUS), errorCauses(run), run.toString());
    }

    private Collected afterUpgrade(long wait, boolean reset) throws IOException {
        return run(w -> {
            Conversation.Conn c = w.connection(40000, 8080);
            c.handshake();
            c.client(UPGRADE);
            c.server("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + WS_ACCEPT + "\r\n\r\n");
            c.server(new byte[] {(byte) 0x81, 0x02, 'h', 'i'}); // one text message
            w.after(wait);
            if (reset) {
                c.serverRst();
            } else {
                c.serverFin();
                c.clientFin();
            }
        });
    }

    @Test
    void anUpgradedConnectionTheUpstreamDropsWithoutACloseFrame() throws IOException {
        Finding rst = only(afterUpgrade(10 * MS, true), Cause.WS_RESET_AFTER_UPGRADE);
        assertEquals(Severity.ERROR, rst.severity());
        assertEquals(List.of(5L, 7L), frames(rst), "the 101, the RST");
        Finding fin = only(afterUpgrade(10 * MS, false), Cause.WS_RESET_AFTER_UPGRADE);
        assertEquals(Severity.ERROR, fin.severity());
        assertEquals(List.of(5L, 7L), frames(fin), "the 101, the FIN");
        Finding late = only(afterUpgrade(DetectOptions.DEFAULT.wsEarlyCloseNanos() + S, true), Cause.WS_RESET_AFTER_UPGRADE);
        assertEquals(Severity.WARNING, late.severity(), "long after the handshake: not what a 502 comes from");
    }

    // ------------------------------------------------------------------ TCP predictors

    @Test
    void retransmissionBurstBothSidesOfTheCount() throws IOException {
        int burst = DetectOptions.DEFAULT.retransmissionBurst();
        for (int n : new int[] {burst - 1, burst}) {
            List<Long> again = new ArrayList<>();
            Collected run = run(w -> {
                Conversation.Conn c = w.connection(40000, 8080);
                c.handshake();
                c.client(GET_A);
                for (int i = 0; i < n; i++) {
                    w.after(200 * MS);
                    again.add(c.clientAgain(GET_A, GET_A.length()));
                }
                c.server(OK);
                c.closeCleanly();
            });
            List<Finding> found = run.of(Cause.RETRANSMISSION_BURST);
            if (n < burst) {
                assertEquals(List.of(), found, run.toString());
            } else {
                assertEquals(1, found.size(), run.toString());
                assertEquals(Severity.WARNING, found.get(0).severity());
                assertEquals(List.of(again.get(0), again.get(n - 1)), frames(found.get(0)));
            }
        }
    }

    @Test
    void zeroWindowStallBothSidesOfItsLength() throws IOException {
        long min = DetectOptions.DEFAULT.zeroWindowStallNanos();
        for (long stall : new long[] {min - MS, min + MS}) {
            long[] f = new long[2];
            Collected run = run(w -> {
                Conversation.Conn c = w.connection(40000, 8080);
                c.handshake();
                c.client(GET_A);
                c.server("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab");
                f[0] = c.clientWindow(0);
                w.after(stall - w.step);
                f[1] = c.clientWindow(65535);
                c.server("cd");
                c.closeCleanly();
            });
            List<Finding> found = run.of(Cause.ZERO_WINDOW_STALL);
            if (stall < min) {
                assertEquals(List.of(), found, run.toString());
            } else {
                assertEquals(1, found.size(), run.toString());
                assertEquals(List.of(f[0], f[1]), frames(found.get(0)));
                assertTrue(found.get(0).explanation().contains("the proxy stopped reading"), found.get(0).explanation());
            }
        }
    }

    // ------------------------------------------------------------------ the pass

    @Test
    void healthyKeepAliveTrafficGivesNoFinding() throws IOException {
        Collected run = run(w -> {
            Conversation.Conn c = w.connection(40000, 8080);
            c.handshake();
            for (int i = 0; i < 10_000; i++) {
                c.client(GET_A);
                c.server(OK);
                w.after(10 * MS);
            }
            c.closeCleanly();
        });
        assertEquals(List.of(), run.findings, run.toString());
        assertEquals(10_000, run.rows.size());
        assertEquals(1, run.closed.size());
        assertEquals(1, run.upstreams.size());
    }
}
