package io.gatelens.tcp;

import io.gatelens.anomaly.Anomaly;
import io.gatelens.anomaly.AnomalyCode;
import io.gatelens.capture.Frame;
import io.gatelens.capture.decode.DecodedPacket;
import io.gatelens.flow.Connection;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Puts each connection's two byte streams back in order and hands them to a {@link StreamListener}
 * per connection: new bytes once each, holes as explicit gaps of their exact length, FIN and RST
 * in stream order.
 *
 * <p>Offsets are 64-bit and relative: 0 is the byte after the SYN, or, when the capture began
 * mid-connection, the first sequence number the side was seen sending data or FIN with. Raw
 * 32-bit sequence numbers are only ever unwrapped near the next expected offset, never compared.
 *
 * <p>A hole becomes a gap when it can no longer fill: the peer ACKed beyond it (the receiver got
 * bytes the capture missed, Wireshark's "ACKed unseen segment"), the bytes held beyond it passed
 * a {@link TcpLimits} cap, the side reset, or the connection is done. A FIN does not by itself
 * close a hole before it: the missing bytes may still be retransmitted; the ACK of the FIN, a RST
 * or the end does. Bytes that disagree with a first copy (delivered and not yet ACKed, or held)
 * are reported, and the first copy wins. SYN data (TCP Fast Open) is delivered as stream data at
 * offset 0 and reported as {@code TCP_SYN_DATA}. RST payload is a diagnostic text (RFC 9293
 * 3.5.3), not stream data: it is not delivered.
 *
 * <p>In-order segments are delivered straight from the frame's buffer; only bytes that wait
 * beyond a hole are copied, within the caps.
 */
public final class TcpReassembler {
    /**
     * Largest ACK advance taken as proof of unseen bytes: the largest window TCP can advertise
     * (2^30, RFC 7323). A wilder ACK is ignored rather than turned into a huge gap.
     */
    static final long MAX_ACK_JUMP = 1L << 30;

    private final TcpLimits limits;
    private final Function<Connection, StreamListener> listeners;
    private int live;
    /** Spare rings for the retained bytes: at most 32 MiB kept for reuse. */
    private final Retained.Pool rings = new Retained.Pool(32 << 20);

    public TcpReassembler(TcpLimits limits, Function<Connection, StreamListener> listeners) {
        this.limits = limits;
        this.listeners = listeners;
    }

    /** Connections with state held now. */
    public int liveConnections() {
        return live;
    }

    /** One TCP segment, in capture order; {@code dir} is {@code c.sentByClient(p)} as a direction. */
    public void segment(Connection c, Direction dir, Frame frame, DecodedPacket p) {
        // The state rides on the connection: no map lookup per segment.
        State s = c.reassembly() instanceof State st && st.owner == this ? st : null;
        if (s == null) {
            s = newState(c);
            c.reassembly(s);
        }
        segment(s, dir, frame.number(), frame.epochNanos(), p.seq(), p.ack(), p.flags(), p.window(),
                p.payloadBuffer(), p.payloadOffset(), p.payloadLength(), p.payloadWireLength());
    }

    /**
     * A connection's reassembly state, for a caller that keeps it itself (the reassembly thread,
     * by connection id) instead of on the connection. Nothing in it is read or changed until the
     * first segment.
     */
    public State newState(Connection c) {
        return new State(this, c, limits.maxRetainedBytes(), rings);
    }

    /**
     * A segment on a state made by {@link #newState}, from its fields: frame number {@code fn} at
     * {@code t}, sequence and ACK numbers, {@link DecodedPacket} flags, window, and the captured
     * payload {@code buf[off, off + n)} of the {@code wireLength} bytes the segment carried.
     */
    public void segment(State s, Direction dir, long fn, long t, long seq, long ackNumber, int flags,
                        int window, byte[] buf, int off, int n, int wireLength) {
        if (s.listener == null) {
            s.listener = listeners.apply(s.connection);
            live++;
        }
        Half h = s.half(dir);
        Half peer = s.half(dir.reverse());
        int wire = Math.max(n, wireLength);
        boolean syn = (flags & DecodedPacket.FLAG_SYN) != 0;
        boolean rst = (flags & DecodedPacket.FLAG_RST) != 0;
        boolean fin = (flags & DecodedPacket.FLAG_FIN) != 0;
        boolean ack = (flags & DecodedPacket.FLAG_ACK) != 0;
        h.stats.segments++;
        h.stats.payloadBytes += wireLength;
        if (!rst) {
            // RSTs carry window 0 on Linux: not an advertisement.
            boolean zero = !syn && window == 0;
            if (zero != h.windowZero) {
                s.listener.segment(zero ? SegmentEvent.ZERO_WINDOW : SegmentEvent.WINDOW_OPENED, dir, fn, t);
            }
            h.windowZero = zero;
            if (zero) h.stats.zeroWindows++;
        }
        if (fin) h.stats.finSeen = true;

        boolean skipData = false;
        if (syn) {
            skipData = syn(s, h, dir, seq, ack, fn, t);
        } else {
            if (!h.started && (wire > 0 || fin)) {
                // Mid-connection: the first data or FIN fixes offset 0. A pure ACK or keep-alive
                // would place it one byte early.
                h.start(seq);
            }
            if (ack && !rst && s.stats.synAckToAckNanos < 0 && s.lastSynAckNanos >= 0
                    && dir == s.synAckFrom.reverse() && peer.fromSyn && peer.unwrap(ackNumber) >= 0) {
                s.stats.synAckToAckNanos = t - s.lastSynAckNanos;
            }
        }
        if (ack && peer.started) acked(s, peer, dir.reverse(), ackNumber, fn, t);

        if (h.started && !skipData && !rst) {
            long dataOff = h.unwrap(seq) + (syn ? 1 : 0);
            if (!syn && !fin && wire <= 1 && dataOff == h.maxEnd - 1) {
                // Keep-alive (RFC 9293 3.8.4): one sequence number below the next, with no or
                // one garbage byte. Linux probes a zero window the same way.
                if (peer.windowZero) h.stats.zeroWindowProbes++; else h.stats.keepAlives++;
                return;
            }
            if (!syn && wire == 1 && dataOff == h.maxEnd && peer.windowZero) h.stats.zeroWindowProbes++;
            long end = dataOff + wire;
            if (fin) setFin(s, h, dir, end, fn, t);
            if (n > 0) {
                if (syn) s.anomaly(AnomalyCode.TCP_SYN_DATA, dir, fn, t, dataOff, n + " bytes on the SYN");
                data(s, h, dir, dataOff, buf, off, n, fn, t);
            }
            if (end > h.maxEnd) h.maxEnd = end;
            checkFin(s, h, dir);
        }
        if (rst) {
            h.stats.rstSeen = true;
            if (h.started) flush(s, h, dir, fn, t);
            if (!h.resetDelivered) {
                h.resetDelivered = true;
                s.listener.reset(dir, h.finOffset >= 0, fn, t);
            }
        }
    }

    /**
     * The connection is over, or the capture is: what is held is delivered with gaps for the
     * holes, a FIN still missing bytes before it follows a gap, then {@code closed}.
     */
    public void connectionDone(Connection c) {
        if (!(c.reassembly() instanceof State s) || s.owner != this) return;
        c.reassembly(null);
        connectionDone(s, c.lastFrame(), c.lastNanos());
    }

    /**
     * The same, for a state made by {@link #newState}, with the connection's last frame and its
     * time as they were when it was done: called once, after its last segment.
     */
    public void connectionDone(State s, long fn, long t) {
        if (s.listener == null) return; // no segment reached it
        live--;
        for (Direction dir : Direction.values()) {
            Half h = s.half(dir);
            if (h.started) flush(s, h, dir, fn, t);
            h.retained.clear();
        }
        s.listener.closed(s.stats);
    }

    /** Handshake bookkeeping; true when the SYN's data belongs to no stream tracked here. */
    private static boolean syn(State s, Half h, Direction dir, long seq, boolean ack, long fn, long t) {
        boolean skip = false;
        if (h.synSeen) {
            if (seq == h.isn) {
                if (ack) s.stats.synAckRetransmissions++; else s.stats.synRetransmissions++;
                s.listener.segment(ack ? SegmentEvent.SYN_ACK_RETRANSMITTED : SegmentEvent.SYN_RETRANSMITTED, dir, fn, t);
            } else {
                skip = true;
            }
        } else {
            h.synSeen = true;
            s.listener.segment(ack ? SegmentEvent.SYN_ACK : SegmentEvent.SYN, dir, fn, t);
            h.isn = seq;
            if (!h.started) {
                h.start(seq + 1);
                h.fromSyn = true;
            }
        }
        if (!ack) {
            if (s.stats.synToSynAckNanos < 0) s.lastSynNanos = t;
        } else {
            if (s.stats.synToSynAckNanos < 0 && s.lastSynNanos >= 0) s.stats.synToSynAckNanos = t - s.lastSynNanos;
            if (s.stats.synAckToAckNanos < 0) {
                s.lastSynAckNanos = t;
                s.synAckFrom = dir;
            }
        }
        return skip;
    }

    /** The peer ACKed {@code ackRaw} of the bytes {@code h} carries. */
    private void acked(State s, Half h, Direction dir, long ackRaw, long fn, long t) {
        long a = h.unwrap(ackRaw);
        if (a > h.next) {
            if (a - h.next > MAX_ACK_JUMP) return;
            // The FIN takes a sequence number but is no byte. With no FIN seen, an ACK exactly
            // one past everything seen is most likely the ACK of a FIN the capture missed.
            if (h.finOffset >= 0) {
                a = Math.min(a, h.finOffset);
            } else if (a == h.maxEnd + 1) {
                a = h.maxEnd;
            }
            while (h.next < a) {
                long stop = h.held == null ? a : Math.min(a, h.held.firstKey());
                gap(s, h, dir, stop - h.next, fn, t);
                drain(s, h, dir);
            }
            if (a > h.maxEnd) h.maxEnd = a;
            checkFin(s, h, dir);
        }
        h.retained.releaseBefore(a);
    }

    private void data(State s, Half h, Direction dir, long dataOff, byte[] buf, int off, int n, long fn, long t) {
        long start = dataOff;
        long end = dataOff + n;
        if (h.finOffset >= 0 && end > h.finOffset) {
            dataAfterFin(s, h, dir, Math.max(start, h.finOffset), fn, t);
            end = Math.max(start, h.finOffset);
        }
        if (end <= start) return;
        long bufBase = off - dataOff;
        boolean seen = false;
        boolean heldAny = false;
        long conflict = -1;
        while (start < end) {
            if (start < h.next) {
                seen = true;
                long to = Math.min(end, h.next);
                long m = h.retained.firstMismatch(start, to, buf, bufBase);
                if (m >= 0 && conflict < 0) conflict = m;
                start = to;
                continue;
            }
            Held piece = h.held == null ? null : pieceAtOrAfter(h.held, start, end);
            if (piece == null) {
                heldAny |= fresh(s, h, dir, start, end, buf, bufBase, fn, t);
                break;
            }
            if (piece.start > start) {
                heldAny |= fresh(s, h, dir, start, piece.start, buf, bufBase, fn, t);
                start = piece.start;
                continue;
            }
            seen = true;
            long to = Math.min(end, piece.end());
            if (conflict < 0) {
                int p0 = (int) (start - piece.start);
                int b0 = (int) (bufBase + start);
                int run = (int) (to - start);
                int m = Arrays.mismatch(piece.data, p0, p0 + run, buf, b0, b0 + run);
                if (m >= 0) conflict = start + m;
            }
            start = to;
        }
        if (seen) {
            h.stats.retransmittedSegments++;
            s.listener.segment(SegmentEvent.RETRANSMISSION, dir, fn, t);
        }
        if (heldAny) h.stats.outOfOrderSegments++;
        if (conflict >= 0) {
            h.stats.overlapConflicts++;
            s.anomaly(AnomalyCode.TCP_OVERLAP_CONFLICT, dir, fn, t, conflict,
                    "byte at offset " + conflict + " differs from the copy seen first");
        }
    }

    /** Bytes no segment brought before: delivered now when next in line, else held. True when held. */
    private boolean fresh(State s, Half h, Direction dir, long a, long b, byte[] buf, long bufBase, long fn, long t) {
        if (a == h.next) {
            deliver(s, h, dir, buf, (int) (bufBase + a), (int) (b - a), fn, t);
            drain(s, h, dir);
            return false;
        }
        int len = (int) (b - a);
        byte[] copy = Arrays.copyOfRange(buf, (int) (bufBase + a), (int) (bufBase + b));
        if (h.held == null) h.held = new TreeMap<>();
        h.held.put(a, new Held(a, copy, fn, t));
        h.heldBytes += len;
        if (h.heldBytes > limits.maxHeldBytes() || h.held.size() > limits.maxHeldSegments()) {
            if (!h.stats.limitHit) {
                h.stats.limitHit = true;
                s.anomaly(AnomalyCode.TCP_BUFFER_LIMIT, dir, fn, t, h.next, h.heldBytes + " bytes in "
                        + h.held.size() + " pieces held beyond offset " + h.next + "; caps " + limits.maxHeldBytes()
                        + " bytes, " + limits.maxHeldSegments() + " pieces");
            }
            // Give up the oldest holes until what is held fits again.
            while (h.held != null && (h.heldBytes > limits.maxHeldBytes() || h.held.size() > limits.maxHeldSegments())) {
                gap(s, h, dir, h.held.firstKey() - h.next, fn, t);
                drain(s, h, dir);
            }
        }
        return true;
    }

    private static Held pieceAtOrAfter(TreeMap<Long, Held> held, long start, long end) {
        Map.Entry<Long, Held> e = held.floorEntry(start);
        if (e != null && e.getValue().end() > start) return e.getValue();
        e = held.ceilingEntry(start);
        return e != null && e.getKey() < end ? e.getValue() : null;
    }

    private static void deliver(State s, Half h, Direction dir, byte[] buf, int off, int len, long fn, long t) {
        s.listener.data(dir, buf, off, len, h.next, fn, t);
        h.stats.deliveredBytes += len;
        h.retained.append(h.next, buf, off, len);
        h.next += len;
    }

    /** Delivers held pieces that are now next in line. */
    private static void drain(State s, Half h, Direction dir) {
        while (h.held != null) {
            Map.Entry<Long, Held> e = h.held.firstEntry();
            Held piece = e.getValue();
            if (piece.start > h.next) break;
            h.held.pollFirstEntry();
            h.heldBytes -= piece.len;
            if (h.held.isEmpty()) h.held = null;
            if (piece.end() > h.next) {
                int skip = (int) (h.next - piece.start);
                deliver(s, h, dir, piece.data, skip, piece.len - skip, piece.frame, piece.nanos);
            }
        }
        checkFin(s, h, dir);
    }

    private static void gap(State s, Half h, Direction dir, long len, long fn, long t) {
        if (len <= 0) return;
        s.listener.gap(dir, h.next, len, fn, t);
        s.anomaly(AnomalyCode.TCP_GAP, dir, fn, t, h.next, len + " bytes missing");
        h.stats.gaps++;
        h.stats.gapBytes += len;
        h.next += len;
        if (h.next > h.maxEnd) h.maxEnd = h.next;
        h.retained.clear();
    }

    /** Whatever is held goes out with gaps for the holes; a FIN still short of bytes follows a gap. */
    private static void flush(State s, Half h, Direction dir, long fn, long t) {
        while (h.held != null) {
            gap(s, h, dir, h.held.firstKey() - h.next, fn, t);
            drain(s, h, dir);
        }
        if (h.finOffset > h.next) gap(s, h, dir, h.finOffset - h.next, fn, t);
        checkFin(s, h, dir);
    }

    private static void setFin(State s, Half h, Direction dir, long end, long fn, long t) {
        if (h.finOffset >= 0 || end < h.next) return; // the first FIN counts; one before delivered bytes is bogus
        h.finOffset = end;
        h.finFrame = fn;
        h.finNanos = t;
        while (h.held != null) {
            Held last = h.held.lastEntry().getValue();
            if (last.end() <= end) break;
            dataAfterFin(s, h, dir, Math.max(last.start, end), last.frame, last.nanos);
            if (last.start >= end) {
                h.held.pollLastEntry();
                h.heldBytes -= last.len;
                if (h.held.isEmpty()) h.held = null;
            } else {
                h.heldBytes -= last.end() - end;
                last.len = (int) (end - last.start);
            }
        }
    }

    private static void checkFin(State s, Half h, Direction dir) {
        if (h.finOffset >= 0 && !h.finDelivered && h.next >= h.finOffset) {
            h.finDelivered = true;
            s.listener.fin(dir, h.finFrame, h.finNanos);
        }
    }

    private static void dataAfterFin(State s, Half h, Direction dir, long offset, long fn, long t) {
        if (h.dataAfterFinReported) return;
        h.dataAfterFinReported = true;
        s.anomaly(AnomalyCode.TCP_DATA_AFTER_FIN, dir, fn, t, offset, "FIN at offset " + h.finOffset);
    }

    /** Bytes waiting beyond a hole, copied out of their frame. */
    private static final class Held {
        final long start;
        final byte[] data;
        int len;
        final long frame;
        final long nanos;

        Held(long start, byte[] data, long frame, long nanos) {
            this.start = start;
            this.data = data;
            this.len = data.length;
            this.frame = frame;
            this.nanos = nanos;
        }

        long end() { return start + len; }
    }

    /** The bytes one side sends. */
    private static final class Half {
        final TcpStats.Side stats;
        final Retained retained;
        boolean started;
        boolean fromSyn;
        boolean synSeen;
        long isn;
        /** Raw sequence number of offset 0. */
        long base;
        /** Next offset to deliver: everything before it was delivered or given up as a gap. */
        long next;
        /** Highest offset seen sent or ACKed: where the sender's next new byte goes. */
        long maxEnd;
        long finOffset = -1;
        long finFrame;
        long finNanos;
        boolean finDelivered;
        boolean resetDelivered;
        boolean dataAfterFinReported;
        /** This side's last advertised receive window was zero. */
        boolean windowZero;
        TreeMap<Long, Held> held;
        long heldBytes;

        Half(TcpStats.Side stats, Retained retained) {
            this.stats = stats;
            this.retained = retained;
        }

        void start(long rawBase) {
            started = true;
            base = rawBase & 0xFFFFFFFFL;
        }

        /** The offset of a raw sequence number: the one within 2^31 of the next expected offset. */
        long unwrap(long rawSeq) {
            return next + (int) (rawSeq - base - next);
        }
    }

    /** One connection's reassembly: opaque outside this class. */
    public static final class State {
        /** The reassembler this state belongs to (a connection could meet more than one, in tests). */
        final TcpReassembler owner;
        final Connection connection;
        /** Made at the first segment, on the thread that reassembles. */
        StreamListener listener;
        final TcpStats stats;
        final Half c2s;
        final Half s2c;
        long lastSynNanos = -1;
        long lastSynAckNanos = -1;
        Direction synAckFrom;

        State(TcpReassembler owner, Connection connection, int retainCap, Retained.Pool rings) {
            this.owner = owner;
            this.connection = connection;
            this.stats = new TcpStats(connection.id());
            this.c2s = new Half(stats.clientToServer, new Retained(retainCap, rings));
            this.s2c = new Half(stats.serverToClient, new Retained(retainCap, rings));
        }

        Half half(Direction dir) {
            return dir == Direction.CLIENT_TO_SERVER ? c2s : s2c;
        }

        void anomaly(AnomalyCode code, Direction dir, long frame, long nanos, long offset, String detail) {
            listener.anomaly(new Anomaly(code, connection.id(), dir, frame, nanos, offset, detail));
        }
    }
}
