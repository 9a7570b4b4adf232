package io.gatelens.capture.decode;

import java.util.Arrays;

/**
 * Puts IPv4 and IPv6 fragments back together, within {@link ReassemblyLimits}. Coverage is kept
 * per 8-byte block, the unit of the fragment offset field in both versions (RFC 791, RFC 8200), so
 * an overlapping or duplicated fragment only fills blocks nobody filled before: the first copy
 * wins. Buffers are reused across datagrams; a completed datagram is handed out by swapping its
 * buffer with {@link #assembled()}, so nothing is copied twice.
 */
final class FragmentReassembler {
    static final int HELD = 0;
    static final int COMPLETE = 1;
    static final int DROPPED = 2;

    /** Largest reassembled payload: both versions carry offsets and lengths in 16 bits. */
    static final int MAX_DATAGRAM = 65_535;
    private static final int BLOCKS = (MAX_DATAGRAM + 7) / 8;

    private static final class Slot {
        boolean used;
        int version;
        int protocol;
        long id;
        final byte[] src = new byte[16];
        final byte[] dst = new byte[16];
        long firstSeen;
        /** Datagram length, known once the last fragment (MF clear) arrived; -1 before. */
        int total = -1;
        int maxEnd;
        int blocksSet;
        int frames;
        int bytes;
        final long[] covered = new long[(BLOCKS + 63) / 64];
        byte[] data = new byte[0];
    }

    private final ReassemblyLimits limits;
    private final Slot[] slots;
    private int active;
    private long bytesHeld;
    private long oldestFirstSeen;

    private byte[] assembled = new byte[0];
    private int assembledLength;
    private int assembledFragments;

    FragmentReassembler(ReassemblyLimits limits) {
        this.limits = limits;
        this.slots = new Slot[limits.maxDatagrams()];
    }

    int heldDatagrams() { return active; }
    long heldBytes() { return bytesHeld; }

    /** The datagram the last {@link #COMPLETE} put together; valid until the next {@link #add}. */
    byte[] assembled() { return assembled; }
    int assembledLength() { return assembledLength; }
    int assembledFragments() { return assembledFragments; }

    /** Gives up datagrams whose first fragment is older than the timeout; returns how many. */
    int expire(long nowNanos) {
        if (active == 0 || nowNanos - oldestFirstSeen <= limits.timeoutNanos()) {
            return 0;
        }
        int expired = 0;
        for (Slot s : slots) {
            if (s != null && s.used && nowNanos - s.firstSeen > limits.timeoutNanos()) {
                release(s);
                expired++;
            }
        }
        recomputeOldest();
        return expired;
    }

    /** Drops everything held, e.g. at the end of a capture; returns how many datagrams. */
    int clear() {
        int n = active;
        for (Slot s : slots) {
            if (s != null && s.used) {
                release(s);
            }
        }
        return n;
    }

