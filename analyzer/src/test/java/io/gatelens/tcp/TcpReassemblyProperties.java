package io.gatelens.tcp;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static io.gatelens.tcp.Wire.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Any two byte streams, cut into segments and sent in any order with duplicates and overlaps,
 * come out exactly; with segments lost, the losses come out as gaps of exactly their length.
 */
class TcpReassemblyProperties {
    private static final long MOD = 1L << 32;
    /** Caps out of the way: whole streams of 1-byte segments may wait behind one hole here. */
    private static final TcpLimits ROOMY = new TcpLimits(1 << 20, 1 << 20, 256 << 10);

    /** One segment of one side: stream bytes [from, to). */
    record Seg(boolean client, int from, int to) { }

    /** What one side sends, and the receiver's view of what was transmitted (for its ACKs). */
    static final class Side {
        final boolean client;
        final byte[] data;
        final long isn;
        final BitSet transmitted = new BitSet();

        Side(boolean client, byte[] data, long isn) {
            this.client = client;
            this.data = data;
            this.isn = isn;
        }

        long seq(long offset) {
            return (isn + 1 + offset) % MOD;
        }

        /** The receiver ACKs the contiguous bytes it got: all transmitted, captured or not. */
        long ackFor() {
            return seq(Math.min(transmitted.nextClearBit(0), data.length));
        }
    }

    @Provide
    Arbitrary<Long> isns() {
        return Arbitraries.oneOf(Arbitraries.longs().between(0, MOD - 1),
                Arbitraries.longs().between(MOD - 30_000, MOD - 1));
    }

    @Property(tries = 300)
    void reorderedDuplicatedOverlappingSegmentsReassembleExactly(
            @ForAll @IntRange(max = 20_000) int clientLen, @ForAll @IntRange(max = 20_000) int serverLen,
            @ForAll("isns") long clientIsn, @ForAll("isns") long serverIsn,
            @ForAll @IntRange(min = 1, max = 3000) int maxSeg, @ForAll long seed) {
        Random rnd = new Random(seed);
        Side c = new Side(true, random(rnd, clientLen), clientIsn);
        Side s = new Side(false, random(rnd, serverLen), serverIsn);
        List<Seg> segs = new ArrayList<>();
        for (Side side : List.of(c, s)) {
            List<Seg> cuts = cut(rnd, side, maxSeg);
            segs.addAll(cuts);
            int extra = cuts.isEmpty() ? 0 : rnd.nextInt(cuts.size() + 1);
            for (int i = 0; i < extra; i++) {
                if (rnd.nextBoolean()) {
                    segs.add(cuts.get(rnd.nextInt(cuts.size())));
                } else {
                    int a = rnd.nextInt(side.data.length);
                    int b = a + 1 + rnd.nextInt(Math.min(side.data.length - a, 2 * maxSeg));
                    segs.add(new Seg(side.client, a, b));
                }
            }
        }
        Collections.shuffle(segs, rnd);

        Wire w = new Wire(ROOMY);
        run(w, rnd, c, s, segs);
        Recorder r = w.only();
        for (Side side : List.of(c, s)) {
            Direction d = dir(side);
            assertArrayEquals(side.data, r.bytes(d), d.id());
            assertEquals(List.of(), r.of(d, "gap"), d.id());
            assertEquals(1, r.of(d, "fin").size());
            assertEquals(side.data.length, r.stats.side(d).deliveredBytes());
        }
        assertEquals(List.of(), r.anomalies, "identical overlaps are no anomaly");
    }

