package io.gatelens.pipeline;

import io.gatelens.anomaly.Anomaly;
import io.gatelens.flow.Connection;
import io.gatelens.tcp.Direction;
import io.gatelens.tcp.SegmentEvent;
import io.gatelens.tcp.StreamListener;
import io.gatelens.tcp.TcpStats;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Function;

/**
 * Runs a pass's stream listeners (the HTTP parsers and what hangs off them) on a second thread:
 * the pass thread reads, decodes and reassembles, and hands each stream event over with its bytes
 * copied; the listener thread parses. On two cores this halves the work in front of the pass.
 *
 * <p>Events travel in batches that cycle between two queues, each event keeping its byte buffer,
 * so nothing is allocated per event once the buffers have grown to the largest segment, and at
 * most {@code BATCHES} batches are in flight. Events reach each listener in the order the pass
 * made them, and listeners are created on the listener thread, at their connection's first event.
 *
 * <p>Only for listeners that read nothing of their {@link Connection} that the pass still changes
 * (its id and endpoints are fixed): the pass goes on counting frames on it meanwhile. A failure
 * on the listener thread is rethrown on the pass thread at the next hand-over or at
 * {@link #close()}.
 */
final class ListenerThread implements Function<Connection, StreamListener>, AutoCloseable {
    private static final int BATCH = 512;
    private static final int BATCHES = 8;

    private enum Kind { DATA, GAP, FIN, RESET, CLOSED, SEGMENT, ANOMALY }

    private static final class Event {
        Kind kind;
        Relay to;
        Direction dir;
        long offset;
        long length;
        long frame;
        long nanos;
        boolean flag;
        Object object;
        byte[] bytes = new byte[256];
        int len;
    }

    private static final class Batch {
        final Event[] events = new Event[BATCH];
        int size;

        Batch() {
            for (int i = 0; i < BATCH; i++) events[i] = new Event();
        }
    }

    private static final Batch END = new Batch();

    private final Function<Connection, StreamListener> listeners;
    private final BlockingQueue<Batch> full = new ArrayBlockingQueue<>(BATCHES + 1);
    private final BlockingQueue<Batch> free = new ArrayBlockingQueue<>(BATCHES);
    private final Thread thread;
    private Batch filling = new Batch();
    private volatile Throwable failure;
    private boolean closed;

    ListenerThread(Function<Connection, StreamListener> listeners) {
        this.listeners = listeners;
        for (int i = 0; i < BATCHES - 1; i++) free.add(new Batch());
        thread = new Thread(this::loop, "gatelens-parse");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public StreamListener apply(Connection c) {
        return new Relay(c);
    }

    /** Stands in for a connection's listener on the pass thread. */
    private final class Relay implements StreamListener {
        final Connection connection;
        StreamListener target; // made and used on the listener thread only

        Relay(Connection connection) {
            this.connection = connection;
        }

        @Override
        public void data(Direction dir, byte[] buf, int off, int len, long streamOffset, long frame, long nanos) {
            Event e = next(Kind.DATA, this, dir, frame, nanos);
            if (e.bytes.length < len) e.bytes = new byte[Math.max(len, e.bytes.length * 2)];
            System.arraycopy(buf, off, e.bytes, 0, len);
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
            next(Kind.CLOSED, this, null, -1, -1).object = stats;
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
        if (filling.size == BATCH) handOff();
        Event e = filling.events[filling.size++];
        e.kind = kind;
        e.to = to;
        e.dir = dir;
        e.frame = frame;
        e.nanos = nanos;
        return e;
    }

    private void handOff() {
        rethrowFailure();
        try {
            full.put(filling);
            filling = free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while handing stream events over", e);
        }
        filling.size = 0;
    }

    private void loop() {
        try {
            while (true) {
                Batch b = full.take();
                if (b == END) return;
                if (failure == null) {
                    try {
                        for (int i = 0; i < b.size; i++) dispatch(b.events[i]);
                    } catch (Throwable t) {
                        failure = t;
                    }
                }
                for (int i = 0; i < b.size; i++) {
                    b.events[i].to = null;
                    b.events[i].object = null;
                }
                free.put(b);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void dispatch(Event e) {
        Relay r = e.to;
        if (r.target == null) r.target = listeners.apply(r.connection);
        StreamListener l = r.target;
        switch (e.kind) {
            case DATA -> l.data(e.dir, e.bytes, 0, e.len, e.offset, e.frame, e.nanos);
            case GAP -> l.gap(e.dir, e.offset, e.length, e.frame, e.nanos);
            case FIN -> l.fin(e.dir, e.frame, e.nanos);
            case RESET -> l.reset(e.dir, e.flag, e.frame, e.nanos);
            case CLOSED -> l.closed((TcpStats) e.object);
            case SEGMENT -> l.segment((SegmentEvent) e.object, e.dir, e.frame, e.nanos);
            case ANOMALY -> l.anomaly((Anomaly) e.object);
        }
    }

    private void rethrowFailure() {
        Throwable t = failure;
        if (t == null) return;
        if (t instanceof RuntimeException r) throw r;
        if (t instanceof Error err) throw err;
        throw new IllegalStateException(t);
    }

    /** Delivers every event handed over, waits for the listeners, and rethrows their failure. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            if (filling.size > 0) full.put(filling);
            full.put(END);
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the stream listeners", e);
        }
        rethrowFailure();
    }
}
