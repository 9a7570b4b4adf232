package io.gatelens.flow;

import io.gatelens.capture.Frame;
import io.gatelens.capture.decode.DecodedPacket;
import io.gatelens.capture.decode.PacketDecoder;
import io.gatelens.testing.TcpFrames;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.gatelens.testing.TcpFrames.*;
import static org.junit.jupiter.api.Assertions.*;

class FlowTableTest {
    private final TcpFrames frames = new TcpFrames();
    private final PacketDecoder decoder = new PacketDecoder();
    private final DecodedPacket packet = new DecodedPacket();
    private final List<Connection> done = new ArrayList<>();
    private FlowTable table = new FlowTable(done::add);

    /** Every connection, in id order, once the capture is over. */
    private List<Connection> all() {
        table.finish();
        done.sort(java.util.Comparator.comparingLong(Connection::id));
        return done;
    }

    private Connection send(long ms, String src, int sp, String dst, int dp, int flags, long seq, long ack, int len) {
        Frame f = frames.segment(ms * 1_000_000L, src, sp, dst, dp, flags, seq, ack, len);
        assertTrue(decoder.decode(f, packet), "test frame must decode as TCP");
        Connection c = table.observe(f, packet);
        assertEquals(c.sentByClient(packet), table.lastSentByClient(), "direction from the key's orientation");
        return c;
    }

    /** The direction the table gives from its key agrees with comparing addresses, on real traffic. */
    @Test
    void directionFromTheKeyAgreesWithTheAddressesOnEveryRecordedCapture() throws java.io.IOException {
        int checked = 0;
        for (java.nio.file.Path file : io.gatelens.testing.RecordedCaptures.files()) {
            FlowTable t = new FlowTable(c -> { });
            try (io.gatelens.capture.PacketSource src = io.gatelens.capture.file.CaptureFiles.open(file)) {
                Frame f = new Frame();
                while (src.next(f)) {
                    if (!decoder.decode(f, packet)) continue;
                    Connection c = t.observe(f, packet);
                    assertEquals(c.sentByClient(packet), t.lastSentByClient(), file + " frame " + f.number());
                    checked++;
                }
            }
        }
        assertTrue(checked > 500, "segments checked: " + checked);
    }

    private void handshake(long ms, int clientPort, long isn) {
        send(ms, "10.0.0.1", clientPort, "10.0.0.2", 80, SYN, isn, 0, 0);
        send(ms + 1, "10.0.0.2", 80, "10.0.0.1", clientPort, SYN | ACK, 5000, isn + 1, 0);
        send(ms + 2, "10.0.0.1", clientPort, "10.0.0.2", 80, ACK, isn + 1, 5001, 0);
    }

    @Test
    void synSenderIsClientAndBytesAreCountedPerDirection() {
        handshake(0, 40000, 100);
        send(3, "10.0.0.1", 40000, "10.0.0.2", 80, PSH | ACK, 101, 5001, 120);
        send(4, "10.0.0.2", 80, "10.0.0.1", 40000, PSH | ACK, 5001, 221, 900);
        send(5, "10.0.0.2", 80, "10.0.0.1", 40000, FIN | ACK, 5901, 221, 0);
        Connection c = send(6, "10.0.0.1", 40000, "10.0.0.2", 80, FIN | ACK, 221, 5902, 0);

        assertEquals(1, all().size());
        assertEquals("10.0.0.1:40000", c.client().toString());
        assertEquals("10.0.0.2:80", c.server().toString());
        assertTrue(c.rolesFromSyn());
        assertEquals(7, c.frames());
        assertEquals(4, c.clientFrames());
        assertEquals(3, c.serverFrames());
        assertEquals(120, c.clientPayloadBytes());
        assertEquals(900, c.serverPayloadBytes());
        assertEquals(6_000_000L, c.durationNanos());
        assertEquals(1, c.firstFrame());
        assertEquals(7, c.lastFrame());
        assertEquals(ConnectionEnd.CLOSED, c.end());
    }