    /**
     * Adds one fragment: {@code len} bytes at {@code b[off]}, placed at byte {@code fragOffset} of
     * the datagram's payload. {@code addrLen} bytes of {@code src}/{@code dst} form the key with
     * version, protocol and id.
     */
    int add(int version, int protocol, long id, byte[] src, byte[] dst, int addrLen, long nowNanos,
            byte[] b, int off, int len, int fragOffset, boolean more) {
        int end = fragOffset + len;
        // RFC 791: every fragment but the last carries a multiple of 8 bytes. Longer than
        // MAX_DATAGRAM is the "ping of death" overflow.
        if (len <= 0 || end > MAX_DATAGRAM || (more && (len & 7) != 0)) {
            return DROPPED;
        }
        // Judged on the whole fragment before looking at overlap: conservative for a duplicate
        // near the limit, but it keeps the limit a plain sum of what was accepted.
        if (bytesHeld + len > limits.maxBytes()) {
            return DROPPED;
        }
        Slot s = find(version, protocol, id, src, dst, addrLen);
        if (s == null) {
            s = allocate();
            if (s == null) {
                return DROPPED;
            }
            s.version = version;
            s.protocol = protocol;
            s.id = id;
            System.arraycopy(src, 0, s.src, 0, addrLen);
            System.arraycopy(dst, 0, s.dst, 0, addrLen);
            s.firstSeen = nowNanos;
            if (active == 1 || nowNanos < oldestFirstSeen) {
                oldestFirstSeen = nowNanos;
            }
        }
        // Fragments that disagree on where the datagram ends make it unrecoverable (Linux drops
        // the whole queue too).
        if (!more) {
            if ((s.total >= 0 && s.total != end) || s.maxEnd > end) {
                releaseAndRecompute(s);
                return DROPPED;
            }
        } else if (s.total >= 0 && end > s.total) {
            releaseAndRecompute(s);
            return DROPPED;
        }

        if (s.data.length < end) {
            int cap = Math.max(end, Math.min(MAX_DATAGRAM, Math.max(2048, s.data.length * 2)));
            s.data = Arrays.copyOf(s.data, cap);
        }
        int newBytes = 0;
        int block = fragOffset >>> 3;
        int lastBlock = (end - 1) >>> 3;
        while (block <= lastBlock) {
            if (isCovered(s.covered, block)) {
                block++;
                continue;
            }
            int runStart = block;
            while (block <= lastBlock && !isCovered(s.covered, block)) {
                s.covered[block >>> 6] |= 1L << (block & 63);
                s.blocksSet++;
                block++;
            }
            int from = runStart << 3;
            int to = Math.min(block << 3, end);
            System.arraycopy(b, off + (from - fragOffset), s.data, from, to - from);
            newBytes += to - from;
        }
        s.frames++;
        s.bytes += newBytes;
        bytesHeld += newBytes;
        s.maxEnd = Math.max(s.maxEnd, end);
        if (!more) {
            s.total = end;
        }
        if (s.total >= 0 && s.blocksSet == (s.total + 7) >>> 3) {
            byte[] done = s.data;
            s.data = assembled;
            assembled = done;
            assembledLength = s.total;
            assembledFragments = s.frames;
            releaseAndRecompute(s);
            return COMPLETE;
        }
        return HELD;
    }

    private static boolean isCovered(long[] covered, int block) {
        return (covered[block >>> 6] & (1L << (block & 63))) != 0;
    }

    private Slot find(int version, int protocol, long id, byte[] src, byte[] dst, int addrLen) {
        if (active == 0) {
            return null;
        }
        for (Slot s : slots) {
            if (s != null && s.used && s.id == id && s.version == version && s.protocol == protocol
                    && Arrays.equals(s.src, 0, addrLen, src, 0, addrLen)
                    && Arrays.equals(s.dst, 0, addrLen, dst, 0, addrLen)) {
                return s;
            }
        }
        return null;
    }

    private Slot allocate() {
        if (active >= slots.length) {
            return null;
        }
        for (int i = 0; i < slots.length; i++) {
            if (slots[i] == null) {
                slots[i] = new Slot();
            }
            if (!slots[i].used) {
                slots[i].used = true;
                active++;
                return slots[i];
            }
        }
        return null; // unreachable while active counts used slots
    }

    private void release(Slot s) {
        bytesHeld -= s.bytes;
        Arrays.fill(s.covered, 0L);
        s.used = false;
        s.total = -1;
        s.maxEnd = 0;
        s.blocksSet = 0;
        s.frames = 0;
        s.bytes = 0;
        active--;
    }

    private void releaseAndRecompute(Slot s) {
        release(s);
        recomputeOldest();
    }

    private void recomputeOldest() {
        long oldest = Long.MAX_VALUE;
        for (Slot s : slots) {
            if (s != null && s.used && s.firstSeen < oldest) {
                oldest = s.firstSeen;
            }
        }
        oldestFirstSeen = oldest;
    }
}
