package io.gatelens.capture.live;

import java.util.Arrays;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Hands packets from the capture thread to the thread that writes and analyses them: two batches
 * swapped under a lock, so the capture thread never waits for the disk or the analysis unless a
 * whole batch is waiting already. Then it blocks, libpcap's kernel buffer fills, and the kernel
 * counts what it drops: loss shows in the statistics instead of memory growing.
 *
 * <p>The taker takes whatever has arrived, a partial batch included, so one packet on a quiet
 * link is not held back.
 */
public final class PacketQueue {
    /** A run of packets; the taker reads it, then hands it back with the next {@link #take}. */
    public static final class Batch {
        final long[] nanos;
        final int[] capturedLength;
        final int[] originalLength;
        final byte[][] data;
        int size;
        long bytes;

        Batch(int capacity) {
            nanos = new long[capacity];
            capturedLength = new int[capacity];
            originalLength = new int[capacity];
            data = new byte[capacity][];
        }

        public int size() { return size; }
        public long nanos(int i) { return nanos[i]; }
        public byte[] data(int i) { return data[i]; }
        public int capturedLength(int i) { return capturedLength[i]; }
        public int originalLength(int i) { return originalLength[i]; }

        void clear() {
            Arrays.fill(data, 0, size, null);
            size = 0;
            bytes = 0;
        }
    }

    private final int maxPackets;
    private final long maxBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final Condition room = lock.newCondition();
    private Batch filling;
    private Batch spare;
    /** What a wait that ran out returns. */
    private final Batch empty = new Batch(0);
    private boolean closed;
    private long waits;

    /** Up to {@code maxPackets} packets or {@code maxBytes} bytes wait at once (the last may pass the bytes). */
    public PacketQueue(int maxPackets, long maxBytes) {
        if (maxPackets < 1 || maxBytes < 1) throw new IllegalArgumentException("queue limits must be positive");
        this.maxPackets = maxPackets;
        this.maxBytes = maxBytes;
        this.filling = new Batch(maxPackets);
        this.spare = new Batch(maxPackets);
    }

    /** On the capture thread: queues one packet, waiting while a full batch waits. */
    public void put(long epochNanos, byte[] data, int capturedLength, int originalLength) throws InterruptedException {
        lock.lock();
        try {
            while (!closed && (filling.size == maxPackets || filling.bytes >= maxBytes)) {
                waits++;
                room.await();
            }
            if (closed) return;
            Batch b = filling;
            int i = b.size++;
            b.nanos[i] = epochNanos;
            b.data[i] = data;
            b.capturedLength[i] = capturedLength;
            b.originalLength[i] = originalLength;
            b.bytes += capturedLength;
            if (i == 0) arrived.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * On the taking thread: returns the packets that have arrived, waiting up to {@code timeoutNanos}
     * for one. An empty batch means the wait ran out; null means {@link #close} was called and
     * everything was taken. {@code done} is the batch the previous call returned (or null): it is
     * cleared and reused.
     */
    public Batch take(Batch done, long timeoutNanos) throws InterruptedException {
        lock.lock();
        try {
            if (done != null && done != empty) {
                done.clear();
                spare = done;
            }
            long left = timeoutNanos;
            while (filling.size == 0) {
                if (closed) return null;
                if (left <= 0) return empty;
                left = arrived.awaitNanos(left);
            }
            Batch full = filling;
            filling = spare != null ? spare : new Batch(maxPackets);
            spare = null;
            room.signal();
            return full;
        } finally {
            lock.unlock();
        }
    }

    /** No more packets will be put; the taker drains what is queued, then gets null. Any thread. */
    public void close() {
        lock.lock();
        try {
            closed = true;
            arrived.signalAll();
            room.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Times the capture thread waited for room: the writer or the analysis fell behind. */
    public long waits() {
        lock.lock();
        try {
            return waits;
        } finally {
            lock.unlock();
        }
    }
}
