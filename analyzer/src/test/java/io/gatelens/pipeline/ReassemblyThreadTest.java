package io.gatelens.pipeline;

import io.gatelens.anomaly.Anomaly;
import io.gatelens.capture.LinkType;
import io.gatelens.capture.file.PcapWriter;
import io.gatelens.flow.Connection;
import io.gatelens.flow.FlowTable;
import io.gatelens.tcp.Direction;
import io.gatelens.tcp.SegmentEvent;
import io.gatelens.tcp.StreamListener;
import io.gatelens.tcp.TcpLimits;
import io.gatelens.tcp.TcpStats;
import io.gatelens.testing.TcpFrames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import static io.gatelens.testing.TcpFrames.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The second thread, both ways round: every listener sees exactly what it sees on a one-thread
 * pass (the same events; for the diagnosis's listeners also, at each event, the same last frame
 * and time of their connection and the same clock, and at its close the same counts), on every
 * recorded capture and on a messy made-up one, whatever the batch sizes.
 */
class ReassemblyThreadTest {
    private static final Path CAPTURES = io.gatelens.testing.RecordedCaptures.DIR;

    /** Every call as a line; each connection's lines in order, connections as they first speak. */
    private static Function<Connection, StreamListener> logging(List<String> lines, List<String> threads, long[] clock) {
        return c -> {
            threads.add(Thread.currentThread().getName());
            long id = c.id();
            return new StreamListener() {
                /** What a listener reads of its connection and of the pass's clock at this event. */
                String seen() {
                    if (clock == null) return " | ids only"; // a listener that reads no counters
                    return " | conn last " + c.lastFrame() + " " + c.lastNanos() + " clock " + clock[0];
                }

                /** At the close: every count. */
                String seenAtClose() {
                    if (clock == null) return " | ids only";
                    return seen() + " counts " + c.frames() + " " + c.clientFrames() + " " + c.serverFrames() + " "
                            + c.clientPayloadBytes() + " " + c.serverPayloadBytes() + " " + c.firstFrame() + " "
                            + c.firstNanos() + " " + c.synCount() + " " + c.ended() + " " + c.end();
                }

                @Override
                public void data(Direction d, byte[] b, int off, int len, long at, long frame, long nanos) {
                    lines.add(seen());
                    lines.add(id + " data " + d + " @" + at + " " + len + " #"
                            + Arrays.hashCode(Arrays.copyOfRange(b, off, off + len)) + " f" + frame + " t" + nanos);
                }

                @Override
                public void gap(Direction d, long at, long length, long frame, long nanos) {
                    lines.add(seen());
                    lines.add(id + " gap " + d + " @" + at + " " + length + " f" + frame + " t" + nanos);
                }

                @Override
                public void fin(Direction d, long frame, long nanos) {
                    lines.add(seen());
                    lines.add(id + " fin " + d + " f" + frame + " t" + nanos);
                }

                @Override
                public void reset(Direction d, boolean afterFin, long frame, long nanos) {
                    lines.add(seen());
                    lines.add(id + " reset " + d + " " + afterFin + " f" + frame + " t" + nanos);
                }

                @Override
                public void segment(SegmentEvent e, Direction d, long frame, long nanos) {
                    lines.add(seen());
                    lines.add(id + " " + e + " " + d + " f" + frame);
                }

                @Override
                public void anomaly(Anomaly a) {
                    lines.add(seen());
                    lines.add(id + " anomaly " + a.code() + " f" + a.frame() + " @" + a.streamOffset() + " " + a.detail());
                }

                @Override
                public void closed(TcpStats s) {
                    lines.add(seenAtClose());
                    StringBuilder line = new StringBuilder(id + " closed rtt " + s.handshakeRttNanos()
                            + " syn " + s.synRetransmissions());
                    for (Direction d : Direction.values()) {
                        TcpStats.Side x = s.side(d);
                        line.append(" | ").append(x.segments()).append(' ').append(x.deliveredBytes()).append(' ')
                                .append(x.retransmittedSegments()).append(' ').append(x.outOfOrderSegments()).append(' ')
                                .append(x.gaps()).append(' ').append(x.gapBytes()).append(' ').append(x.overlapConflicts())
                                .append(' ').append(x.zeroWindows()).append(' ').append(x.keepAlives());
                    }
                    lines.add(line.toString());
                }
            };
        };
    }