    @Property(tries = 300)
    void lostSegmentsBecomeGapsOfExactlyTheMissingBytes(
            @ForAll @IntRange(max = 20_000) int clientLen, @ForAll @IntRange(max = 20_000) int serverLen,
            @ForAll("isns") long clientIsn, @ForAll("isns") long serverIsn,
            @ForAll @IntRange(min = 1, max = 3000) int maxSeg, @ForAll @DoubleRange(max = 0.6) double loss,
            @ForAll boolean receiverAcks, @ForAll long seed) {
        Random rnd = new Random(seed);
        Side c = new Side(true, random(rnd, clientLen), clientIsn);
        Side s = new Side(false, random(rnd, serverLen), serverIsn);
        List<Seg> segs = new ArrayList<>();
        segs.addAll(cut(rnd, c, maxSeg));
        segs.addAll(cut(rnd, s, maxSeg));
        Collections.shuffle(segs, rnd);
        BitSet[] lost = {new BitSet(), new BitSet()};
        List<Seg> sent = new ArrayList<>();
        for (Seg g : segs) {
            boolean drop = rnd.nextDouble() < loss;
            if (drop) lost[g.client ? 0 : 1].set(g.from, g.to);
            // A lost segment is one the receiver got but the capture did not: mark it with from < 0.
            sent.add(drop ? new Seg(g.client, -1 - g.from, -1 - g.to) : g);
        }

        Wire w = new Wire(ROOMY);
        runWithLoss(w, rnd, c, s, sent, receiverAcks);
        Recorder r = w.only();
        for (Side side : List.of(c, s)) {
            Direction d = dir(side);
            BitSet gaps = new BitSet();
            long at = 0;
            for (Recorder.Event e : r.events) {
                if (e.dir() != d) continue;
                switch (e.kind()) {
                    case "data" -> {
                        assertEquals(at, e.offset());
                        for (int i = 0; i < e.length(); i++) {
                            assertEquals(side.data[(int) at + i], e.bytes()[i], "byte at " + (at + i));
                        }
                    }
                    case "gap" -> {
                        assertEquals(at, e.offset());
                        gaps.set((int) at, (int) (at + e.length()));
                    }
                    case "fin" -> assertEquals(side.data.length, at, "fin after all bytes");
                    default -> fail("unexpected " + e);
                }
                at += e.length();
            }
            assertEquals(side.data.length, at, "data and gaps cover the stream exactly once");
            assertEquals(lost[side.client ? 0 : 1], gaps, "gaps are exactly the lost bytes");
            assertEquals(1, r.of(d, "fin").size());
            assertEquals(gaps.cardinality(), r.stats.side(d).gapBytes());
        }
    }

    @Property(tries = 200)
    void underTightCapsEveryByteIsStillDeliveredRightOrGivenUpOnce(
            @ForAll @IntRange(max = 20_000) int clientLen, @ForAll @IntRange(max = 20_000) int serverLen,
            @ForAll("isns") long clientIsn, @ForAll("isns") long serverIsn,
            @ForAll @IntRange(min = 1, max = 3000) int maxSeg, @ForAll @DoubleRange(max = 0.3) double loss,
            @ForAll @IntRange(max = 5000) int heldCap, @ForAll @IntRange(min = 1, max = 20) int heldPieces,
            @ForAll @IntRange(max = 4000) int retainCap, @ForAll boolean receiverAcks, @ForAll long seed) {
        Random rnd = new Random(seed);
        Side c = new Side(true, random(rnd, clientLen), clientIsn);
        Side s = new Side(false, random(rnd, serverLen), serverIsn);
        List<Seg> segs = new ArrayList<>();
        for (Side side : List.of(c, s)) {
            List<Seg> cuts = cut(rnd, side, maxSeg);
            segs.addAll(cuts);
            for (int i = 0; i < cuts.size() / 3; i++) segs.add(cuts.get(rnd.nextInt(cuts.size())));
        }
        Collections.shuffle(segs, rnd);
        List<Seg> sent = new ArrayList<>();
        for (Seg g : segs) sent.add(rnd.nextDouble() < loss ? new Seg(g.client, -1 - g.from, -1 - g.to) : g);

        Wire w = new Wire(new TcpLimits(heldCap, heldPieces, retainCap));
        runWithLoss(w, rnd, c, s, sent, receiverAcks);
        Recorder r = w.only();
        for (Side side : List.of(c, s)) {
            Direction d = dir(side);
            long at = 0;
            for (Recorder.Event e : r.events) {
                if (e.dir() != d || e.kind().equals("fin")) continue;
                assertEquals(at, e.offset());
                if (e.kind().equals("data")) {
                    for (int i = 0; i < e.length(); i++) assertEquals(side.data[(int) at + i], e.bytes()[i]);
                }
                at += e.length();
            }
            assertEquals(side.data.length, at, "data and gaps cover the stream exactly once");
            assertEquals(1, r.of(d, "fin").size());
        }
        assertEquals(List.of(), r.anomalies(io.gatelens.anomaly.AnomalyCode.TCP_OVERLAP_CONFLICT));
    }

