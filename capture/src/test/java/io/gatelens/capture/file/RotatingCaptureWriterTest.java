package io.gatelens.capture.file;

import io.gatelens.capture.PacketSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.gatelens.capture.file.CaptureFileWriterTest.SECOND;
import static io.gatelens.capture.file.CaptureFileWriterTest.time;
import static io.gatelens.capture.file.CaptureFileWriterTest.wire;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RotatingCaptureWriterTest {
    /** 2024-03-05T06:07:08Z. */
    static final long WALL0 = Instant.parse("2024-03-05T06:07:08Z").toEpochMilli();
    static final int SNAPLEN = 262144;

    @TempDir
    Path dir;

    /** The injected clocks: tests move them, nothing sleeps. */
    long wall = WALL0;
    long mono = 5 * SECOND;

    RotatingCaptureWriter writer(String name, FileFormat format, Rotation rotation) throws IOException {
        return new RotatingCaptureWriter(dir.resolve(name), format, lo(), rotation, () -> wall, () -> mono,
                ZoneOffset.UTC);
    }

    static InterfaceInfo lo() {
        return new InterfaceInfo("lo", "", 1, SNAPLEN, "tcp", true);
    }

    void advance(long seconds) {
        advanceMillis(seconds * 1000);
    }

    void advanceMillis(long millis) {
        wall += millis;
        mono += millis * 1_000_000L;
    }

    static void write(RotatingCaptureWriter w, int i) throws IOException {
        byte[] d = wire(i);
        w.write(time(i), d, 0, d.length, d.length);
    }

    /** The packet numbers in a file (each packet's bytes and time are checked against its number). */
    static List<Integer> packetsIn(Path file) throws IOException {
        List<Frames.Copy> frames;
        try (PacketSource s = CaptureFiles.open(file)) {
            frames = Frames.readAll(s);
        }
        List<Integer> numbers = new ArrayList<>();
        for (Frames.Copy f : frames) {
            int i = (int) ((f.epochNanos() - time(0)) / (time(1) - time(0)));
            assertEquals(time(i), f.epochNanos(), file + ": time");
            assertArrayEquals(wire(i), f.data(), file + ": bytes of packet " + i);
            numbers.add(i);
        }
        return numbers;
    }

    List<String> names(List<Path> files) {
        return files.stream().map(p -> dir.relativize(p).toString()).toList();
    }

    List<String> onDisk() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static void assertTsharkAgrees(List<Path> files) throws IOException {
        Tshark.require();
        for (Path f : files.stream().distinct().toList()) {
            assertEquals(packetsIn(f).size(), Tshark.frameCount(f), "tshark on " + f);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"PCAP", "PCAPNG"})
    void sizeRotationNamesFilesAfterTheFirstAndEndsEachJustPastTheLimit(FileFormat format) throws IOException {
        long limit = 10_000;
        List<Integer> all = new ArrayList<>();
        List<Path> files;
        try (RotatingCaptureWriter w = writer("cap.pcap", format, new Rotation(limit, 0, 0))) {
            for (int i = 0; i < 300; i++) {
                write(w, i);
            }
            files = w.files();
            assertEquals(300, w.packetsWritten());
            assertFalse(w.finished());
        }
        assertTrue(files.size() >= 5, "rotated: " + files.size());
        List<String> expected = new ArrayList<>();
        for (int k = 0; k < files.size(); k++) {
            expected.add(k == 0 ? "cap.pcap" : "cap.pcap" + k);
        }
        assertEquals(expected, names(files));
        assertEquals(expected.stream().sorted().toList(), onDisk());
        for (int k = 0; k < files.size(); k++) {
            Path f = files.get(k);
            List<Integer> in = packetsIn(f);
            all.addAll(in);
            long size = Files.size(f);
            if (k < files.size() - 1) {
                // tcpdump's test: a file moves on when it is already larger than the limit, so each
                // closed file is over it, and was not before its last packet.
                int last = in.get(in.size() - 1);
                long lastRecord = format == FileFormat.PCAP ? 16 + wire(last).length
                        : 32 + ((wire(last).length + 3) & ~3);
                assertTrue(size > limit, f + " is " + size);
                assertTrue(size - lastRecord <= limit, f + " was already over before its last packet");
            }
        }
        assertEquals(java.util.stream.IntStream.range(0, 300).boxed().toList(), all);
        assertTsharkAgrees(files);
    }

    @Test
    void bytesWrittenCountsEveryFile() throws IOException {
        try (RotatingCaptureWriter w = writer("b.pcapng", FileFormat.PCAPNG, new Rotation(5_000, 0, 0))) {
            for (int i = 0; i < 100; i++) {
                write(w, i);
            }
            w.flush();
            long onDisk = 0;
            for (Path f : w.files()) {
                onDisk += Files.size(f);
            }
            assertEquals(onDisk, w.bytesWritten());
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"PCAP", "PCAPNG"})
    void aRingOverwritesItsFilesInOrder(FileFormat format) throws IOException {
        List<Path> files;
        try (RotatingCaptureWriter w = writer("ring", format, new Rotation(10_000, 0, 3))) {
            for (int i = 0; i < 400; i++) {
                write(w, i);
            }
            files = w.files();
        }
        // Three files on disk, listed from the oldest; the last written is the current one.
        assertEquals(List.of("ring0", "ring1", "ring2"), onDisk());
        assertEquals(3, files.size());
        List<String> n = names(files);
        int newest = Integer.parseInt(n.get(2).substring(4));
        assertEquals(List.of("ring" + (newest + 1) % 3, "ring" + (newest + 2) % 3, "ring" + newest), n);
        // Together, oldest first, they hold an unbroken run of the latest packets.
        List<Integer> all = new ArrayList<>();
        for (Path f : files) {
            all.addAll(packetsIn(f));
        }
        assertEquals(399, all.get(all.size() - 1));
        int first = all.get(0);
        assertTrue(first > 0, "the oldest packets were overwritten");
        assertEquals(java.util.stream.IntStream.range(first, 400).boxed().toList(), all);
        assertTsharkAgrees(files);
    }

    @ParameterizedTest(name = "-W {0}")
    @CsvSource({"1, ring|ring|ring", "3, ring0|ring1|ring2|ring0", "10, ring0|ring1|ring2|ring3",
            "11, ring00|ring01|ring02|ring03", "101, ring000|ring001|ring002|ring003"})
    void ringNumbersArePaddedToTheLargestNumber(int count, String firstNames) throws IOException {
        List<String> opened = new ArrayList<>();
        // Packets of 200+ bytes against a 100-byte limit: one packet per file.
        try (RotatingCaptureWriter w = writer("ring", FileFormat.PCAP, new Rotation(100, 0, count))) {
            for (int i = 0; opened.size() < firstNames.split("\\|").length; i++) {
                byte[] d = CaptureBytes.data(200, i);
                w.write(time(i), d, 0, d.length, d.length);
                List<String> now = names(w.files());
                if (opened.isEmpty() || !now.get(now.size() - 1).equals(opened.get(opened.size() - 1))
                        || count == 1) {
                    opened.add(now.get(now.size() - 1));
                }
            }
        }
        assertEquals(List.of(firstNames.split("\\|")), opened);
    }

    @Test
    void timeRotationNamesFilesByTheWallClockAndKeepsToThePeriod() throws IOException {
        List<Path> files;
        try (RotatingCaptureWriter w = writer("cap-%Y%m%d-%H%M%S.pcapng", FileFormat.PCAPNG,
                new Rotation(0, 60, 0))) {
            write(w, 0);
            advanceMillis(59_999);
            write(w, 1);
            w.tick();
            assertEquals(List.of("cap-20240305-060708.pcapng"), names(w.files()));
            advanceMillis(1);
            write(w, 2); // a packet after 60 s opens the next file before it is written
            assertEquals(List.of("cap-20240305-060708.pcapng", "cap-20240305-060808.pcapng"), names(w.files()));
            advance(70); // 130 s from the start, quiet: the tick ends the period
            w.tick();
            assertEquals("cap-20240305-060918.pcapng", names(w.files()).get(2));
            // Periods keep to the start: the next ends at 180 s, not 130 + 60.
            advanceMillis(49_999);
            w.tick();
            assertEquals(3, w.files().size());
            advanceMillis(1);
            w.tick();
            write(w, 3);
            files = w.files();
        }
        assertEquals(List.of("cap-20240305-060708.pcapng", "cap-20240305-060808.pcapng",
                "cap-20240305-060918.pcapng", "cap-20240305-061008.pcapng"), names(files));
        assertEquals(List.of(0, 1), packetsIn(files.get(0)));
        assertEquals(List.of(2), packetsIn(files.get(1)));
        assertEquals(List.of(), packetsIn(files.get(2)));
        assertEquals(List.of(3), packetsIn(files.get(3)));
        assertTsharkAgrees(files);
    }

    @Test
    void timeRotationWithACountFinishesAfterThatManyFiles() throws IOException {
        List<Path> files;
        try (RotatingCaptureWriter w = writer("g%H%M%S", FileFormat.PCAP, new Rotation(0, 10, 3))) {
            write(w, 0);
            advance(10);
            write(w, 1);
            advance(10);
            write(w, 2);
            write(w, 3);
            assertFalse(w.finished());
            advance(10);
            w.tick(); // the third period ends with no packet: the capture is done
            assertTrue(w.finished());
            write(w, 4); // dropped, as tcpdump exits on it
            w.tick();
            assertEquals(4, w.packetsWritten());
            files = w.files();
        }
        assertEquals(List.of("g060708", "g060718", "g060728"), names(files));
        assertEquals(List.of("g060708", "g060718", "g060728"), onDisk());
        assertEquals(List.of(2, 3), packetsIn(files.get(2)));
        assertTsharkAgrees(files);
    }

    @Test
    void aPacketCanEndTheLastPeriodToo() throws IOException {
        try (RotatingCaptureWriter w = writer("p%S", FileFormat.PCAPNG, new Rotation(0, 1, 2))) {
            write(w, 0);
            advance(1);
            write(w, 1);
            advance(1);
            write(w, 2);
            assertTrue(w.finished());
            assertEquals(2, w.packetsWritten());
            assertEquals(List.of("p08", "p09"), names(w.files()));
        }
    }

    @Test
    void timeAndSizeTogetherNumberFilesWithinEachPeriod() throws IOException {
        List<Path> files;
        try (RotatingCaptureWriter w = writer("t%M%S-", FileFormat.PCAP, new Rotation(30, 60, 0))) {
            for (int i = 0; i < 3; i++) {
                write(w, i); // a 24-byte header under a 30-byte limit: one packet per file
            }
            advance(60);
            for (int i = 3; i < 5; i++) {
                write(w, i);
            }
            files = w.files();
        }
        assertEquals(List.of("t0708-", "t0708-1", "t0708-2", "t0808-", "t0808-1"), names(files));
        assertEquals(List.of(3), packetsIn(files.get(3)));
        assertTsharkAgrees(files);
    }

    @Test
    void timeSizeAndCountMakeARingPerPeriodAndNeverFinish() throws IOException {
        try (RotatingCaptureWriter w = writer("t%M%S-", FileFormat.PCAP, new Rotation(30, 60, 3))) {
            for (int period = 0; period < 5; period++) {
                for (int i = 0; i < 4; i++) {
                    write(w, period * 4 + i);
                }
                advance(60);
            }
            assertFalse(w.finished(), "-W with -C and -G only names files");
            List<String> n = names(w.files());
            assertEquals(20, n.size());
            assertEquals(List.of("t0708-0", "t0708-1", "t0708-2", "t0708-0", "t0808-0", "t0808-1"), n.subList(0, 6));
            assertEquals("t1108-0", n.get(16));
        }
    }

    @Test
    void aNameWithoutTimeIsOverwrittenEachPeriod() throws IOException {
        try (RotatingCaptureWriter w = writer("same.pcap", FileFormat.PCAP, new Rotation(0, 5, 0))) {
            write(w, 0);
            advance(5);
            write(w, 1);
            assertEquals(List.of("same.pcap", "same.pcap"), names(w.files()));
            w.flush();
            assertEquals(List.of(1), packetsIn(dir.resolve("same.pcap")));
        }
    }

    @Test
    void withoutAPeriodAPercentIsJustACharacter() throws IOException {
        try (RotatingCaptureWriter w = writer("a%Q.pcap", FileFormat.PCAP, new Rotation(30, 0, 0))) {
            write(w, 0);
            write(w, 1);
            assertEquals(List.of("a%Q.pcap", "a%Q.pcap1"), names(w.files()));
        }
    }

    @Test
    void badOptionsFailBeforeAnyFileIsMade() throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> writer("x-%Q", FileFormat.PCAP, new Rotation(0, 10, 0)));
        assertTrue(e.getMessage().contains("%Q"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> writer("x-%", FileFormat.PCAP, new Rotation(0, 10, 0)));
        assertThrows(IllegalArgumentException.class, () -> new Rotation(0, 0, 3));
        assertThrows(IllegalArgumentException.class, () -> new Rotation(-1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Rotation(0, Long.MAX_VALUE, 0));
        assertThrows(IllegalArgumentException.class, () -> new RotatingCaptureWriter(Path.of(""), FileFormat.PCAP,
                lo(), Rotation.NONE, () -> wall, () -> mono));
        assertEquals(List.of(), onDisk());
    }

    @Test
    void tcpdumpFileSizes() {
        assertEquals(5_000_000, Rotation.fileSizeBytes("5"));
        assertEquals(5 * 1024, Rotation.fileSizeBytes("5k"));
        assertEquals(2L << 20, Rotation.fileSizeBytes("2m"));
        assertEquals(3L << 30, Rotation.fileSizeBytes("3g"));
        for (String bad : List.of("0", "-1", "x", "", "k", "5K", "1.5", "99999999999999999999")) {
            assertThrows(IllegalArgumentException.class, () -> Rotation.fileSizeBytes(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> Rotation.fileSizeBytes("9223372036854775807g"));
    }

    @Test
    void aMissingDirectoryFailsAtTheStart() {
        IOException e = assertThrows(IOException.class, () -> new RotatingCaptureWriter(
                dir.resolve("gone").resolve("x.pcapng"), FileFormat.PCAPNG, lo(), Rotation.NONE,
                () -> wall, () -> mono));
        assertTrue(e.getMessage().startsWith("cannot create capture file " + dir.resolve("gone").resolve("x.pcapng")),
                e.getMessage());
    }

    @Test
    void aDirectoryRemovedDuringTheCaptureFailsTheNextFileByName() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("sub"));
        RotatingCaptureWriter w = new RotatingCaptureWriter(sub.resolve("c"), FileFormat.PCAP, lo(),
                new Rotation(1_000, 0, 0), () -> wall, () -> mono);
        write(w, 0);
        Files.delete(sub.resolve("c"));
        Files.delete(sub);
        IOException e = null;
        for (int i = 1; i < 100 && e == null; i++) {
            try {
                write(w, i);
            } catch (IOException failure) {
                e = failure;
            }
        }
        assertTrue(e != null);
        assertEquals("cannot create capture file " + sub.resolve("c1") + ": directory " + sub + " does not exist",
                e.getMessage());
        IOException later = assertThrows(IOException.class, () -> write(w, 200));
        assertTrue(later.getMessage().startsWith("capture output stopped after an earlier failure"), later.getMessage());
        w.close();
    }

    @Test
    void tickWritesOutWhatWaitedASecond() throws IOException {
        try (RotatingCaptureWriter w = writer("t.pcapng", FileFormat.PCAPNG, Rotation.NONE)) {
            for (int i = 0; i < 20; i++) {
                write(w, i);
            }
            Path f = w.files().get(0);
            advanceMillis(999);
            w.tick();
            assertEquals(List.of(), packetsIn(f));
            advanceMillis(1);
            w.tick();
            assertEquals(20, packetsIn(f).size());
            assertEquals(Files.size(f), w.bytesWritten());
        }
    }
}
