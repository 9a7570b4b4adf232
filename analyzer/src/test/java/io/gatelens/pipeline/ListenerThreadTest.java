package io.gatelens.pipeline;

import io.gatelens.anomaly.Anomaly;
import io.gatelens.anomaly.AnomalyCode;
import io.gatelens.flow.Connection;
import io.gatelens.tcp.Direction;
import io.gatelens.tcp.SegmentEvent;
import io.gatelens.tcp.StreamListener;
import io.gatelens.tcp.TcpStats;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** The hand-over to the parsing thread: same events, same order, same bytes, failures surfaced. */
class ListenerThreadTest {
    /** Writes every call it gets as a line, with the data bytes' checksum. */
    private static class Log implements StreamListener {
        final List<String> lines;
        final int[] counter;
        String name;

        /** Named at its first event, from {@code counter}: the order of first events. */
        Log(int[] counter, List<String> lines) {
            this.counter = counter;
            this.lines = lines;
        }

        void name() {
            if (name == null) name = "l" + counter[0]++;
        }

        @Override
        public void data(Direction dir, byte[] buf, int off, int len, long streamOffset, long frame, long nanos) {
            name();
            lines.add(name + " data " + dir + " " + Arrays.hashCode(Arrays.copyOfRange(buf, off, off + len)) + " " + len
                    + " @" + streamOffset + " f" + frame + " t" + nanos);
        }

        @Override
        public void gap(Direction dir, long streamOffset, long length, long frame, long nanos) {
            name();
            lines.add(name + " gap " + dir + " @" + streamOffset + " " + length + " f" + frame + " t" + nanos);
        }

        @Override
        public void fin(Direction dir, long frame, long nanos) {
            name();
            lines.add(name + " fin " + dir + " f" + frame + " t" + nanos);
        }

        @Override
        public void reset(Direction dir, boolean afterFin, long frame, long nanos) {
            name();
            lines.add(name + " reset " + dir + " " + afterFin + " f" + frame + " t" + nanos);
        }

        @Override
        public void closed(TcpStats stats) {
            name();
            lines.add(name + " closed " + stats.connectionId());
        }

        @Override
        public void segment(SegmentEvent event, Direction dir, long frame, long nanos) {
            name();
            lines.add(name + " segment " + event + " " + dir + " f" + frame);
        }

        @Override
        public void anomaly(Anomaly a) {
            name();
            lines.add(name + " anomaly " + a.code() + " f" + a.frame());
        }
    }

    /** The same random calls on two connections, replayed on {@code l1}/{@code l2}. */
    private static void drive(StreamListener l1, StreamListener l2, long seed) {
        Random r = new Random(seed);
        byte[] buf = new byte[70_000];
        for (int i = 0; i < 5_000; i++) {
            StreamListener l = r.nextBoolean() ? l1 : l2;
            Direction d = r.nextBoolean() ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT;
            switch (r.nextInt(7)) {
                case 0, 1, 2 -> {
                    int len = r.nextInt(10) == 0 ? r.nextInt(buf.length) : r.nextInt(1500);
                    r.nextBytes(buf);
                    int off = r.nextInt(buf.length - len + 1);
                    l.data(d, buf, off, len, i * 10L, i, i * 1000L);
                    // The pass reuses its buffer at once: the listener must still see the old bytes.
                    Arrays.fill(buf, (byte) 0);
                }
                case 3 -> l.gap(d, i, r.nextInt(100), i, i);
                case 4 -> l.fin(d, i, i);
                case 5 -> l.segment(SegmentEvent.RETRANSMISSION, d, i, i);
                default -> l.anomaly(new Anomaly(AnomalyCode.TCP_SYN_DATA, 0, d, i, i, 0, "x"));
            }
        }
        l1.reset(Direction.SERVER_TO_CLIENT, true, 9, 9);
        l1.closed(new TcpStats(7));
        l2.closed(new TcpStats(8));
    }

    @Test
    void listenersSeeWhatTheyWouldHaveSeenDirectly() {
        List<String> direct = new ArrayList<>();
        int[] n1 = {0};
        drive(new Log(n1, direct), new Log(n1, direct), 42);

        List<String> relayed = new ArrayList<>();
        List<String> threads = new ArrayList<>();
        int[] n2 = {0};
        try (ListenerThread t = new ListenerThread(c -> {
            threads.add(Thread.currentThread().getName());
            return new Log(n2, relayed);
        })) {
            drive(t.apply(null), t.apply(null), 42);
        }
        assertEquals(direct.size(), relayed.size());
        assertEquals(direct, relayed);
        assertEquals(List.of("gatelens-parse", "gatelens-parse"), threads, "listeners are made on the parsing thread");
    }

    @Test
    void aListenerFailureReachesThePassThread() {
        ListenerThread t = new ListenerThread(c -> new Log(new int[1], new ArrayList<>()) {
            @Override
            public void fin(Direction dir, long frame, long nanos) {
                throw new IllegalStateException("listener broke at frame " + frame);
            }
        });
        StreamListener l = t.apply((Connection) null);
        l.fin(Direction.CLIENT_TO_SERVER, 3, 3);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
            // Enough events to force hand-overs, then the close that waits for the thread.
            for (int i = 0; i < 100_000; i++) l.gap(Direction.CLIENT_TO_SERVER, i, 1, i, i);
            t.close();
        });
        assertEquals("listener broke at frame 3", e.getMessage());
    }
}