    /**
     * Hostile or garbled captures: any flags, sequence and ACK numbers (near the stream or
     * anywhere in the 32-bit space), any sizes. Nothing throws, the caps hold, and each
     * direction's events still follow on from each other (the recorder checks that as it goes).
     */
    @Property(tries = 300)
    void garbageSegmentsNeverBreakTheContract(@ForAll @IntRange(min = 1, max = 400) int count,
                                              @ForAll("isns") long clientIsn, @ForAll long seed) {
        Random rnd = new Random(seed);
        TcpLimits limits = new TcpLimits(rnd.nextInt(20_000), 1 + rnd.nextInt(50), rnd.nextInt(20_000));
        Wire w = new Wire(limits);
        long[] base = {clientIsn, rnd.nextLong() & 0xFFFF_FFFFL};
        byte[] junk = random(rnd, 70_000);
        w.send(true, SYN, base[0], 0, 65535, NONE, 0, 0);
        for (int i = 0; i < count; i++) {
            boolean client = rnd.nextBoolean();
            int side = client ? 0 : 1;
            int flags = rnd.nextInt(8) == 0 ? rnd.nextInt(256) & ~SYN : ACK | (rnd.nextInt(6) == 0 ? FIN : 0) | (rnd.nextInt(30) == 0 ? RST : 0);
            long seq = rnd.nextInt(5) == 0 ? rnd.nextLong() & 0xFFFF_FFFFL : (base[side] + rnd.nextInt(40_000) - 5_000) & 0xFFFF_FFFFL;
            long ack = rnd.nextInt(5) == 0 ? rnd.nextLong() & 0xFFFF_FFFFL : (base[1 - side] + rnd.nextInt(40_000) - 5_000) & 0xFFFF_FFFFL;
            int len = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(rnd.nextBoolean() ? 30 : 3000);
            int off = rnd.nextInt(junk.length - len);
            w.send(client, flags, seq, ack, rnd.nextInt(3) == 0 ? 0 : 65535, junk, off, len);
        }
        w.finish();
        for (Recorder r : w.recorders.values()) {
            assertNotNull(r.stats);
            for (Direction d : Direction.values()) {
                long covered = 0;
                for (Recorder.Event e : r.events) if (e.dir() == d) covered += e.length();
                assertEquals(r.end(d), covered);
                assertEquals(r.bytes(d).length, r.stats.side(d).deliveredBytes());
                assertTrue(r.of(d, "fin").size() <= 1);
            }
        }
        assertEquals(0, w.reassembler.liveConnections());
    }

    private static void run(Wire w, Random rnd, Side c, Side s, List<Seg> segs) {
        handshake(w, c, s);
        for (Seg g : segs) {
            Side from = g.client ? c : s;
            Side to = g.client ? s : c;
            from.transmitted.set(g.from, g.to);
            w.send(g.client, ACK, from.seq(g.from), to.ackFor(), 65535, from.data, g.from, g.to - g.from);
            if (rnd.nextInt(8) == 0) w.send(!g.client, ACK, to.seq(to.transmitted.nextClearBit(0) > to.data.length
                    ? to.data.length : 0), from.ackFor(), 65535, NONE, 0, 0);
        }
        close(w, c, s);
    }

    private static void runWithLoss(Wire w, Random rnd, Side c, Side s, List<Seg> segs, boolean receiverAcks) {
        handshake(w, c, s);
        for (Seg g : segs) {
            boolean lost = g.from < 0;
            int from = lost ? -1 - g.from : g.from;
            int to = lost ? -1 - g.to : g.to;
            Side snd = g.client ? c : s;
            Side rcv = g.client ? s : c;
            snd.transmitted.set(from, to);
            long ack = receiverAcks ? rcv.ackFor() : rcv.seq(0);
            if (!lost) w.send(g.client, ACK, snd.seq(from), ack, 65535, snd.data, from, to - from);
            if (receiverAcks && rnd.nextInt(4) == 0) w.send(!g.client, ACK, rcv.seq(0), snd.ackFor(), 65535, NONE, 0, 0);
        }
        if (receiverAcks) {
            close(w, c, s);
        } else {
            w.send(true, FIN | ACK, c.seq(c.data.length), s.seq(0), 65535, NONE, 0, 0);
            w.send(false, FIN | ACK, s.seq(s.data.length), c.seq(0), 65535, NONE, 0, 0);
            w.finish();
        }
    }

    private static void handshake(Wire w, Side c, Side s) {
        w.send(true, SYN, c.isn, 0, 65535, NONE, 0, 0);
        w.send(false, SYN | ACK, s.isn, c.seq(0), 65535, NONE, 0, 0);
        w.send(true, ACK, c.seq(0), s.seq(0), 65535, NONE, 0, 0);
    }

    private static void close(Wire w, Side c, Side s) {
        w.send(true, FIN | ACK, c.seq(c.data.length), s.ackFor(), 65535, NONE, 0, 0);
        w.send(false, FIN | ACK, s.seq(s.data.length), (c.seq(c.data.length) + 1) % MOD, 65535, NONE, 0, 0);
        w.send(true, ACK, (c.seq(c.data.length) + 1) % MOD, (s.seq(s.data.length) + 1) % MOD, 65535, NONE, 0, 0);
        w.finish();
    }

    private static List<Seg> cut(Random rnd, Side side, int maxSeg) {
        List<Seg> out = new ArrayList<>();
        for (int at = 0; at < side.data.length; ) {
            int len = Math.min(side.data.length - at, 1 + rnd.nextInt(maxSeg));
            out.add(new Seg(side.client, at, at + len));
            at += len;
        }
        return out;
    }

    private static byte[] random(Random rnd, int len) {
        byte[] b = new byte[len];
        rnd.nextBytes(b);
        return b;
    }

    private static Direction dir(Side side) {
        return side.client ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT;
    }
}