    /** How a pass runs its listeners. */
    private enum Way { ONE_THREAD, REASSEMBLY_THREAD, REASSEMBLY_THREAD_SMALL_ARENAS, LISTENER_THREAD,
        LISTENER_THREAD_SMALL_ARENAS }

    /**
     * {@code judging}: listeners that read their connection's last frame and time, its counts at
     * the close, and the pass's clock (the diagnosis's); otherwise ids only (the transactions view's).
     */
    private static List<String> onePass(Path file, Way way, boolean judging) throws IOException {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        List<String> threads = Collections.synchronizedList(new ArrayList<>());
        long[] clock = judging ? new long[] {Long.MIN_VALUE} : null;
        java.util.function.LongConsumer tick = clock == null ? null : t -> clock[0] = Math.max(clock[0], t);
        Function<Connection, StreamListener> listeners = logging(lines, threads, clock);
        switch (way) {
            case ONE_THREAD -> {
                Passes.streams(file, FlowTable.DEFAULT_MAX_LIVE, TcpLimits.DEFAULT, listeners, c -> { }, null, tick);
                assertTrue(threads.stream().allMatch(t -> t.equals(Thread.currentThread().getName())), threads.toString());
                return lines;
            }
            case REASSEMBLY_THREAD, REASSEMBLY_THREAD_SMALL_ARENAS -> Passes.streamsOnSecondThread(file,
                    FlowTable.DEFAULT_MAX_LIVE, TcpLimits.DEFAULT, listeners, null,
                    way == Way.REASSEMBLY_THREAD ? ReassemblyThread.ARENA : 2048);
            case LISTENER_THREAD, LISTENER_THREAD_SMALL_ARENAS -> {
                try (ListenerThread t = new ListenerThread(listeners, tick,
                        way == Way.LISTENER_THREAD ? ListenerThread.ARENA : 2048)) {
                    Passes.streams(file, FlowTable.DEFAULT_MAX_LIVE, TcpLimits.DEFAULT, t, c -> { }, null, t);
                }
            }
        }
        assertTrue(threads.stream().allMatch("gatelens-parse"::equals), "listeners are made on the parse thread");
        return lines;
    }

    private static void sameAllWays(Path file) throws IOException {
        // The transactions view: reassembly on the second thread, listeners reading ids only.
        List<String> direct = onePass(file, Way.ONE_THREAD, false);
        assertFalse(direct.isEmpty(), file + " gives stream events");
        assertEquals(direct, onePass(file, Way.REASSEMBLY_THREAD, false), file.toString());
        // Small arenas: batches go early, and segments larger than the arena travel alone.
        assertEquals(direct, onePass(file, Way.REASSEMBLY_THREAD_SMALL_ARENAS, false), file + " with 2 KiB arenas");
        // The diagnosis: listeners on the second thread, reading the connection and the clock.
        List<String> judged = onePass(file, Way.ONE_THREAD, true);
        assertEquals(judged, onePass(file, Way.LISTENER_THREAD, true), file + " judging");
        assertEquals(judged, onePass(file, Way.LISTENER_THREAD_SMALL_ARENAS, true), file + " judging, 2 KiB arenas");
    }

    @Test
    void everyRecordedCaptureGivesTheSameEventsAsOnThePassThread() throws IOException {
        List<Path> files = io.gatelens.testing.RecordedCaptures.files();
        assertTrue(files.size() >= 30, "recorded captures found: " + files.size());
        for (Path f : files) sameAllWays(f);
    }

