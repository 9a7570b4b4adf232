package io.gatelens.pipeline;

import io.gatelens.capture.Frame;
import io.gatelens.capture.decode.DecodedPacket;
import io.gatelens.flow.Connection;
import io.gatelens.tcp.Direction;
import io.gatelens.tcp.StreamListener;
import io.gatelens.tcp.TcpLimits;
import io.gatelens.tcp.TcpReassembler;

import java.util.function.Function;

/**
 * TCP reassembly and everything above it (the HTTP parsers and what hangs off them) on a second
 * thread: the pass thread reads, decodes and finds each segment's connection, then hands the
 * segment over with its payload copied; this thread puts the streams back in order and parses.
 * On two cores that splits the work about evenly between the pass and this thread.
 *
 * <p>Segments travel in batches that cycle between two queues. A batch's payloads share one byte
 * arena (a batch goes as soon as its arena is full), so at most {@code BATCHES} arenas are in
 * flight however large the segments, and nothing is allocated per segment. Segments reach the
 * reassembler in capture order, and each connection's end follows its last segment.
 *
 * <p>The pass thread still counts frames on each {@link Connection} meanwhile: the listeners (the
 * transactions view) read only their connection's id and endpoints, which do not change. The
 * states are made and kept on this thread, found by connection id. (The diagnosis, whose
 * listeners read more and weigh more, splits the other way: {@link ListenerThread}.) A failure on
 * this thread is rethrown on the pass thread at the next hand-over or at {@link #close()}.
 */
final class ReassemblyThread implements CapturePass.SegmentListener, AutoCloseable {
    private static final int BATCH = 1024;
    private static final int BATCHES = 8;
    /** Payload bytes per batch. */
    static final int ARENA = 1 << 20;

    private static final class Batch {
        /** The connection, read on the reassembly thread only at its first segment (for its listener). */
        final Connection[] connection = new Connection[BATCH];
        final long[] id = new long[BATCH];
        /** The direction, or null for "the connection is done". */
        final Direction[] dir = new Direction[BATCH];
        final long[] frame = new long[BATCH];
        final long[] nanos = new long[BATCH];
        final long[] seq = new long[BATCH];
        final long[] ack = new long[BATCH];
        final int[] flags = new int[BATCH];
        final int[] window = new int[BATCH];
        final int[] wire = new int[BATCH];
        /** Where each payload is: in the arena or, larger than it, in a copy of its own. */
        final byte[][] bytes = new byte[BATCH][];
        final int[] at = new int[BATCH];
        final int[] len = new int[BATCH];
        final Arena arena;
        int size;

        Batch(int arenaBytes) {
            arena = new Arena(arenaBytes);
        }
    }

    private final TcpReassembler reassembler;
    /**
     * Each connection's state, made and kept on this thread: nothing this thread writes per
     * segment sits near what the pass thread writes (a cache line bouncing between the cores).
     */
    private final StateMap states = new StateMap();
    private final BatchPipe<Batch> pipe;
    private Batch filling;

    /** {@code listeners} gives each connection its stream listener; called on the reassembly thread. */
    ReassemblyThread(TcpLimits limits, Function<Connection, StreamListener> listeners) {
        this(limits, listeners, ARENA);
    }

    /** With {@code arenaBytes} of payload per batch (tests make it small to send large segments apart). */
    ReassemblyThread(TcpLimits limits, Function<Connection, StreamListener> listeners, int arenaBytes) {
        this.reassembler = new TcpReassembler(limits, listeners);
        filling = new Batch(arenaBytes);
        java.util.List<Batch> spares = new java.util.ArrayList<>();
        for (int i = 0; i < BATCHES - 1; i++) spares.add(new Batch(arenaBytes));
        pipe = new BatchPipe<>("gatelens-parse", spares, BATCHES, this::deliver, b -> {
            java.util.Arrays.fill(b.connection, 0, b.size, null);
            java.util.Arrays.fill(b.bytes, 0, b.size, null);
        });
    }

    /**
     * A segment, in capture order. A connection that has ended (FIN both ways, or RST) is handed
     * on as done after its last segment, not when the flow table lets it go: at thousands of
     * connections a second, holding parsers for the table's linger would make memory grow with
     * the capture. Later segments (the last ACK) count in the flow table only.
     */
    @Override
    public void segment(Connection c, Direction dir, Frame f, DecodedPacket p) {
        if (c.analysisFinished()) return;
        int n = p.payloadLength();
        Batch b = room(n);
        int i = b.size++;
        b.connection[i] = c;
        b.id[i] = c.id();
        b.dir[i] = dir;
        b.frame[i] = f.number();
        b.nanos[i] = f.epochNanos();
        b.seq[i] = p.seq();
        b.ack[i] = p.ack();
        b.flags[i] = p.flags();
        b.window[i] = p.window();
        b.wire[i] = p.payloadWireLength();
        b.len[i] = n;
        b.bytes[i] = b.arena.copy(p.payloadBuffer(), p.payloadOffset(), n);
        b.at[i] = b.arena.lastAt();
        if (c.ended()) connectionDone(c);
    }

    /** The flow table let {@code c} go (or the capture ended): its streams are finished. */
    void connectionDone(Connection c) {
        if (c.analysisFinished()) return;
        c.finishAnalysis();
        Batch b = room(0);
        int i = b.size++;
        b.connection[i] = c;
        b.id[i] = c.id();
        b.dir[i] = null;
        b.frame[i] = c.lastFrame();
        b.nanos[i] = c.lastNanos();
    }

    /** The batch to add an event with {@code n} payload bytes to, handing the current one over when full. */
    private Batch room(int n) {
        Batch b = filling;
        if (b.size == BATCH || b.arena.full(n)) {
            handOff();
            b = filling;
        }
        return b;
    }

    private void handOff() {
        filling = pipe.swap(filling);
        filling.size = 0;
        filling.arena.clear();
    }

    private void deliver(Batch b) {
        for (int i = 0; i < b.size; i++) {
            Direction dir = b.dir[i];
            if (dir == null) {
                TcpReassembler.State done = states.remove(b.id[i]);
                if (done != null) reassembler.connectionDone(done, b.frame[i], b.nanos[i]);
                continue;
            }
            TcpReassembler.State s = states.get(b.id[i]);
            if (s == null) {
                s = reassembler.newState(b.connection[i]);
                states.put(b.id[i], s);
            }
            reassembler.segment(s, dir, b.frame[i], b.nanos[i], b.seq[i], b.ack[i], b.flags[i], b.window[i],
                    b.bytes[i], b.at[i], b.len[i], b.wire[i]);
        }
    }

    /** Delivers every segment handed over, waits for the listeners, and rethrows their failure. */
    @Override
    public void close() {
        pipe.close(filling.size > 0 ? filling : null);
    }
}
