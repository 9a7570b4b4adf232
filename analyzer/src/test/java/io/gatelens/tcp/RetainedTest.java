package io.gatelens.tcp;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class RetainedTest {
    /** Compares {@code stream[from, to)} against what is kept, with one byte changed at {@code flip} (or none). */
    private static long probe(Retained r, byte[] stream, long from, long to, long flip) {
        byte[] copy = stream.clone();
        if (flip >= 0) copy[(int) flip] ^= 1;
        return r.firstMismatch(from, to, copy, 0);
    }

    @Test
    void keepsTheNewestBytesUpToItsCapAcrossTheRingsWrap() {
        Random rnd = new Random(7);
        byte[] stream = new byte[100_000];
        rnd.nextBytes(stream);
        int cap = 20_000;
        Retained r = new Retained(cap, new Retained.Pool(1 << 20));
        int at = 0;
        while (at < stream.length) {
            int n = Math.min(stream.length - at, 1 + rnd.nextInt(3000));
            r.append(at, stream, at, n);
            at += n;
            assertEquals(Math.min(at, cap), r.length());
            assertEquals(at - r.length(), r.start());
            // Every kept byte is the stream's, wherever the ring's seam falls.
            assertEquals(-1, probe(r, stream, 0, at, -1));
            long kept = r.start() + rnd.nextInt(r.length());
            assertEquals(kept, probe(r, stream, 0, at, kept));
            if (r.start() > 0) assertEquals(-1, probe(r, stream, 0, at, r.start() - 1), "dropped bytes are not compared");
        }
        r.releaseBefore(stream.length - 10);
        assertEquals(10, r.length());
        assertEquals(stream.length - 1, probe(r, stream, 0, stream.length, stream.length - 1));
        r.releaseBefore(stream.length);
        assertEquals(0, r.length());
        assertEquals(-1, probe(r, stream, 0, stream.length, stream.length - 1));
    }

    @Test
    void aBreakInOffsetsStartsAfresh() {
        byte[] s = "abcdefgh".getBytes();
        Retained r = new Retained(100, new Retained.Pool(1 << 20));
        r.append(0, s, 0, 4);
        r.append(6, s, 6, 2);
        assertEquals(6, r.start());
        assertEquals(2, r.length());
    }

    @Test
    void aSegmentLargerThanTheCapKeepsItsTail() {
        byte[] s = new byte[50];
        for (int i = 0; i < s.length; i++) s[i] = (byte) i;
        Retained r = new Retained(16, new Retained.Pool(1 << 20));
        r.append(1000, s, 0, 50);
        assertEquals(1034, r.start());
        assertEquals(16, r.length());
        byte[] view = new byte[2000];
        System.arraycopy(s, 0, view, 1000, 50);
        assertEquals(-1, r.firstMismatch(1000, 1050, view, 0));
        view[1049] = 0;
        assertEquals(1049, r.firstMismatch(1000, 1050, view, 0));
    }

    @Test
    void capZeroKeepsNothing() {
        Retained r = new Retained(0, new Retained.Pool(1 << 20));
        r.append(0, new byte[10], 0, 10);
        assertEquals(0, r.length());
    }

    @Test
    void ringsGoBackToThePoolWhenAllIsAckedWithinItsBound() {
        Retained.Pool pool = new Retained.Pool(Retained.MIN_CAPACITY * 2L);
        Retained a = new Retained(1 << 20, pool);
        Retained b = new Retained(1 << 20, pool);
        byte[] s = new byte[3 * Retained.MIN_CAPACITY];
        a.append(0, s, 0, 100);
        b.append(0, s, 0, 100);
        a.releaseBefore(100);
        assertEquals(Retained.MIN_CAPACITY, pool.bytes());
        b.releaseBefore(100);
        assertEquals(2L * Retained.MIN_CAPACITY, pool.bytes());
        a.append(100, s, 0, 100);
        assertEquals(Retained.MIN_CAPACITY, pool.bytes(), "taken back from the pool");
        // A ring grown past the pool's bound is left to the collector.
        a.append(200, s, 0, s.length);
        a.releaseBefore(Long.MAX_VALUE);
        assertEquals(2L * Retained.MIN_CAPACITY, pool.bytes());
    }
}