    /**
     * Reordered, duplicated, lost and disagreeing segments on interleaved connections, a reset, a
     * capture starting mid-connection, one still open with a hole at the end, and segments larger
     * than the small arena.
     */
    @Test
    void aMessyCaptureGivesTheSameEventsAsOnThePassThread(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("messy.pcap");
        Random r = new Random(7);
        TcpFrames f = new TcpFrames();
        long t = 1_700_000_000_000_000_000L;
        try (OutputStream os = Files.newOutputStream(file);
             PcapWriter w = new PcapWriter(os, LinkType.ETHERNET.code(), 262144, true)) {
            for (int conn = 0; conn < 6; conn++) {
                int port = 40000 + conn;
                long cIsn = r.nextInt(1 << 30) + (conn == 2 ? 0xFFFF_0000L : 0); // one wraps
                long sIsn = r.nextInt(1 << 30);
                boolean midStream = conn == 4;
                if (!midStream) {
                    w.write(f.segment(t++, "10.0.0.1", port, "10.0.0.2", 80, SYN, cIsn, 0, 0));
                    w.write(f.segment(t++, "10.0.0.2", 80, "10.0.0.1", port, SYN | ACK, sIsn, cIsn + 1, 0));
                }
                List<byte[]> frames = new ArrayList<>();
                long seq = cIsn + 1;
                for (int i = 0; i < 40; i++) {
                    int len = r.nextInt(10) == 0 ? 3000 + r.nextInt(3000) : r.nextInt(1460);
                    byte[] payload = new byte[len];
                    r.nextBytes(payload);
                    int flags = PSH | ACK;
                    int copies = r.nextInt(8) == 0 ? 2 : 1;
                    for (int k = 0; k < copies; k++) {
                        byte[] p = payload.clone();
                        if (k == 1 && r.nextBoolean() && len > 0) p[0] ^= 1; // a copy that disagrees
                        frames.add(copy(f.segment(t++, "10.0.0.1", port, "10.0.0.2", 80, flags, seq & 0xFFFFFFFFL,
                                sIsn + 1, 65535, p)));
                    }
                    if (r.nextInt(15) == 0 || (conn == 5 && i == 20)) frames.remove(frames.size() - 1); // lost
                    seq += len;
                }
                // Reorder a little: swap neighbours.
                for (int i = 0; i + 1 < frames.size(); i++) {
                    if (r.nextInt(5) == 0) Collections.swap(frames, i, i + 1);
                }
                for (byte[] fr : frames) w.write(t++, fr, 0, fr.length, fr.length);
                if (conn == 5) continue; // open at the end of the capture, a hole still unfilled
                int end = conn == 3 ? RST : FIN | ACK;
                w.write(f.segment(t++, "10.0.0.1", port, "10.0.0.2", 80, end, seq & 0xFFFFFFFFL, sIsn + 1, 0));
                if (end != RST) w.write(f.segment(t++, "10.0.0.2", 80, "10.0.0.1", port, FIN | ACK, sIsn + 1,
                        (seq + 1) & 0xFFFFFFFFL, 0));
            }
        }
        sameAllWays(file);
    }

    private static byte[] copy(io.gatelens.capture.Frame fr) {
        return Arrays.copyOfRange(fr.buffer(), fr.offset(), fr.offset() + fr.capturedLength());
    }

    /** A listener that fails at its first data, naming the frame. */
    private static StreamListener failingOnData(String what) {
        return new StreamListener() {
            @Override public void data(Direction d, byte[] b, int o, int l, long at, long fr, long n) {
                throw new IllegalStateException(what + " broke at frame " + fr);
            }
            @Override public void gap(Direction d, long at, long l, long fr, long n) { }
            @Override public void fin(Direction d, long fr, long n) { }
            @Override public void reset(Direction d, boolean afterFin, long fr, long n) { }
            @Override public void anomaly(Anomaly a) { }
            @Override public void closed(TcpStats s) { }
        };
    }

    @Test
    void aListenerFailureReachesThePassThread() {
        Path file = CAPTURES.resolve("healthy-keepalive/capture.pcap");
        IllegalStateException e = assertThrows(IllegalStateException.class, () ->
                Passes.streamsOnSecondThread(file, FlowTable.DEFAULT_MAX_LIVE, TcpLimits.DEFAULT,
                        c -> failingOnData("listener"), null, ReassemblyThread.ARENA));
        assertTrue(e.getMessage().startsWith("listener broke at frame "), e.getMessage());
    }

    @Test
    void aDiagnosisListenerFailureReachesThePassThread() {
        Path file = CAPTURES.resolve("healthy-keepalive/capture.pcap");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
            try (ListenerThread t = new ListenerThread(c -> failingOnData("detector"), null)) {
                Passes.streams(file, FlowTable.DEFAULT_MAX_LIVE, TcpLimits.DEFAULT, t, c -> { }, null, t);
            }
        });
        assertTrue(e.getMessage().startsWith("detector broke at frame "), e.getMessage());
    }
}
