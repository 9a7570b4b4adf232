package io.gatelens.tcp;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * The last delivered bytes of one direction not yet ACKed by the peer, kept to compare
 * retransmissions with the first copy (as Zeek does). A ring that grows up to its cap, drops the
 * oldest bytes beyond it, and gives its array back once everything is ACKed, so an idle
 * connection holds none. Small rings come from and go back to the reassembler's pool, so a
 * request/ACK rhythm does not allocate per message.
 */
final class Retained {
    static final int MIN_CAPACITY = 8192;

    /**
     * Spare rings, by power-of-two size from {@link #MIN_CAPACITY}, shared by one reassembler's
     * connections and bounded in total bytes: a busy capture reuses them instead of allocating a
     * ring per response, an idle one holds at most the bound.
     */
    static final class Pool {
        private static final int CLASSES = 18;
        @SuppressWarnings("unchecked")
        private final ArrayDeque<byte[]>[] spare = new ArrayDeque[CLASSES];
        private final long maxBytes;
        private long bytes;

        Pool(long maxBytes) {
            this.maxBytes = maxBytes;
        }

        byte[] take(int size) {
            int k = sizeClass(size);
            if (k >= 0 && spare[k] != null && !spare[k].isEmpty()) {
                bytes -= size;
                return spare[k].pollLast();
            }
            return new byte[size];
        }

        void give(byte[] b) {
            int k = sizeClass(b.length);
            if (k < 0 || bytes + b.length > maxBytes) return;
            if (spare[k] == null) spare[k] = new ArrayDeque<>();
            spare[k].addLast(b);
            bytes += b.length;
        }

        long bytes() { return bytes; }

        private static int sizeClass(int size) {
            if (size < MIN_CAPACITY || Integer.bitCount(size) != 1) return -1;
            int k = Integer.numberOfTrailingZeros(size) - Integer.numberOfTrailingZeros(MIN_CAPACITY);
            return k < CLASSES ? k : -1;
        }
    }

    private final int cap;
    private final Pool pool;
    private byte[] ring;
    /** The size the last ring reached: the next burst likely needs as much, so it starts there. */
    private int preferred = MIN_CAPACITY;
    private int head;
    private int length;
    /** Stream offset of the oldest byte kept. */
    private long start;

    Retained(int cap, Pool pool) {
        this.cap = cap;
        this.pool = pool;
    }

    /** Bytes delivered at {@code offset}; a break in continuity (a gap) starts afresh. */
    void append(long offset, byte[] src, int off, int n) {
        if (cap == 0 || n <= 0) return;
        if (length == 0 || offset != start + length) {
            head = 0;
            length = 0;
            start = offset;
        }
        if (n >= cap) {
            ensure(cap);
            System.arraycopy(src, off + n - cap, ring, 0, cap);
            head = 0;
            length = cap;
            start = offset + n - cap;
            return;
        }
        int over = length + n - cap;
        if (over > 0) drop(over);
        ensure(length + n);
        int tail = (head + length) % ring.length;
        int first = Math.min(n, ring.length - tail);
        System.arraycopy(src, off, ring, tail, first);
        if (first < n) System.arraycopy(src, off + first, ring, 0, n - first);
        length += n;
    }

    /** The peer ACKed everything before {@code offset}. */
    void releaseBefore(long offset) {
        if (length == 0 || offset <= start) return;
        long n = Math.min(length, offset - start);
        drop((int) n);
    }

    void clear() {
        if (ring != null) {
            preferred = ring.length;
            pool.give(ring);
        }
        ring = null;
        head = 0;
        length = 0;
    }

    /**
     * Compares stream bytes {@code [from, to)}, found in {@code buf} at index {@code bufBase +
     * offset}, with the kept bytes where they overlap; returns the offset of the first that
     * differs, or -1.
     */
    long firstMismatch(long from, long to, byte[] buf, long bufBase) {
        long lo = Math.max(from, start);
        long hi = Math.min(to, start + length);
        while (lo < hi) {
            int i = head + (int) (lo - start);
            if (i >= ring.length) i -= ring.length;
            int run = (int) Math.min(hi - lo, ring.length - i);
            int b = (int) (bufBase + lo);
            int m = Arrays.mismatch(ring, i, i + run, buf, b, b + run);
            if (m >= 0) return lo + m;
            lo += run;
        }
        return -1;
    }

    int length() { return length; }

    long start() { return start; }

    private void drop(int n) {
        length -= n;
        start += n;
        if (length == 0) {
            clear();
        } else {
            head = (head + n) % ring.length;
        }
    }

    private void ensure(int need) {
        if (ring != null && ring.length >= need) return;
        int size = ring == null ? Math.min(preferred, Integer.highestOneBit(Math.max(cap, MIN_CAPACITY))) : MIN_CAPACITY;
        while (size < need && size < (1 << 30)) size <<= 1;
        if (size < need) size = need;
        byte[] bigger = pool.take(size);
        if (length > 0) {
            int first = Math.min(length, ring.length - head);
            System.arraycopy(ring, head, bigger, 0, first);
            if (first < length) System.arraycopy(ring, 0, bigger, first, length - first);
        }
        if (ring != null) pool.give(ring);
        ring = bigger;
        head = 0;
    }
}
