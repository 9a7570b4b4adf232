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
