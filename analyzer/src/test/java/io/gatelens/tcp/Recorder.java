package io.gatelens.tcp;

import io.gatelens.anomaly.Anomaly;
import io.gatelens.anomaly.AnomalyCode;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Records what the reassembler hands one connection's listener, checking the contract as it goes. */
final class Recorder implements StreamListener {
    record Event(String kind, Direction dir, long offset, long length, long frame, long nanos, byte[] bytes, boolean afterFin) {
        @Override
        public String toString() {
            return kind + " " + dir.arrow() + " @" + offset + "+" + length + " f" + frame + (afterFin ? " afterFin" : "");
        }
    }

    final List<Event> events = new ArrayList<>();
    final List<Anomaly> anomalies = new ArrayList<>();
    /** Handshake, retransmission and window events as "KIND c>s fN". */
    final List<String> segmentEvents = new ArrayList<>();
    TcpStats stats;
    private final long[] expectedOffset = new long[2];
    private final boolean[] finDone = new boolean[2];

    @Override
    public void data(Direction dir, byte[] buf, int off, int len, long streamOffset, long frame, long nanos) {
        assertNull(stats, "data after closed");
        assertTrue(len > 0, "empty data event");
        assertFalse(finDone[dir.ordinal()], "data after fin");
        assertEquals(expectedOffset[dir.ordinal()], streamOffset, "data offsets must follow on");
        expectedOffset[dir.ordinal()] += len;
        events.add(new Event("data", dir, streamOffset, len, frame, nanos, Arrays.copyOfRange(buf, off, off + len), false));
    }

    @Override
    public void gap(Direction dir, long streamOffset, long length, long frame, long nanos) {
        assertNull(stats, "gap after closed");
        assertTrue(length > 0, "empty gap");
        assertFalse(finDone[dir.ordinal()], "gap after fin");
        assertEquals(expectedOffset[dir.ordinal()], streamOffset, "gap offsets must follow on");
        expectedOffset[dir.ordinal()] += length;
        events.add(new Event("gap", dir, streamOffset, length, frame, nanos, null, false));
    }

    @Override
    public void fin(Direction dir, long frame, long nanos) {
        assertNull(stats);
        assertFalse(finDone[dir.ordinal()], "second fin");
        finDone[dir.ordinal()] = true;
        events.add(new Event("fin", dir, expectedOffset[dir.ordinal()], 0, frame, nanos, null, false));
    }

    @Override
    public void reset(Direction dir, boolean afterFin, long frame, long nanos) {
        assertNull(stats);
        events.add(new Event("reset", dir, expectedOffset[dir.ordinal()], 0, frame, nanos, null, afterFin));
    }

    @Override
    public void closed(TcpStats s) {
        assertNull(stats, "closed twice");
        stats = s;
    }

    @Override
    public void segment(SegmentEvent event, Direction dir, long frame, long nanos) {
        assertNull(stats, "segment event after closed");
        segmentEvents.add(event + " " + dir.arrow() + " f" + frame);
    }

    @Override
    public void anomaly(Anomaly a) {
        anomalies.add(a);
    }

    /** All bytes delivered in one direction, gaps left out. */
    byte[] bytes(Direction dir) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Event e : events) if (e.dir == dir && e.bytes != null) out.writeBytes(e.bytes);
        return out.toByteArray();
    }

    List<Event> of(Direction dir, String kind) {
        return events.stream().filter(e -> e.dir == dir && e.kind.equals(kind)).toList();
    }

    List<Anomaly> anomalies(AnomalyCode code) {
        return anomalies.stream().filter(a -> a.code() == code).toList();
    }

    /** Where the next byte of {@code dir} would go: data and gaps so far. */
    long end(Direction dir) {
        return expectedOffset[dir.ordinal()];
    }

    String kinds(Direction dir) {
        StringBuilder sb = new StringBuilder();
        for (Event e : events) {
            if (e.dir != dir) continue;
            if (sb.length() > 0) sb.append(' ');
            sb.append(e.kind);
        }
        return sb.toString();
    }
}