    @Test
    void synAckFirstStillMakesItsReceiverTheClient() {
        Connection c = send(0, "10.0.0.2", 80, "10.0.0.1", 40000, SYN | ACK, 5000, 101, 0);
        assertEquals("10.0.0.1:40000", c.client().toString());
        assertTrue(c.rolesFromSyn());
    }

    @Test
    void withoutSynTheLowerPortIsTheServer() {
        Connection c = send(0, "10.0.0.2", 8080, "10.0.0.1", 51000, ACK, 1, 1, 10);
        assertEquals("10.0.0.1:51000", c.client().toString());
        assertEquals("10.0.0.2:8080", c.server().toString());
        assertFalse(c.rolesFromSyn());
        assertEquals(ConnectionEnd.OPEN, c.end());
        assertEquals(10, c.serverPayloadBytes());
    }

    @Test
    void newSynAfterTheOldConnectionEndedIsANewConnection() {
        handshake(0, 40000, 100);
        send(3, "10.0.0.2", 80, "10.0.0.1", 40000, RST, 5001, 0, 0);
        send(4, "10.0.0.1", 40000, "10.0.0.2", 80, ACK, 101, 5001, 0); // late segment: same connection
        handshake(10, 40000, 777);
        assertEquals(1, done.size(), "the ended connection is released when the new SYN replaces it");
        List<Connection> all = all();
        assertEquals(2, all.size());
        Connection first = all.get(0), second = all.get(1);
        assertEquals(0, first.id());
        assertEquals(1, second.id());
        assertEquals(5, first.frames());
        assertEquals(3, second.frames());
        assertEquals(ConnectionEnd.RESET_BY_SERVER, first.end());
        assertEquals(ConnectionEnd.OPEN, second.end());
    }

    @Test
    void retransmittedSynIsTheSameConnectionButAnotherIsnIsNew() {
        send(0, "10.0.0.1", 40000, "10.0.0.2", 80, SYN, 100, 0, 0);
        Connection c = send(1000, "10.0.0.1", 40000, "10.0.0.2", 80, SYN, 100, 0, 0);
        assertEquals(1, table.connectionCount());
        assertEquals(2, c.synCount());
        assertEquals(ConnectionEnd.SYN_UNANSWERED, c.end());
        send(3000, "10.0.0.1", 40000, "10.0.0.2", 80, SYN, 999, 0, 0);
        assertEquals(2, all().size());
    }

    @Test
    void synAnsweredByRstIsRefused() {
        send(0, "10.0.0.1", 40000, "10.0.0.2", 81, SYN, 100, 0, 0);
        Connection c = send(1, "10.0.0.2", 81, "10.0.0.1", 40000, RST | ACK, 0, 101, 0);
        assertEquals(ConnectionEnd.REFUSED, c.end());
    }

    @Test
    void resetAfterDataNamesTheSide() {
        handshake(0, 40000, 100);
        Connection c = send(3, "10.0.0.1", 40000, "10.0.0.2", 80, RST | ACK, 101, 5001, 0);
        assertEquals(ConnectionEnd.RESET_BY_CLIENT, c.end());
        handshake(10, 40001, 100);
        c = send(13, "10.0.0.2", 80, "10.0.0.1", 40001, FIN | ACK, 5001, 101, 0);
        assertEquals(ConnectionEnd.HALF_CLOSED_BY_SERVER, c.end());
    }

