package io.gatelens.capture.file;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class ReadAheadTest {
    static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    /** Reads everything in reads of {@code step} bytes. */
    static byte[] drain(InputStream in, int step) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[step];
        int r;
        while ((r = in.read(buf, 0, step)) >= 0) out.write(buf, 0, r);
        return out.toByteArray();
    }

    @Test
    void givesTheSameBytesAcrossBlockBoundaries() throws IOException {
        int block = 1000;
        for (int size : new int[] {0, 1, 999, 1000, 1001, 3999, 4000, 4001, 12345}) {
            for (int step : new int[] {1, 7, 1000, 5000}) {
                byte[] data = random(size);
                try (ReadAhead in = new ReadAhead(new ByteArrayInputStream(data), "t", block)) {
                    assertArrayEquals(data, drain(in, step), "size " + size + " step " + step);
                    assertEquals(-1, in.read(new byte[4], 0, 4), "stays at the end");
                }
            }
        }
    }

    /** A stream whose bytes run out with an exception, as a cut gzip stream does. */
    private static InputStream failingAfter(byte[] data, IOException error) {
        return new InputStream() {
            int pos;

            @Override
            public int read() { throw new UnsupportedOperationException(); }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (pos == data.length) throw error;
                int n = Math.min(len, Math.min(300, data.length - pos));
                System.arraycopy(data, pos, b, off, n);
                pos += n;
                return n;
            }
        };
    }

    @Test
    void rethrowsTheUnderlyingErrorAfterTheBytesBeforeIt() throws IOException {
        byte[] data = random(2500);
        EOFException cut = new EOFException("Unexpected end of ZLIB input stream");
        try (ReadAhead in = new ReadAhead(failingAfter(data, cut), "t", 1000)) {
            byte[] got = new byte[data.length];
            int n = 0;
            while (n < data.length) n += in.read(got, n, data.length - n);
            assertArrayEquals(data, got);
            IOException thrown = assertThrows(IOException.class, () -> in.read(new byte[10], 0, 10));
            assertSame(cut, thrown, "the same exception, so callers tell a cut gzip stream by its type");
        }
    }

    @Test
    void closingPartWayStopsTheReader() throws IOException, InterruptedException {
        // Endless input: only close() can stop the thread filling blocks.
        InputStream endless = new InputStream() {
            @Override
            public int read() { return 0; }

            @Override
            public int read(byte[] b, int off, int len) { return len; }
        };
        ReadAhead in = new ReadAhead(endless, "endless", 1000);
        assertEquals(10, in.read(new byte[10], 0, 10));
        in.close();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("gatelens-read-ahead endless")) {
                t.join(2000);
                assertFalse(t.isAlive(), "reader thread still running after close");
            }
        }
    }

    @Test
    void aLargeFileReadsTheSameMappedReadAheadAndPlain(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        // Big enough that CaptureFiles maps it: frames of a pcap written here.
        Path file = dir.resolve("big.pcap");
        Random rnd = new Random(3);
        try (PcapWriter w = new PcapWriter(Files.newOutputStream(file), 1, 65535, false)) {
            byte[] frame = new byte[1500];
            long written = 0;
            for (long t = 0; written < CaptureFiles.READ_AHEAD_FROM + 100_000; t++) {
                rnd.nextBytes(frame);
                int len = 60 + rnd.nextInt(1441);
                w.write(t * 1000, frame, 0, len, len);
                written += 16 + len;
            }
        }
        long[] mapped = digest(CaptureFiles.open(file));
        long[] ahead;
        try (ReadAhead in = new ReadAhead(Files.newInputStream(file), "big.pcap")) {
            assertTrue(Thread.getAllStackTraces().keySet().stream()
                    .anyMatch(t -> t.getName().equals("gatelens-read-ahead big.pcap")), "read on its own thread");
            ahead = digest(CaptureFiles.open(in, "ahead"));
        }
        long[] plain = digest(CaptureFiles.open(Files.newInputStream(file), "plain"));
        long frames = plain[0];
        assertArrayEquals(plain, mapped, "mapped");
        assertArrayEquals(plain, ahead, "read ahead");
        assertTrue(frames > 5000);
    }

    /** Frames and a checksum of their lengths and first bytes, the source closed. */
    static long[] digest(io.gatelens.capture.PacketSource src) throws IOException {
        long frames = 0, sum = 0;
        io.gatelens.capture.Frame f = new io.gatelens.capture.Frame();
        try (src) {
            while (src.next(f)) {
                frames++;
                sum += f.capturedLength() + (f.buffer()[f.offset()] & 0xff);
            }
        }
        return new long[] {frames, sum};
    }
}
