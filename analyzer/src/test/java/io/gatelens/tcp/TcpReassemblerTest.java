package io.gatelens.tcp;

import io.gatelens.anomaly.Anomaly;
import io.gatelens.anomaly.AnomalyCode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static io.gatelens.tcp.Direction.CLIENT_TO_SERVER;
import static io.gatelens.tcp.Direction.SERVER_TO_CLIENT;
import static io.gatelens.tcp.Wire.*;
import static org.junit.jupiter.api.Assertions.*;

class TcpReassemblerTest {
    private static final long CI = 1000;   // client ISN
    private static final long SI = 500000; // server ISN

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String s(byte[] bytes) {
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    private static void handshake(Wire w, long ci, long si) {
        w.client(SYN, ci, 0, NONE);
        w.server(SYN | ACK, si, ci + 1, NONE);
        w.client(ACK, ci + 1, si + 1, NONE);
    }

    @Test
    void inOrderBothWaysWithFrameNumbersAndOffsets() {
        Wire w = new Wire();
        handshake(w, CI, SI);
        long f1 = w.client(PSH | ACK, CI + 1, SI + 1, b("GET / HTTP/1.1\r\n"));
        long f2 = w.client(PSH | ACK, CI + 17, SI + 1, b("\r\n"));
        long f3 = w.server(PSH | ACK, SI + 1, CI + 19, b("HTTP/1.1 200 OK\r\n\r\n"));
        w.finish();
        Recorder r = w.only();
        assertEquals("GET / HTTP/1.1\r\n\r\n", s(r.bytes(CLIENT_TO_SERVER)));
        assertEquals("HTTP/1.1 200 OK\r\n\r\n", s(r.bytes(SERVER_TO_CLIENT)));
        List<Recorder.Event> c = r.of(CLIENT_TO_SERVER, "data");
        assertEquals(List.of(f1, f2), c.stream().map(Recorder.Event::frame).toList());
        assertEquals(List.of(0L, 16L), c.stream().map(Recorder.Event::offset).toList());
        assertEquals(f3, r.of(SERVER_TO_CLIENT, "data").get(0).frame());
        assertEquals(18, r.stats.side(CLIENT_TO_SERVER).deliveredBytes());
        assertEquals(4, r.stats.side(CLIENT_TO_SERVER).segments());
        assertEquals(0, w.reassembler.liveConnections());
    }

    @Test
    void outOfOrderIsHeldAndDeliveredWithItsOwnFrame() {
        Wire w = new Wire();
        handshake(w, CI, SI);
        long late = w.client(ACK, CI + 6, SI + 1, b("world"));
        assertEquals("", s(w.only().bytes(CLIENT_TO_SERVER)), "held until the hole fills");
        long first = w.client(ACK, CI + 1, SI + 1, b("hello"));
        Recorder r = w.only();
        assertEquals("helloworld", s(r.bytes(CLIENT_TO_SERVER)));
        List<Recorder.Event> d = r.of(CLIENT_TO_SERVER, "data");
        assertEquals(List.of(first, late), d.stream().map(Recorder.Event::frame).toList());
        w.finish();
        assertEquals(1, r.stats.side(CLIENT_TO_SERVER).outOfOrderSegments());
        assertEquals(0, r.stats.side(CLIENT_TO_SERVER).retransmittedSegments());
    }

    @Test
    void midStreamStartTakesFirstDataAsOffsetZero() {
        Wire w = new Wire();
        // A pure ACK and a keep-alive before any data must not fix offset 0 one byte early.
        w.client(ACK, 7_000_000, 3_000_000, NONE);
        w.server(ACK, 2_999_999, 7_000_000, NONE);
        w.server(PSH | ACK, 3_000_000, 7_000_000, b("abc"));
        w.client(PSH | ACK, 7_000_000, 3_000_003, b("xy"));
        w.server(PSH | ACK, 3_000_003, 7_000_002, b("def"));
        w.finish();
        Recorder r = w.only();
        assertEquals("abcdef", s(r.bytes(SERVER_TO_CLIENT)));
        assertEquals("xy", s(r.bytes(CLIENT_TO_SERVER)));
        assertEquals(0, r.of(SERVER_TO_CLIENT, "data").get(0).offset());
        assertTrue(r.of(SERVER_TO_CLIENT, "gap").isEmpty());
        assertTrue(r.of(CLIENT_TO_SERVER, "gap").isEmpty());
    }

    @Test
    void sequenceNumbersWrapMidStream() {
        Wire w = new Wire();
        long isn = 0xFFFF_FFF0L;
        handshake(w, isn, SI);
        byte[] all = new byte[100];
        for (int i = 0; i < all.length; i++) all[i] = (byte) i;
        // Out of order across the wrap: the later half first.
        for (int off = 50; off < 100; off += 10) w.send(true, ACK, (isn + 1 + off) & 0xFFFF_FFFFL, SI + 1, 65535, all, off, 10);
        for (int off = 0; off < 50; off += 10) w.send(true, ACK, (isn + 1 + off) & 0xFFFF_FFFFL, SI + 1, 65535, all, off, 10);
        w.server(ACK, SI + 1, (isn + 101) & 0xFFFF_FFFFL, NONE);
        w.client(FIN | ACK, (isn + 101) & 0xFFFF_FFFFL, SI + 1, NONE);
        w.server(ACK, SI + 1, (isn + 102) & 0xFFFF_FFFFL, NONE);
        w.finish();
        Recorder r = w.only();
        assertArrayEquals(all, r.bytes(CLIENT_TO_SERVER));
        assertTrue(r.of(CLIENT_TO_SERVER, "gap").isEmpty(), r.events.toString());
        assertEquals("data data data data data data data data data data fin", r.kinds(CLIENT_TO_SERVER));
        assertEquals(100, r.of(CLIENT_TO_SERVER, "fin").get(0).offset());
    }

    @Test
    void overlapConflictKeepsFirstCopyAndNamesTheConflictingFrame() {
        Wire w = new Wire();
        handshake(w, CI, SI);
        w.client(ACK, CI + 1, SI + 1, b("hello world"));
        long retx = w.client(ACK, CI + 7, SI + 1, b("WORLD!!"));
        Recorder r = w.only();
        assertEquals("hello world!!", s(r.bytes(CLIENT_TO_SERVER)), "first copy wins, new bytes beyond it are taken");
        List<Anomaly> a = r.anomalies(AnomalyCode.TCP_OVERLAP_CONFLICT);
        assertEquals(1, a.size());
        assertEquals(retx, a.get(0).frame());
        assertEquals(6, a.get(0).streamOffset());
        assertEquals(CLIENT_TO_SERVER, a.get(0).direction());

        // An identical retransmission is no conflict.
        w.client(ACK, CI + 1, SI + 1, b("hello"));
        assertEquals(1, r.anomalies(AnomalyCode.TCP_OVERLAP_CONFLICT).size());
        w.finish();
        assertEquals(2, r.stats.side(CLIENT_TO_SERVER).retransmittedSegments());
        assertEquals(1, r.stats.side(CLIENT_TO_SERVER).overlapConflicts());
    }

    @Test
    void overlapConflictWithHeldBytes() {
        Wire w = new Wire();
        handshake(w, CI, SI);
        w.client(ACK, CI + 11, SI + 1, b("0123456789"));
        long other = w.client(ACK, CI + 16, SI + 1, b("ABCDEFGHIJ"));
        w.client(ACK, CI + 1, SI + 1, b("abcdefghij"));
        w.finish();
        Recorder r = w.only();
        assertEquals("abcdefghij0123456789FGHIJ", s(r.bytes(CLIENT_TO_SERVER)));
        List<Anomaly> a = r.anomalies(AnomalyCode.TCP_OVERLAP_CONFLICT);
        assertEquals(1, a.size());
        assertEquals(other, a.get(0).frame());
        assertEquals(15, a.get(0).streamOffset());
    }

    @Test
    void retainedBytesAreComparedUpToTheirCapOnly() {
        // 8 bytes kept: of 16 delivered, offsets 8..15 can be compared, 0..7 no longer.
        for (int at : new int[] {7, 8}) {
            Wire w = new Wire(new TcpLimits(1 << 20, 100, 8));
            handshake(w, CI, SI);
            w.client(ACK, CI + 1, SI + 1, b("abcdefghijklmnop"));
            w.client(ACK, CI + 1 + at, SI + 1, b("X"));
            w.finish();
            int conflicts = w.only().anomalies(AnomalyCode.TCP_OVERLAP_CONFLICT).size();
            assertEquals(at >= 8 ? 1 : 0, conflicts, "offset " + at);
        }
    }

    @Test
    void bytesAckedByThePeerAreNoLongerKept() {
        Wire w = new Wire();
        handshake(w, CI, SI);
        w.client(ACK, CI + 1, SI + 1, b("abcdefgh"));
        w.server(ACK, SI + 1, CI + 5, NONE);
        w.client(ACK, CI + 1, SI + 1, b("ABCDEFGH"));
        w.finish();
        List<Anomaly> a = w.only().anomalies(AnomalyCode.TCP_OVERLAP_CONFLICT);
        assertEquals(1, a.size());
        assertEquals(4, a.get(0).streamOffset(), "the first 4 bytes were ACKed and dropped");
    }

    @Test
    void heldBytesCapBothSidesOfTheLimit() {
        int cap = 100;
        for (int held : new int[] {cap, cap + 1}) {
            Wire w = new Wire(new TcpLimits(cap, 1000, 1024));
            handshake(w, CI, SI);
            byte[] data = new byte[10 + held];
            Arrays.fill(data, (byte) 'a');
            long f = w.send(true, ACK, CI + 11, SI + 1, 65535, data, 10, held);
            Recorder r = w.only();
            if (held == cap) {
                assertTrue(r.anomalies(AnomalyCode.TCP_BUFFER_LIMIT).isEmpty());
                assertTrue(r.events.isEmpty(), "still held: " + r.events);
                w.send(true, ACK, CI + 1, SI + 1, 65535, data, 0, 10);
                assertEquals(10 + held, r.bytes(CLIENT_TO_SERVER).length);
                assertTrue(r.of(CLIENT_TO_SERVER, "gap").isEmpty());
            } else {
                List<Anomaly> a = r.anomalies(AnomalyCode.TCP_BUFFER_LIMIT);
                assertEquals(1, a.size());
                assertEquals(f, a.get(0).frame());
                assertEquals("gap data", r.kinds(CLIENT_TO_SERVER));
                assertEquals(10, r.of(CLIENT_TO_SERVER, "gap").get(0).length());
                assertEquals(held, r.bytes(CLIENT_TO_SERVER).length);
                // A second overflow in the same direction is not reported again.
                w.send(true, ACK, CI + 1 + 10 + held + 5, SI + 1, 65535, new byte[cap + 1], 0, cap + 1);
                assertEquals(1, r.anomalies(AnomalyCode.TCP_BUFFER_LIMIT).size());
                assertEquals(2, r.of(CLIENT_TO_SERVER, "gap").size());
            }
            w.finish();
            assertEquals(held > cap, r.stats.side(CLIENT_TO_SERVER).limitHit());
        }
    }

    @Test
    void heldSegmentCountCapBothSidesOfTheLimit() {
        for (int pieces : new int[] {3, 4}) {
            Wire w = new Wire(new TcpLimits(1 << 20, 3, 1024));
            handshake(w, CI, SI);
            for (int i = 0; i < pieces; i++) w.client(ACK, CI + 1 + 2 + 2 * i, SI + 1, b("x"));
            Recorder r = w.only();
            assertEquals(pieces > 3 ? 1 : 0, r.anomalies(AnomalyCode.TCP_BUFFER_LIMIT).size());
            w.finish();
        }
    }

    @Test
    void keepAlivesAreCountedNotDelivered() {
        Wire w = new Wire();
        handshake(w, CI, SI);
        w.client(PSH | ACK, CI + 1, SI + 1, b("0123456789"));
        w.server(ACK, SI + 1, CI + 11, NONE);
        w.client(ACK, CI + 10, SI + 1, NONE);
        w.client(ACK, CI + 10, SI + 1, b("?"));
        w.server(ACK, SI + 1, CI + 11, NONE);
        w.client(PSH | ACK, CI + 11, SI + 1, b("ab"));
        w.finish();
        Recorder r = w.only();
        assertEquals("0123456789ab", s(r.bytes(CLIENT_TO_SERVER)));
        assertEquals(2, r.stats.side(CLIENT_TO_SERVER).keepAlives());
        assertEquals(0, r.stats.side(CLIENT_TO_SERVER).retransmittedSegments());
        assertTrue(r.anomalies.isEmpty(), r.anomalies.toString());
    }

    @Test
    void zeroWindowProbeByteIsDeliveredOnce() {
        Wire w = new Wire();
        handshake(w, CI, SI);
        w.client(PSH | ACK, CI + 1, SI + 1, b("abcd"));
        w.send(false, ACK, SI + 1, CI + 5, 0, NONE, 0, 0);
        w.client(ACK, CI + 5, SI + 1, b("e"));
        w.send(false, ACK, SI + 1, CI + 5, 0, NONE, 0, 0);
        w.client(ACK, CI + 5, SI + 1, b("e"));
        w.send(false, ACK, SI + 1, CI + 5, 4096, NONE, 0, 0);
        w.client(PSH | ACK, CI + 5, SI + 1, b("efgh"));
        w.finish();
        Recorder r = w.only();
        assertEquals("abcdefgh", s(r.bytes(CLIENT_TO_SERVER)));
        TcpStats.Side c = r.stats.side(CLIENT_TO_SERVER);
        assertEquals(2, c.zeroWindowProbes());
        assertEquals(0, c.keepAlives());
        assertEquals(2, r.stats.side(SERVER_TO_CLIENT).zeroWindows());
        assertTrue(r.anomalies.isEmpty(), r.anomalies.toString());
    }

    @Test
    void linuxStyleZeroWindowProbeIsNotAKeepAlive() {
        Wire w = new Wire();
        handshake(w, CI, SI);
        w.client(PSH | ACK, CI + 1, SI + 1, b("abcd"));
        w.send(false, ACK, SI + 1, CI + 5, 0, NONE, 0, 0);
        w.client(ACK, CI + 4, SI + 1, NONE);
        w.finish();
        TcpStats.Side c = w.only().stats.side(CLIENT_TO_SERVER);
        assertEquals(1, c.zeroWindowProbes());
        assertEquals(0, c.keepAlives());
    }

    @Test
    void resetAfterFinAndWithout() {
        Wire w = new Wire();
        handshake(w, CI, SI);
        w.server(PSH | ACK, SI + 1, CI + 1, b("bye"));
        long fin = w.server(FIN | ACK, SI + 4, CI + 1, NONE);
        long rst = w.server(RST | ACK, SI + 5, CI + 1, NONE);
        long crst = w.client(RST, CI + 1, 0, NONE);
        w.finish();
        Recorder r = w.only();
        assertEquals("data fin reset", r.kinds(SERVER_TO_CLIENT));
        Recorder.Event reset = r.of(SERVER_TO_CLIENT, "reset").get(0);
        assertTrue(reset.afterFin());
        assertEquals(rst, reset.frame());
        assertEquals(fin, r.of(SERVER_TO_CLIENT, "fin").get(0).frame());
        Recorder.Event creset = r.of(CLIENT_TO_SERVER, "reset").get(0);
        assertFalse(creset.afterFin());
        assertEquals(crst, creset.frame());
        assertTrue(r.stats.side(SERVER_TO_CLIENT).rstSeen());
        assertTrue(r.stats.side(SERVER_TO_CLIENT).finSeen());
        assertFalse(r.stats.side(CLIENT_TO_SERVER).finSeen());
    }

    @Test
    void resetFlushesHoles() {
        Wire w = new Wire();
        handshake(w, CI, SI);
        w.server(ACK, SI + 1, CI + 1, b("ab"));
        w.server(ACK, SI + 6, CI + 1, b("fg"));
        long rst = w.server(RST | ACK, SI + 8, CI + 1, NONE);
        Recorder r = w.only();
        assertEquals("data gap data reset", r.kinds(SERVER_TO_CLIENT));
        Recorder.Event gap = r.of(SERVER_TO_CLIENT, "gap").get(0);
        assertEquals(2, gap.offset());
        assertEquals(3, gap.length());
        assertEquals(rst, gap.frame());
        w.finish();
    }

    @Test
    void finWithMissingTailGivesGapThenFin() {
        Wire w = new Wire();
        handshake(w, CI, SI);
        w.server(ACK, SI + 1, CI + 1, b("0123456789"));
        long fin = w.server(FIN | ACK, SI + 21, CI + 1, NONE);
        Recorder r = w.only();
        assertEquals("data", r.kinds(SERVER_TO_CLIENT), "the tail may still be retransmitted");
        w.finish();
        assertEquals("data gap fin", r.kinds(SERVER_TO_CLIENT));
        Recorder.Event gap = r.of(SERVER_TO_CLIENT, "gap").get(0);
        assertEquals(10, gap.offset());
        assertEquals(10, gap.length());
        assertEquals(fin, r.of(SERVER_TO_CLIENT, "fin").get(0).frame());
        assertEquals(20, r.of(SERVER_TO_CLIENT, "fin").get(0).offset());
        assertEquals(1, r.anomalies(AnomalyCode.TCP_GAP).size());
        assertEquals(10, r.stats.side(SERVER_TO_CLIENT).gapBytes());
    }

    @Test
    void ackOfFinClosesTheMissingTail() {
        Wire w = new Wire();
        handshake(w, CI, SI);
        w.server(ACK, SI + 1, CI + 1, b("0123456789"));
        w.server(FIN | ACK, SI + 21, CI + 1, NONE);
        long ack = w.client(ACK, CI + 1, SI + 22, NONE);
        Recorder r = w.only();
        assertEquals("data gap fin", r.kinds(SERVER_TO_CLIENT));
        assertEquals(ack, r.of(SERVER_TO_CLIENT, "gap").get(0).frame());
        assertEquals(10, r.of(SERVER_TO_CLIENT, "gap").get(0).length());
        w.finish();
    }

    @Test
    void lateTailBeforeFinAckIsStillDelivered() {
        Wire w = new Wire();
        handshake(w, CI, SI);
        w.server(ACK, SI + 1, CI + 1, b("01234"));
        w.server(FIN | ACK, SI + 11, CI + 1, NONE);
        w.server(ACK, SI + 6, CI + 1, b("56789"));
        Recorder r = w.only();
        assertEquals("data data fin", r.kinds(SERVER_TO_CLIENT));
        assertEquals("0123456789", s(r.bytes(SERVER_TO_CLIENT)));
        w.finish();
    }

    @Test
    void ackedUnseenSegmentBecomesAGapAtTheAck() {
        Wire w = new Wire();
        handshake(w, CI, SI);
        w.client(ACK, CI + 1, SI + 1, b("abc"));
        long ack = w.server(ACK, SI + 1, CI + 1 + 10, NONE);
        w.client(ACK, CI + 11, SI + 1, b("k"));
        Recorder r = w.only();
        assertEquals("data gap data", r.kinds(CLIENT_TO_SERVER));
        Recorder.Event gap = r.of(CLIENT_TO_SERVER, "gap").get(0);
        assertEquals(3, gap.offset());
        assertEquals(7, gap.length());
        assertEquals(ack, gap.frame());
        Anomaly a = r.anomalies(AnomalyCode.TCP_GAP).get(0);
        assertEquals(3, a.streamOffset());
        assertEquals(ack, a.frame());
        // The missed bytes arriving late are old news.
        w.client(ACK, CI + 4, SI + 1, b("defghij"));
        assertEquals("abck", s(r.bytes(CLIENT_TO_SERVER)));
        w.finish();
    }

    @Test
    void ackOnePastEverythingIsTakenForAMissedFin() {
        Wire w = new Wire();
        handshake(w, CI, SI);
        w.client(ACK, CI + 1, SI + 1, b("abc"));
        w.server(ACK, SI + 1, CI + 5, NONE);
        w.finish();
        assertEquals("data", w.only().kinds(CLIENT_TO_SERVER));
    }

    @Test
    void dataAfterFinIsReportedNotDelivered() {
        Wire w = new Wire();
        handshake(w, CI, SI);
        w.client(FIN | PSH | ACK, CI + 1, SI + 1, b("done"));
        long after = w.client(PSH | ACK, CI + 6, SI + 1, b("more"));
        w.client(PSH | ACK, CI + 1, SI + 1, b("done, more"));
        w.finish();
        Recorder r = w.only();
        assertEquals("done", s(r.bytes(CLIENT_TO_SERVER)));
        assertEquals("data fin", r.kinds(CLIENT_TO_SERVER));
        List<Anomaly> a = r.anomalies(AnomalyCode.TCP_DATA_AFTER_FIN);
        assertEquals(1, a.size(), "reported once per direction");
        assertEquals(after, a.get(0).frame());
        assertEquals(5, a.get(0).streamOffset());
    }

    @Test
    void heldDataBeyondALaterFinIsDropped() {
        Wire w = new Wire();
        handshake(w, CI, SI);
        w.client(ACK, CI + 6, SI + 1, b("world"));
        w.client(FIN | ACK, CI + 1, SI + 1, b("hello"));
        w.finish();
        Recorder r = w.only();
        assertEquals("hello", s(r.bytes(CLIENT_TO_SERVER)));
        assertEquals("data fin", r.kinds(CLIENT_TO_SERVER));
        assertEquals(1, r.anomalies(AnomalyCode.TCP_DATA_AFTER_FIN).size());
    }

    @Test
    void synRetransmissionsAndHandshakeTimes() {
        Wire w = new Wire();
        w.client(SYN, CI, 0, NONE);
        w.nanos += 999_000_000L; // the SYN is retransmitted a second later
        w.client(SYN, CI, 0, NONE);
        w.nanos += 199_000_000L;
        w.server(SYN | ACK, SI, CI + 1, NONE);
        w.nanos += 9_000_000L;
        w.server(SYN | ACK, SI, CI + 1, NONE);
        w.nanos += 49_000_000L;
        w.client(ACK, CI + 1, SI + 1, NONE);
        w.finish();
        TcpStats st = w.only().stats;
        assertEquals(1, st.synRetransmissions());
        assertEquals(1, st.synAckRetransmissions());
        assertEquals(200_000_000L, st.synToSynAckNanos(), "from the last SYN to the first SYN/ACK");
        assertEquals(50_000_000L, st.synAckToAckNanos(), "from the last SYN/ACK to the ACK");
        assertEquals(250_000_000L, st.handshakeRttNanos());
        assertEquals(0, st.connectionId());
    }

    /** The detectors prove a refused or unanswered connect with these frames (issue #4). */
    @Test
    void handshakeEventsNameTheirFrames() {
        Wire w = new Wire();
        long syn = w.client(SYN, CI, 0, NONE);
        long again = w.client(SYN, CI, 0, NONE);
        long synAck = w.server(SYN | ACK, SI, CI + 1, NONE);
        long synAckAgain = w.server(SYN | ACK, SI, CI + 1, NONE);
        w.client(ACK, CI + 1, SI + 1, NONE);
        w.finish();
        assertEquals(List.of("SYN c>s f" + syn, "SYN_RETRANSMITTED c>s f" + again, "SYN_ACK s>c f" + synAck,
                "SYN_ACK_RETRANSMITTED s>c f" + synAckAgain), w.only().segmentEvents);
    }

    @Test
    void refusedConnectIsASynAndTheReset() {
        Wire w = new Wire();
        long syn = w.client(SYN, CI, 0, NONE);
        long rst = w.server(RST | ACK, 0, CI + 1, NONE);
        w.finish();
        Recorder r = w.only();
        assertEquals(List.of("SYN c>s f" + syn), r.segmentEvents);
        assertEquals(List.of(rst), r.of(SERVER_TO_CLIENT, "reset").stream().map(Recorder.Event::frame).toList());
    }

    @Test
    void retransmittedDataIsReportedOncePerSegment() {
        Wire w = new Wire();
        handshake(w, CI, SI);
        w.client(PSH | ACK, CI + 1, SI + 1, b("abcd"));
        long again = w.client(PSH | ACK, CI + 1, SI + 1, b("abcd"));
        long partly = w.client(PSH | ACK, CI + 3, SI + 1, b("cdef"));
        w.client(PSH | ACK, CI + 7, SI + 1, b("gh"));
        w.finish();
        Recorder r = w.only();
        assertEquals(List.of("RETRANSMISSION c>s f" + again, "RETRANSMISSION c>s f" + partly),
                r.segmentEvents.subList(2, r.segmentEvents.size()));
        assertEquals(2, r.stats.side(CLIENT_TO_SERVER).retransmittedSegments());
    }

    @Test
    void windowClosingAndOpeningAreReportedOnChangeOnly() {
        Wire w = new Wire();
        handshake(w, CI, SI);
        w.client(PSH | ACK, CI + 1, SI + 1, b("abcd"));
        long closed = w.send(false, ACK, SI + 1, CI + 5, 0, NONE, 0, 0);
        w.send(false, ACK, SI + 1, CI + 5, 0, NONE, 0, 0);
        long opened = w.send(false, ACK, SI + 1, CI + 5, 4096, NONE, 0, 0);
        w.send(false, RST, SI + 1, CI + 5, 0, NONE, 0, 0); // Linux RSTs carry window 0: no event
        w.finish();
        Recorder r = w.only();
        assertEquals(List.of("ZERO_WINDOW s>c f" + closed, "WINDOW_OPENED s>c f" + opened),
                r.segmentEvents.subList(2, r.segmentEvents.size()));
        assertEquals(2, r.stats.side(SERVER_TO_CLIENT).zeroWindows());
    }

    @Test
    void handshakeTimesAreMinusOneWhenNotSeen() {
        Wire w = new Wire();
        w.client(SYN, CI, 0, NONE);
        w.client(SYN, CI, 0, NONE);
        w.finish();
        TcpStats st = w.only().stats;
        assertEquals(1, st.synRetransmissions());
        assertEquals(-1, st.synToSynAckNanos());
        assertEquals(-1, st.synAckToAckNanos());
        assertEquals(-1, st.handshakeRttNanos());
    }

    @Test
    void synDataIsStreamData() {
        Wire w = new Wire();
        w.client(SYN, CI, 0, b("GET /"));
        w.server(SYN | ACK, SI, CI + 6, NONE);
        w.client(ACK, CI + 6, SI + 1, b(" HTTP/1.1"));
        w.finish();
        Recorder r = w.only();
        assertEquals("GET / HTTP/1.1", s(r.bytes(CLIENT_TO_SERVER)));
        assertEquals(0, r.of(CLIENT_TO_SERVER, "data").get(0).offset());
        assertEquals(1, r.anomalies(AnomalyCode.TCP_SYN_DATA).size());
    }

    @Test
    void connectionDoneFlushesHeldDataAndDropsState() {
        Wire w = new Wire();
        handshake(w, CI, SI);
        w.client(ACK, CI + 1, SI + 1, b("aa"));
        long f1 = w.client(ACK, CI + 5, SI + 1, b("bb"));
        long f2 = w.client(ACK, CI + 9, SI + 1, b("cc"));
        Recorder r = w.only();
        assertEquals(1, w.reassembler.liveConnections());
        assertNull(r.stats);
        w.finish();
        assertEquals("data gap data gap data", r.kinds(CLIENT_TO_SERVER));
        List<Recorder.Event> d = r.of(CLIENT_TO_SERVER, "data");
        assertEquals(f1, d.get(1).frame());
        assertEquals(f2, d.get(2).frame());
        assertEquals(List.of(2L, 6L), r.of(CLIENT_TO_SERVER, "gap").stream().map(Recorder.Event::offset).toList());
        assertNotNull(r.stats, "closed comes after the flush");
        assertEquals(2, r.stats.side(CLIENT_TO_SERVER).gaps());
        assertEquals(4, r.stats.side(CLIENT_TO_SERVER).gapBytes());
        assertEquals(6, r.stats.side(CLIENT_TO_SERVER).deliveredBytes());
        assertEquals(0, w.reassembler.liveConnections());
    }

    @Test
    void wildSequenceAndAckNumbersDoNotThrowOrAllocateByClaim() {
        Wire w = new Wire(new TcpLimits(1000, 10, 1000));
        handshake(w, CI, SI);
        w.client(ACK, CI + 1, SI + 1, b("ok"));
        // Half the sequence space ahead, and an ACK for 3 GB the server never sent.
        w.client(ACK, (CI + 1 + 0x8000_0000L) & 0xFFFF_FFFFL, SI + 1, new byte[600]);
        w.client(ACK, (CI + 1 + 0x7FFF_FFFFL) & 0xFFFF_FFFFL, (SI + 3_000_000_000L) & 0xFFFF_FFFFL, new byte[600]);
        w.server(ACK, 12345, 0xFFFF_FFFFL, b("?"));
        w.client(ACK, CI + 3, SI + 1, b("!"));
        w.finish();
        Recorder r = w.only();
        assertTrue(s(r.bytes(CLIENT_TO_SERVER)).startsWith("ok"));
        for (Direction d : Direction.values()) {
            long covered = 0;
            for (Recorder.Event e : r.events) if (e.dir() == d) covered += e.length();
            assertEquals(r.end(d), covered, "data and gaps tile the stream");
        }
        // Both wild segments land just under 2^31 ahead (one byte apart): a hole given up at the end.
        assertEquals("ok!", s(r.bytes(CLIENT_TO_SERVER)).substring(0, 3));
        assertEquals(3 + 601, r.bytes(CLIENT_TO_SERVER).length);
        Recorder.Event gap = r.of(CLIENT_TO_SERVER, "gap").get(0);
        assertEquals(3, gap.offset());
        assertEquals(0x7FFF_FFFFL - 3, gap.length());
        assertEquals("", s(r.bytes(SERVER_TO_CLIENT)));
        assertTrue(r.of(SERVER_TO_CLIENT, "gap").isEmpty(), "a wild ACK is no proof of missed bytes");
    }

    @Test
    void snaplenCutPayloadLeavesAGapForTheMissingBytes() {
        Wire w = new Wire();
        handshake(w, CI, SI);
        w.cutNext = 4;
        w.client(ACK, CI + 1, SI + 1, b("abcdefgh"));
        w.client(ACK, CI + 9, SI + 1, b("ijkl"));
        Recorder r = w.only();
        assertEquals("abcd", s(r.bytes(CLIENT_TO_SERVER)), "the cut bytes are a hole, what follows waits");
        long ack = w.server(ACK, SI + 1, CI + 13, NONE);
        assertEquals("data gap data", r.kinds(CLIENT_TO_SERVER));
        Recorder.Event gap = r.of(CLIENT_TO_SERVER, "gap").get(0);
        assertEquals(4, gap.offset());
        assertEquals(4, gap.length());
        assertEquals(ack, gap.frame());
        assertEquals("abcdijkl", s(r.bytes(CLIENT_TO_SERVER)));
        w.finish();
        assertEquals(12, r.stats.side(CLIENT_TO_SERVER).payloadBytes(), "as on the wire");
        assertEquals(8, r.stats.side(CLIENT_TO_SERVER).deliveredBytes());
    }

    @Test
    void resetPayloadIsNotStreamData() {
        Wire w = new Wire();
        handshake(w, CI, SI);
        w.server(ACK, SI + 1, CI + 1, b("ok"));
        w.server(RST | ACK, SI + 3, CI + 1, b("connection reset: diagnostic text"));
        w.finish();
        Recorder r = w.only();
        assertEquals("ok", s(r.bytes(SERVER_TO_CLIENT)));
        assertEquals("data reset", r.kinds(SERVER_TO_CLIENT));
    }
}
