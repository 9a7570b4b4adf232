package io.gatelens.capture.file;

import io.gatelens.capture.CaptureFormat;
import io.gatelens.capture.CaptureInterface;
import io.gatelens.capture.PacketSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class CaptureFileWriterTest {
    static final long T0 = 1_700_000_000_123_456_789L;
    static final long SECOND = 1_000_000_000L;

    @TempDir
    Path dir;

    /** Packet {@code i} of a test stream: its wire length, bytes and time. */
    static int wireLength(int i) {
        return 40 + (i * 97) % 360;
    }

    static byte[] wire(int i) {
        return CaptureBytes.data(wireLength(i), i);
    }

    static long time(int i) {
        return T0 + i * 1_234_567L;
    }

    static void writePackets(CaptureFileWriter w, int from, int to, int snaplen, long now) throws IOException {
        for (int i = from; i < to; i++) {
            byte[] d = wire(i);
            w.write(time(i), d, 0, Math.min(d.length, snaplen), d.length, now);
        }
    }

    /** Our reader: every frame as written (times truncated to microseconds unless nanos), no damage. */
    static void assertFrames(Path file, int from, int to, int snaplen, boolean nanos) throws IOException {
        List<Frames.Copy> frames;
        try (PacketSource s = CaptureFiles.open(file)) {
            frames = Frames.readAll(s);
        }
        assertEquals(to - from, frames.size(), file + ": frames");
        for (int i = from; i < to; i++) {
            Frames.Copy f = frames.get(i - from);
            byte[] d = wire(i);
            int cap = Math.min(d.length, snaplen);
            assertEquals(nanos ? time(i) : time(i) / 1000 * 1000, f.epochNanos(), "time of packet " + i);
            assertEquals(cap, f.capturedLength());
            assertEquals(d.length, f.originalLength());
            assertArrayEquals(java.util.Arrays.copyOf(d, cap), f.data(), "bytes of packet " + i);
        }
    }

    /** A file as the capture writer writes it, for the Kaitai and libpcap cross-checks. */
    static byte[] written(FileFormat format, boolean nanos) throws IOException {
        Path file = Files.createTempFile("capture-writer", ".cap");
        try {
            try (CaptureFileWriter w = CaptureFileWriter.open(file, format, lo(nanos, 200))) {
                writePackets(w, 0, 60, 200, 0);
            }
            return Files.readAllBytes(file);
        } finally {
            Files.delete(file);
        }
    }

    static InterfaceInfo lo(boolean nanos, int snaplen) {
        return new InterfaceInfo("lo", "Loopback", 1, snaplen, "tcp port 8080", nanos);
    }

    @ParameterizedTest(name = "{0} nanos={1}")
    @CsvSource({"PCAP,false", "PCAP,true", "PCAPNG,false", "PCAPNG,true"})
    void roundTripsThroughOurReaderAndTshark(FileFormat format, boolean nanos) throws IOException {
        int snaplen = 200; // wire lengths reach 399: many frames are cut
        Path file = dir.resolve("rt-" + format + "-" + nanos);
        try (CaptureFileWriter w = CaptureFileWriter.open(file, format, lo(nanos, snaplen))) {
            writePackets(w, 0, 300, snaplen, 0);
            assertEquals(300, w.packets());
        }
        assertFrames(file, 0, 300, snaplen, nanos);
        try (PacketSource s = CaptureFiles.open(file)) {
            if (format == FileFormat.PCAPNG) {
                assertEquals(CaptureFormat.PCAPNG, s.format());
                s.next(new io.gatelens.capture.Frame());
                assertEquals(new CaptureInterface(0, 1, snaplen, "lo", "Loopback", "tcp port 8080"),
                        s.interfaces().get(0));
            } else {
                assertEquals(nanos ? CaptureFormat.PCAP_NANO : CaptureFormat.PCAP, s.format());
                assertEquals(new CaptureInterface(0, 1, snaplen, "", "", ""), s.interfaces().get(0));
            }
        }

        Tshark.require();
        List<String[]> rows = Tshark.fields(file, "frame.number", "frame.time_epoch", "frame.cap_len",
                "frame.len", "frame.interface_name");
        assertEquals(300, rows.size());
        for (int i = 0; i < 300; i++) {
            String[] r = rows.get(i);
            assertEquals(String.valueOf(i + 1), r[0]);
            assertEquals(nanos ? time(i) : time(i) / 1000 * 1000, TsharkGoldenTest.epochNanos(r[1]), "frame " + (i + 1));
            assertEquals(Math.min(wireLength(i), snaplen), Integer.parseInt(r[2]));
            assertEquals(wireLength(i), Integer.parseInt(r[3]));
            assertEquals(format == FileFormat.PCAPNG ? "lo" : "", r[4]); // pcap has no interface name
        }
        String info = Tshark.capinfos(file);
        if (format == FileFormat.PCAPNG) {
            assertTrue(info.contains("Name = lo"), info);
            assertTrue(info.contains("Description = Loopback"), info);
            assertTrue(info.contains("Filter string = tcp port 8080"), info);
            assertTrue(info.contains("Capture length = " + snaplen), info);
            assertTrue(info.contains("Time resolution = 0x0" + (nanos ? 9 : 6)), info);
            assertTrue(info.contains("Capture application: gatelens"), info);
        } else {
            assertTrue(info.contains("File timestamp precision:  " + (nanos ? "nanoseconds (9)" : "microseconds (6)")), info);
            assertTrue(info.contains("Packet size limit:   file hdr: " + snaplen + " bytes"), info);
        }
        assertTrue(info.contains("Number of packets:   300"), info);
    }

    @Test
    void noFilterNoFilterOption() throws IOException {
        Path file = dir.resolve("nofilter.pcapng");
        try (CaptureFileWriter w = CaptureFileWriter.open(file, FileFormat.PCAPNG,
                new InterfaceInfo("eth0", null, 1, 65535, null, true))) {
            writePackets(w, 0, 3, 65535, 0);
        }
        try (PacketSource s = CaptureFiles.open(file)) {
            s.next(new io.gatelens.capture.Frame());
            assertEquals(new CaptureInterface(0, 1, 65535, "eth0", "", ""), s.interfaces().get(0));
        }
        Tshark.require();
        String info = Tshark.capinfos(file);
        assertFalse(info.contains("Filter string"), info);
        assertFalse(info.contains("Description ="), info);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"PCAP", "PCAPNG"})
    void aFrameOfTheLargestSnaplenFitsTheBuffer(FileFormat format) throws IOException {
        Path file = dir.resolve("max-" + format);
        byte[] max = CaptureBytes.data(262144, 7); // libpcap's MAXIMUM_SNAPLEN
        try (CaptureFileWriter w = CaptureFileWriter.open(file, format, lo(true, 262144))) {
            writePackets(w, 0, 5, 262144, 0);
            w.write(T0 + SECOND, max, 0, max.length, max.length + 1, 0);
            int record = max.length + (format == FileFormat.PCAP ? 16 : 32);
            assertEquals(record, w.size() - w.writtenBytes(), "buffered, not written on its own");
            writePackets(w, 5, 10, 262144, 0);
        }
        assertBigFrame(file, max, 5);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"PCAP", "PCAPNG"})
    void recordsLargerThanTheBufferGoOutWhole(FileFormat format) throws IOException {
        Path file = dir.resolve("big-" + format);
        byte[] big = CaptureBytes.data(10_001, 7);
        // A 4 KiB buffer: the 10 kB frame does not fit and is written on its own.
        try (CaptureFileWriter w = CaptureFileWriter.open(file, format, lo(true, 0),
                java.nio.ByteBuffer.allocateDirect(4096))) {
            writePackets(w, 0, 5, Integer.MAX_VALUE, 0);
            w.write(T0 + SECOND, big, 0, big.length, big.length + 1, 0);
            assertEquals(Files.size(file), w.writtenBytes(), "the buffer went out before it, and it went out whole");
            assertEquals(w.size(), w.writtenBytes());
            writePackets(w, 5, 10, Integer.MAX_VALUE, 0);
        }
        assertBigFrame(file, big, 5);
    }

    private static void assertBigFrame(Path file, byte[] big, int at) throws IOException {
        List<Frames.Copy> frames;
        try (PacketSource s = CaptureFiles.open(file)) {
            frames = Frames.readAll(s);
        }
        assertEquals(11, frames.size());
        assertArrayEquals(big, frames.get(at).data());
        assertEquals(big.length + 1, frames.get(at).originalLength());
        assertArrayEquals(wire(at - 1), frames.get(at - 1).data());
        assertArrayEquals(wire(at), frames.get(at + 1).data());
        Tshark.require();
        List<String[]> rows = Tshark.fields(file, "frame.cap_len", "frame.len");
        assertEquals(11, rows.size());
        assertEquals(String.valueOf(big.length), rows.get(at)[0]);
        assertEquals(String.valueOf(big.length + 1), rows.get(at)[1]);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"PCAP", "PCAPNG"})
    void readableUpToTheLastRecordAfterEachTick(FileFormat format) throws IOException {
        Path file = dir.resolve("tick-" + format);
        int snaplen = 262144;
        try (CaptureFileWriter w = CaptureFileWriter.open(file, format, lo(true, snaplen))) {
            assertFrames(file, 0, 0, snaplen, true); // the header alone is already a valid file
            for (int i = 0; i < 40; i++) {
                writePackets(w, i, i + 1, snaplen, i * 10_000_000L); // 10 ms apart
            }
            w.tick(SECOND - 1); // the oldest is not yet a second old
            assertFrames(file, 0, 0, snaplen, true);
            w.tick(SECOND);
            assertFrames(file, 0, 40, snaplen, true);
            Tshark.require();
            assertEquals(40, Tshark.frameCount(file));

            // Packets keep coming and nobody ticks: the write that finds the oldest buffered
            // record a second old writes them all out.
            long t = SECOND;
            for (int i = 40; i < 50; i++) {
                t += SECOND / 10;
                writePackets(w, i, i + 1, snaplen, t);
                assertFrames(file, 0, 40, snaplen, true);
            }
            t += SECOND / 10;
            writePackets(w, 50, 51, snaplen, t); // 1.0 s after packet 40 went into the buffer
            assertFrames(file, 0, 51, snaplen, true);
            assertEquals(51, Tshark.frameCount(file));

            writePackets(w, 51, 53, snaplen, t);
            w.flush();
            assertFrames(file, 0, 53, snaplen, true);
            assertEquals(Files.size(file), w.size());
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"PCAP", "PCAPNG"})
    void aFullBufferGoesOutOnRecordBoundaries(FileFormat format) throws IOException {
        Path file = dir.resolve("full-" + format);
        int snaplen = 262144;
        // Where each record ends, to check the file never ends anywhere else.
        List<Long> ends = new ArrayList<>();
        try (CaptureFileWriter w = CaptureFileWriter.open(file, format, lo(false, snaplen))) {
            ends.add(Files.size(file));
            int written = 0;
            int seenGrowths = 0;
            long lastSize = Files.size(file);
            for (int i = 0; i < 3000; i++) {
                writePackets(w, i, i + 1, snaplen, 0); // the clock stands still: only fullness flushes
                ends.add(w.size());
                if (i % 25 == 0) {
                    long size = Files.size(file);
                    assertTrue(ends.contains(size), "file ends inside a record at " + size);
                    int k = ends.indexOf(size);
                    assertFrames(file, 0, k, snaplen, false);
                    assertTrue(w.size() - size <= CaptureFileWriter.BUFFER_BYTES, "buffer holds at most 256 KiB");
                    if (size > lastSize) {
                        seenGrowths++;
                    }
                    lastSize = size;
                    written = k;
                }
            }
            assertTrue(seenGrowths >= 2, "the buffer filled and went out more than once: " + seenGrowths);
            assertTrue(written < 3000);
        }
        assertFrames(file, 0, 3000, snaplen, false);
    }

    @Test
    void aMissingDirectoryIsNamed() {
        Path file = dir.resolve("no-such-dir").resolve("x.pcapng");
        IOException e = assertThrows(IOException.class,
                () -> CaptureFileWriter.open(file, FileFormat.PCAPNG, lo(true, 100)));
        assertEquals("cannot create capture file " + file + ": directory " + file.getParent()
                + " does not exist", e.getMessage());
    }

    @Test
    void aFileWhereADirectoryShouldBeIsNamed() throws IOException {
        Path plain = Files.writeString(dir.resolve("plain"), "x");
        Path file = plain.resolve("x.pcap");
        IOException e = assertThrows(IOException.class,
                () -> CaptureFileWriter.open(file, FileFormat.PCAP, lo(true, 100)));
        assertEquals("cannot create capture file " + file + ": Not a directory", e.getMessage());
        IOException isDir = assertThrows(IOException.class,
                () -> CaptureFileWriter.open(dir, FileFormat.PCAP, lo(true, 100)));
        assertEquals("cannot create capture file " + dir + ": Is a directory", isDir.getMessage());
    }

    @Test
    void aFullDiskIsNamed() {
        Path full = Path.of("/dev/full"); // every write fails with ENOSPC
        assumeTrue(Files.exists(full), "no /dev/full here");
        IOException e = assertThrows(IOException.class,
                () -> CaptureFileWriter.open(full, FileFormat.PCAPNG, lo(true, 100)));
        assertEquals("cannot write capture file /dev/full: No space left on device", e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"PCAP", "PCAPNG"})
    void aWriteThatFailsHalfWayIsCutBackToWholeRecords(FileFormat format) throws IOException {
        Path file = dir.resolve("failing-" + format);
        FileChannel real = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        // The disk fills 100 bytes into the second buffer-load.
        FillingChannel channel = new FillingChannel(real, CaptureFileWriter.BUFFER_BYTES + 100);
        CaptureFileWriter w = CaptureFileWriter.over(file, channel, format, lo(true, 262144),
                CaptureFileWriter.newBuffer());
        IOException failure = null;
        int written = 0;
        for (int i = 0; i < 100_000 && failure == null; i++) {
            try {
                writePackets(w, i, i + 1, 262144, 0);
                written++;
            } catch (IOException e) {
                failure = e;
            }
        }
        assertTrue(failure != null, "the disk filled");
        assertEquals("cannot write capture file " + file + ": No space left on device", failure.getMessage());
        assertTrue(channel.partial, "the failing write had written part of the buffer");
        // The file holds the first buffer-load, whole; the part of the second is gone.
        long size = Files.size(file);
        assertTrue(size > 0 && size <= CaptureFileWriter.BUFFER_BYTES + 100);
        List<Frames.Copy> frames;
        try (PacketSource s = CaptureFiles.open(file)) {
            frames = Frames.readAll(s);
        }
        assertTrue(frames.size() > 0 && frames.size() < written, frames.size() + " of " + written);
        assertFrames(file, 0, frames.size(), 262144, true);
        Tshark.require();
        assertEquals(frames.size(), Tshark.frameCount(file));

        IOException later = assertThrows(IOException.class, () -> writePackets(w, 0, 1, 262144, 0));
        assertTrue(later.getMessage().startsWith("capture file " + file + " stopped after an earlier failure"),
                later.getMessage());
        assertDoesNotThrow(w::close);
        assertFalse(real.isOpen());
    }

    @Test
    void rejectsWhatTheFormatCannotHold() throws IOException {
        try (CaptureFileWriter pcap = CaptureFileWriter.open(dir.resolve("r.pcap"), FileFormat.PCAP, lo(true, 100));
             CaptureFileWriter ng = CaptureFileWriter.open(dir.resolve("r.pcapng"), FileFormat.PCAPNG, lo(true, 100))) {
            byte[] d = new byte[10];
            assertThrows(IllegalArgumentException.class, () -> pcap.write(-1, d, 0, 10, 10, 0));
            assertThrows(IllegalArgumentException.class, () -> pcap.write(4_294_967_296L * SECOND, d, 0, 10, 10, 0));
            assertThrows(IllegalArgumentException.class, () -> ng.write(-1, d, 0, 10, 10, 0));
            assertThrows(IndexOutOfBoundsException.class, () -> ng.write(0, d, 5, 10, 10, 0));
            assertThrows(IllegalArgumentException.class, () -> ng.write(0, d, 0, 10, -1, 0));
            // Far beyond pcap's 2106, fine in pcapng's 64-bit ticks.
            ng.write(4_294_967_296L * SECOND, d, 0, 10, 10, 0);
            assertEquals(0, pcap.packets());
            assertEquals(1, ng.packets());
        }
        assertThrows(IllegalArgumentException.class, () -> new InterfaceInfo("x", "", 70_000, 0, null, true));
    }

    /** A file channel whose disk fills after {@code budget} bytes: the last write is partial. */
    static final class FillingChannel extends FileChannel {
        private final FileChannel real;
        private long budget;
        boolean partial;

        FillingChannel(FileChannel real, long budget) {
            this.real = real;
            this.budget = budget;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            if (budget <= 0) {
                throw new IOException("No space left on device");
            }
            if (src.remaining() > budget) {
                ByteBuffer part = src.slice().limit((int) budget);
                int n = real.write(part);
                src.position(src.position() + n);
                budget -= n;
                partial = true;
                return n;
            }
            int n = real.write(src);
            budget -= n;
            return n;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            long n = 0;
            for (int i = offset; i < offset + length; i++) {
                if (srcs[i].hasRemaining()) {
                    n += write(srcs[i]);
                }
            }
            return n;
        }

        @Override public int read(ByteBuffer dst) throws IOException { return real.read(dst); }
        @Override public long read(ByteBuffer[] dsts, int offset, int length) throws IOException { return real.read(dsts, offset, length); }
        @Override public long position() throws IOException { return real.position(); }
        @Override public FileChannel position(long p) throws IOException { real.position(p); return this; }
        @Override public long size() throws IOException { return real.size(); }
        @Override public FileChannel truncate(long size) throws IOException { real.truncate(size); return this; }
        @Override public void force(boolean metaData) throws IOException { real.force(metaData); }
        @Override public long transferTo(long p, long c, WritableByteChannel t) throws IOException { return real.transferTo(p, c, t); }
        @Override public long transferFrom(ReadableByteChannel s, long p, long c) throws IOException { return real.transferFrom(s, p, c); }
        @Override public int read(ByteBuffer dst, long p) throws IOException { return real.read(dst, p); }
        @Override public int write(ByteBuffer src, long p) throws IOException { throw new UnsupportedOperationException(); }
        @Override public MappedByteBuffer map(MapMode m, long p, long s) throws IOException { return real.map(m, p, s); }
        @Override public FileLock lock(long p, long s, boolean sh) throws IOException { return real.lock(p, s, sh); }
        @Override public FileLock tryLock(long p, long s, boolean sh) throws IOException { return real.tryLock(p, s, sh); }
        @Override protected void implCloseChannel() throws IOException { real.close(); }
    }
}
