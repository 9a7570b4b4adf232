package io.gatelens.capture.file;

import io.gatelens.capture.Frame;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Thousands of frames through one reused buffer that never grows past the largest record. */
class StreamingTest {
    private static final int FRAMES = 5000;

    private static int size(int i) {
        // Mostly small, one 1514-byte frame late in the file, nothing bigger.
        return i == 3777 ? 1514 : 40 + (i * 37) % 1400;
    }

    @Test
    void pcapBufferStaysAtTheLargestRecord() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapWriter w = new PcapWriter(out, 1, 65535, true)) {
            for (int i = 0; i < FRAMES; i++) {
                byte[] d = CaptureBytes.data(size(i), i);
                w.write(1_000_000_000L * i, d, 0, d.length, d.length);
            }
        }
        try (PcapReader r = new PcapReader(new ByteArrayInputStream(out.toByteArray()), "s")) {
            Frame f = new Frame();
            int n = 0;
            int largest = 0;
            byte[] firstBuffer = null;
            while (r.next(f)) {
                assertEquals(size(n), f.capturedLength());
                largest = Math.max(largest, f.capturedLength());
                assertEquals(largest, r.bufferCapacity(), "frame " + f.number());
                if (n == 3778) {
                    firstBuffer = f.buffer();
                }
                if (n > 3778) {
                    assertSame(firstBuffer, f.buffer(), "no new buffer after the largest record");
                }
                n++;
            }
            assertEquals(FRAMES, n);
            assertEquals(1514, r.bufferCapacity());
        }
    }

    @Test
    void steadyStateReadingAllocatesNothingPerFrame() throws IOException {
        ByteArrayOutputStream pcap = new ByteArrayOutputStream();
        ByteArrayOutputStream pcapng = new ByteArrayOutputStream();
        try (PcapWriter w = new PcapWriter(pcap, 1, 65535, false); PcapngWriter n = new PcapngWriter(pcapng)) {
            n.addInterface(1, 0, "eth0");
            byte[] d = CaptureBytes.data(1514, 1);
            for (int i = 0; i < FRAMES; i++) {
                w.write(1_000_000_000L * i, d, 0, size(i), size(i));
                n.write(0, 1_000_000_000L * i, d, 0, size(i), size(i));
            }
        }
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        for (byte[] file : new byte[][] {pcap.toByteArray(), pcapng.toByteArray()}) {
            for (int round = 0; round < 3; round++) {
                try (var s = CaptureFiles.open(new ByteArrayInputStream(file), "a")) {
                    Frame f = new Frame();
                    // Past the largest frame (3777) the buffer is final; measure from there.
                    for (int i = 0; i < 3800; i++) {
                        assertTrue(s.next(f));
                    }
                    long before = threads.getThreadAllocatedBytes(thread);
                    int n = 0;
                    while (s.next(f)) {
                        n++;
                    }
                    long allocated = threads.getThreadAllocatedBytes(thread) - before;
                    assertEquals(FRAMES - 3800, n);
                    if (round == 2) {
                        // 1200 frames; even 8 bytes each would be 9600.
                        assertTrue(allocated < 4096, "allocated " + allocated + " bytes for " + n + " frames");
                    }
                }
            }
        }
    }

    @Test
    void pcapngBufferStaysAtTheLargestBlock() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapngWriter w = new PcapngWriter(out)) {
            w.addInterface(1, 0, "eth0");
            for (int i = 0; i < FRAMES; i++) {
                byte[] d = CaptureBytes.data(size(i), i);
                w.write(0, 1_000_000_000L * i, d, 0, d.length, d.length);
            }
        }
        try (PcapngReader r = new PcapngReader(new ByteArrayInputStream(out.toByteArray()), "s")) {
            Frame f = new Frame();
            int n = 0;
            while (r.next(f)) {
                n++;
            }
            assertEquals(FRAMES, n);
            // EPB without its type and leading length: 20 fixed + data (1514 is 4-aligned
            // after padding to 1516) + trailing length 4.
            assertEquals(20 + 1516 + 4, r.bufferCapacity());
            assertTrue(r.bufferCapacity() < 1600);
        }
    }
}