    @Test
    void fullTableReleasesTheLeastRecentlyActiveConnectionAndSaysSo() {
        table = new FlowTable(2, done::add);
        handshake(0, 40000, 1);
        handshake(10, 40001, 1);
        send(15, "10.0.0.1", 40000, "10.0.0.2", 80, ACK, 2, 5001, 5); // 40000 is now the most recent
        assertFalse(table.limitHit());
        send(20, "10.0.0.1", 40002, "10.0.0.2", 80, SYN, 1, 0, 0);
        assertTrue(table.limitHit());
        assertEquals(8, table.limitHitAtFrame());
        assertEquals(1, table.releasedEarly());
        assertEquals(1, done.size());
        assertEquals(40001, done.get(0).client().port(), "the idle one goes, not the active one");
        assertEquals(2, table.liveCount());
        // A limit of N holds N: the two live connections keep counting.
        assertEquals(4, send(21, "10.0.0.1", 40000, "10.0.0.2", 80, ACK, 7, 5001, 0).clientFrames());
    }

    @Test
    void anEndedConnectionLingersForLateSegmentsThenIsReleased() {
        handshake(0, 40000, 100);
        send(3, "10.0.0.1", 40000, "10.0.0.2", 80, FIN | ACK, 101, 5001, 0);
        Connection c = send(4, "10.0.0.2", 80, "10.0.0.1", 40000, FIN | ACK, 5001, 102, 0);
        // A late ACK within the linger time is still the same connection.
        assertSame(c, send(20_000, "10.0.0.1", 40000, "10.0.0.2", 80, ACK, 102, 5002, 0));
        assertTrue(done.isEmpty());
        // Any frame after the linger time releases it.
        send(20_000 + FlowTable.ENDED_LINGER_NANOS / 1_000_000 + 1, "10.0.0.9", 1234, "10.0.0.2", 80, SYN, 1, 0, 0);
        assertEquals(List.of(c), done);
        assertEquals(0, table.liveCount() - 1);
    }

    @Test
    void fullTableReleasesAnEndedConnectionBeforeALiveOne() {
        table = new FlowTable(2, done::add);
        handshake(0, 40000, 1);
        handshake(10, 40001, 1);
        send(12, "10.0.0.2", 80, "10.0.0.1", 40001, RST, 5001, 0, 0); // 40001 ended, and most recent
        send(20, "10.0.0.1", 40002, "10.0.0.2", 80, SYN, 1, 0, 0);
        assertEquals(1, done.size());
        assertEquals(40001, done.get(0).client().port());
        assertFalse(table.limitHit(), "releasing a connection that is over loses nothing");
        assertEquals(0, table.releasedEarly());
    }

    @Test
    void aConnectionSilentForTheIdleTimeoutIsLetGoCountedAndALaterFrameStartsAnotherOne() {
        long idleMs = FlowTable.IDLE_TIMEOUT_NANOS / 1_000_000;
        handshake(0, 40000, 1);
        Connection quiet = send(5, "10.0.0.1", 40000, "10.0.0.2", 80, ACK | PSH, 2, 5001, 10);
        handshake(1_000, 40001, 1); // a second one, active all along
        for (long t = 60_000; t <= idleMs + 60_000; t += 60_000) {
            send(t, "10.0.0.1", 40001, "10.0.0.2", 80, ACK, 2, 5001, 0);
        }
        // A sweep runs every few seconds of capture time: by now the quiet one is past the timeout.
        assertEquals(List.of(quiet), done, "only the silent connection goes");
        assertEquals(1, table.expiredIdle());
        assertFalse(table.limitHit(), "letting an idle connection go is not the table being full");
        Connection again = send(idleMs + 61_000, "10.0.0.1", 40000, "10.0.0.2", 80, ACK | PSH, 12, 5001, 10);
        assertNotSame(quiet, again, "its later frame counts as a new connection");
        // An ended connection past the timeout is let go too, but it was over: not counted.
        send(idleMs + 62_000, "10.0.0.2", 80, "10.0.0.1", 40001, RST, 5001, 0, 0);
        send(2 * idleMs + 130_000, "10.0.0.9", 1234, "10.0.0.2", 80, SYN, 1, 0, 0);
        assertEquals(2, table.expiredIdle(), "the resumed one went idle again; the reset one ended: " + done);
    }
}
