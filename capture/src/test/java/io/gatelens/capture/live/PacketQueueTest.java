package io.gatelens.capture.live;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class PacketQueueTest {
    private static final long LONG_WAIT = TimeUnit.SECONDS.toNanos(10);

    @Test
    void aPartialBatchIsTakenAtOnceSoOnePacketOnAQuietLinkIsNotHeldBack() throws Exception {
        PacketQueue q = new PacketQueue(16, 1 << 20);
        byte[] one = {1, 2, 3};
        q.put(42, one, 3, 60);
        PacketQueue.Batch b = q.take(null, LONG_WAIT);
        assertEquals(1, b.size());
        assertEquals(42, b.nanos(0));
        assertSame(one, b.data(0), "the capture thread's array is handed on, not copied");
        assertEquals(3, b.capturedLength(0));
        assertEquals(60, b.originalLength(0));
    }

    @Test
    void aWaitThatRunsOutGivesAnEmptyBatchAndCloseGivesNullAfterTheRest() throws Exception {
        PacketQueue q = new PacketQueue(4, 1 << 20);
        PacketQueue.Batch empty = q.take(null, 1_000_000);
        assertEquals(0, empty.size());
        q.put(1, new byte[1], 1, 1);
        q.close();
        PacketQueue.Batch b = q.take(empty, LONG_WAIT);
        assertEquals(1, b.size(), "what was queued before close is still delivered");
        assertNull(q.take(b, LONG_WAIT));
        q.put(2, new byte[1], 1, 1); // after close: dropped, not blocking
        assertNull(q.take(null, 0));
    }

    @Test
    void everyPacketArrivesOnceInOrderAcrossThreadsWithBackPressure() throws Exception {
        PacketQueue q = new PacketQueue(8, 64);
        int n = 20_000;
        Thread producer = new Thread(() -> {
            try {
                for (int i = 0; i < n; i++) {
                    byte[] d = {(byte) i, (byte) (i >> 8)};
                    q.put(i, d, 2, 2);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                q.close();
            }
        });
        producer.start();
        List<Long> seen = new ArrayList<>(n);
        PacketQueue.Batch b = null;
        int biggest = 0;
        while ((b = q.take(b, LONG_WAIT)) != null) {
            biggest = Math.max(biggest, b.size());
            for (int i = 0; i < b.size(); i++) {
                long t = b.nanos(i);
                assertArrayEquals(new byte[]{(byte) t, (byte) (t >> 8)}, b.data(i));
                seen.add(t);
            }
        }
        producer.join();
        assertEquals(n, seen.size());
        for (int i = 0; i < n; i++) assertEquals(i, seen.get(i));
        assertTrue(biggest <= 8, "a batch never holds more than the packet cap: " + biggest);
    }

    @Test
    void theByteCapMakesTheCaptureThreadWaitAndCountsIt() throws Exception {
        PacketQueue q = new PacketQueue(1_000, 100);
        q.put(1, new byte[100], 100, 100); // the batch is at its byte cap now
        CountDownLatch started = new CountDownLatch(1);
        AtomicLong putDone = new AtomicLong(-1);
        Thread producer = new Thread(() -> {
            started.countDown();
            try {
                q.put(2, new byte[10], 10, 10);
                putDone.set(System.nanoTime());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        producer.start();
        started.await();
        // The second put can only finish once the first batch was taken.
        while (q.waits() == 0 && producer.isAlive()) Thread.onSpinWait();
        assertEquals(1, q.waits());
        assertEquals(-1, putDone.get());
        PacketQueue.Batch first = q.take(null, LONG_WAIT);
        assertEquals(1, first.size());
        producer.join();
        PacketQueue.Batch second = q.take(first, LONG_WAIT);
        assertEquals(1, second.size());
        assertEquals(2, second.nanos(0));
        assertFalse(first == second, "two batches alternate");
    }
}
