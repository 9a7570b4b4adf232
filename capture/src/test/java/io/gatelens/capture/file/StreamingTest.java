package io.gatelens.capture.file;

import io.gatelens.capture.Frame;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Thousands of frames through reused buffers that never grow past the largest record. */
class StreamingTest {
    private static final int FRAMES = 5000;

    private static int size(int i) {
        // Mostly small, one 1514-byte frame late in the file, nothing bigger.
        return i == 3777 ? 1514 : 40 + (i * 37) % 1400;
    }

    @Test
    void pcapFramesAreViewsOfTheInputBufferAndOnlyHugeRecordsAreCopied() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapWriter w = new PcapWriter(out, 1, 262144, true)) {
            for (int i = 0; i < FRAMES; i++) {
                // Two records bigger than the input's 64 KiB buffer, late in the file.
                int len = i == 4000 ? 100_000 : i == 4500 ? 70_000 : size(i);
                byte[] d = CaptureBytes.data(len, i);
                w.write(1_000_000_000L * i, d, 0, d.length, d.length);
            }
        }
        try (PcapReader r = new PcapReader(new ByteArrayInputStream(out.toByteArray()), "s")) {
            Frame f = new Frame();
            int n = 0;
            byte[] view = null;
            while (r.next(f)) {
                byte[] expected = CaptureBytes.data(f.capturedLength(), n);
                assertArrayEquals(expected, java.util.Arrays.copyOfRange(f.buffer(), f.offset(),
                        f.offset() + f.capturedLength()), "frame " + f.number());
                if (n < 4000) {
                    // No copy buffer yet: every frame is a view of the same input buffer.
                    assertEquals(0, r.bufferCapacity(), "frame " + f.number());
                    if (view == null) view = f.buffer();
                    assertSame(view, f.buffer(), "frame " + f.number());
                } else if (n == 4000 || n == 4500) {
                    assertEquals(100_000, r.bufferCapacity(), "sized for the largest record");
                }
                n++;
            }
            assertEquals(FRAMES, n);
            assertEquals(100_000, r.bufferCapacity(), "never grows past the largest record");
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
