package io.gatelens.pipeline;

import io.gatelens.anomaly.Anomaly;
import io.gatelens.flow.Connection;
import io.gatelens.tcp.Direction;
import io.gatelens.tcp.SegmentEvent;
import io.gatelens.tcp.StreamListener;
import io.gatelens.tcp.TcpStats;

import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * Runs a pass's stream listeners on a second thread while the pass thread reassembles: the split
 * for the diagnosis, whose listeners (HTTP parsing, the detectors' bookkeeping) outweigh the
 * reassembly, so the two threads carry about the same. (The transactions view, lighter above the
 * streams, reassembles on the second thread instead: {@link ReassemblyThread}.)
 *
 * <p>Each stream event goes over with its bytes copied into its batch's arena, in batches that
 * cycle between two queues: nothing is allocated per event, and a batch goes as soon as its arena
 * is full, so at most {@code BATCHES} arenas are in flight however large the segments (loopback
 * captures carry 64 KiB ones). The
 * listeners get a {@link Connection#shadow() shadow} of their connection: at every event its last
 * frame and time are the connection's when the event was made, and at the connection's close all
 * its counts are (its end, FIN and RST); the pass's clock (the latest TCP frame time) comes before
 * each event. That is all the diagnosis reads of a connection. A failure on the listener thread is
 * rethrown on the pass thread at the next hand-over or at {@link #close()}.
 */
final class ListenerThread implements Function<Connection, StreamListener>, LongConsumer, AutoCloseable {
    private static final int BATCH = 512;
    private static final int BATCHES = 8;
    /** Data bytes per batch. */
    static final int ARENA = 1 << 20;

    private enum Kind { DATA, GAP, FIN, RESET, CLOSED, SEGMENT, ANOMALY, RUN }

    private static final class Event {
        Kind kind;
        Relay to;
        Direction dir;
        long offset;
        long length;
        long frame;
        long nanos;
        long connectionFrame;
        long connectionNanos;
        long clock;
        boolean flag;
        Object object;
        Connection counts;
        /** Where the data bytes are: the batch's arena from {@code at}, or their own copy. */
        byte[] bytes;
        int at;
        int len;
    }

    private static final class Batch {
        final Event[] events = new Event[BATCH];
        final Arena arena;
        int size;

        Batch(int arenaBytes) {
            arena = new Arena(arenaBytes);
            for (int i = 0; i < BATCH; i++) events[i] = new Event();
        }
    }

    private final Function<Connection, StreamListener> listeners;
    private final LongConsumer clockSink;
    private final BatchPipe<Batch> pipe;
    private Batch filling;
    /** The latest TCP frame time of the pass (pass thread only). */
    private long passClock = Long.MIN_VALUE;

    /** {@code listeners} is called on the listener thread, with a shadow; {@code clock} there too. */
    ListenerThread(Function<Connection, StreamListener> listeners, LongConsumer clock) {
        this(listeners, clock, ARENA);
    }

    /** With {@code arenaBytes} of data per batch (tests make it small to send large segments apart). */
    ListenerThread(Function<Connection, StreamListener> listeners, LongConsumer clock, int arenaBytes) {
        this.listeners = listeners;
        this.clockSink = clock;
        filling = new Batch(arenaBytes);
        java.util.List<Batch> spares = new java.util.ArrayList<>();
        for (int i = 0; i < BATCHES - 1; i++) spares.add(new Batch(arenaBytes));
        pipe = new BatchPipe<>("gatelens-parse", spares, BATCHES, b -> {
            for (int i = 0; i < b.size; i++) dispatch(b.events[i]);
        }, b -> {
            for (int i = 0; i < b.size; i++) {
                b.events[i].to = null;
                b.events[i].object = null;
                b.events[i].counts = null;
                b.events[i].bytes = null;
            }
        });
    }

    /** The pass's clock: each TCP frame's time, before the frame is handled (pass thread). */
    @Override
    public void accept(long nanos) {
        if (nanos > passClock) passClock = nanos;
    }

    @Override
    public StreamListener apply(Connection c) {
        return new Relay(c);
    }

    /** Stands in for a connection's listener on the pass thread. */
    private final class Relay implements StreamListener {
        final Connection connection;
        Connection shadow; // made and used on the listener thread only
        StreamListener target; // likewise

        Relay(Connection connection) {
            this.connection = connection;
        }

        @Override
        public void data(Direction dir, byte[] buf, int off, int len, long streamOffset, long frame, long nanos) {
            Event e = next(Kind.DATA, this, dir, frame, nanos, len);
            e.bytes = filling.arena.copy(buf, off, len);
            e.at = filling.arena.lastAt();
            e.len = len;
            e.offset = streamOffset;
        }

        @Override
        public void gap(Direction dir, long streamOffset, long length, long frame, long nanos) {
            Event e = next(Kind.GAP, this, dir, frame, nanos);
            e.offset = streamOffset;
            e.length = length;
        }

        @Override
        public void fin(Direction dir, long frame, long nanos) {
            next(Kind.FIN, this, dir, frame, nanos);
        }

        @Override
        public void reset(Direction dir, boolean afterFin, long frame, long nanos) {
            next(Kind.RESET, this, dir, frame, nanos).flag = afterFin;
        }

        @Override
        public void closed(TcpStats stats) {
            // The reassembler is done with the counters by now: they no longer change.
            Event e = next(Kind.CLOSED, this, null, -1, -1);
            e.object = stats;
            e.counts = connection.frozenCopy();
        }

        @Override
        public void segment(SegmentEvent event, Direction dir, long frame, long nanos) {
            next(Kind.SEGMENT, this, dir, frame, nanos).object = event;
        }

        @Override
        public void anomaly(Anomaly a) {
            next(Kind.ANOMALY, this, null, -1, -1).object = a;
        }
    }

    private Event next(Kind kind, Relay to, Direction dir, long frame, long nanos) {
        return next(kind, to, dir, frame, nanos, 0);
    }

    /** The next event of the batch, handing the batch over first when it has no room for {@code bytes} more. */
    private Event next(Kind kind, Relay to, Direction dir, long frame, long nanos, int bytes) {
        if (filling.size == BATCH || filling.arena.full(bytes)) handOff();
        Event e = filling.events[filling.size++];
        e.kind = kind;
        e.to = to;
        e.dir = dir;
        e.frame = frame;
        e.nanos = nanos;
        e.connectionFrame = to.connection.lastFrame();
        e.connectionNanos = to.connection.lastNanos();
        e.clock = passClock;
        return e;
    }

    /**
     * Runs {@code r} on the listener thread after every event handed on so far, and hands the
     * batch over now instead of when it is full (pass thread): a live capture's ticks, which must
     * see the diagnosis as the frames before them left it, and must not wait for a full batch on
     * a quiet link.
     */
    void run(Runnable r) {
        if (filling.size == BATCH) handOff();
        Event e = filling.events[filling.size++];
        e.kind = Kind.RUN;
        e.to = null;
        e.object = r;
        e.clock = passClock;
        handOff();
    }

    private void handOff() {
        filling = pipe.swap(filling);
        filling.size = 0;
        filling.arena.clear();
    }

    private void dispatch(Event e) {
        if (e.kind == Kind.RUN) {
            ((Runnable) e.object).run();
            return;
        }
        Relay r = e.to;
        if (r.target == null) {
            r.shadow = r.connection.shadow();
            r.target = listeners.apply(r.shadow);
        }
        if (clockSink != null) clockSink.accept(e.clock);
        if (e.counts != null) r.shadow.copyCountsFrom(e.counts);
        else r.shadow.lastSeen(e.connectionFrame, e.connectionNanos);
        StreamListener l = r.target;
        switch (e.kind) {
            case DATA -> l.data(e.dir, e.bytes, e.at, e.len, e.offset, e.frame, e.nanos);
            case GAP -> l.gap(e.dir, e.offset, e.length, e.frame, e.nanos);
            case FIN -> l.fin(e.dir, e.frame, e.nanos);
            case RESET -> l.reset(e.dir, e.flag, e.frame, e.nanos);
            case CLOSED -> l.closed((TcpStats) e.object);
            case SEGMENT -> l.segment((SegmentEvent) e.object, e.dir, e.frame, e.nanos);
            case ANOMALY -> l.anomaly((Anomaly) e.object);
        }
    }

    /** Delivers every event handed over, waits for the listeners, and rethrows their failure. */
    @Override
    public void close() {
        pipe.close(filling.size > 0 ? filling : null);
    }
}
