package io.gatelens.capture.file;

import io.gatelens.capture.CaptureFormatException;
import io.gatelens.capture.Frame;
import io.gatelens.capture.PacketSource;
import io.gatelens.capture.bytes.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Following a capture file while it is written, fed by real recorded captures: the frames equal
 * those read from the complete file, whatever the writer's pieces cut; the follow ends only by
 * stop() or the idle limit, and says when that end fell inside a record.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FollowedCaptureTest {
    private static final Path CAPTURES = Path.of("..", "fixtures", "captures");
    private static final String PCAP = "healthy-keepalive/capture.pcap";
    private static final String PCAPNG = "pcapng-dumpcap/capture.pcapng";
    /** Larger than CountingInput's 64 KiB buffer, so the pieces also cut across its refills. */
    private static final String LARGE_PCAP = "reset-during-request/capture.pcap";
    /** Fast looks, so the tests that wait for growth do not take seconds. */
    private static final FollowOptions FAST = FollowOptions.defaults().withPollNanos(1_000_000);
    /** Waits that only stop() can end, to show it wakes the reader rather than a poll doing it. */
    private static final long HOUR = TimeUnit.HOURS.toNanos(1);

    @TempDir
    Path dir;

    static byte[] fixture(String name) throws IOException {
        Path p = CAPTURES.resolve(name);
        assertTrue(Files.isRegularFile(p), "fixture " + p.toAbsolutePath() + " is missing");
        return Files.readAllBytes(p);
    }

    static List<Frames.Copy> framesOf(byte[] file) throws IOException {
        try (PacketSource s = Frames.open(file)) {
            return Frames.readAll(s);
        }
    }

    static void assertSameFrames(List<Frames.Copy> expected, List<Frames.Copy> got) {
        assertEquals(expected.size(), got.size(), "frame count");
        for (int i = 0; i < expected.size(); i++) {
            Frames.Copy e = expected.get(i);
            Frames.Copy g = got.get(i);
            String at = "frame " + e.number();
            assertEquals(e.number(), g.number(), at);
            assertEquals(e.epochNanos(), g.epochNanos(), at);
            assertEquals(e.interfaceIndex(), g.interfaceIndex(), at);
            assertEquals(e.linkTypeCode(), g.linkTypeCode(), at);
            assertEquals(e.capturedLength(), g.capturedLength(), at);
            assertEquals(e.originalLength(), g.originalLength(), at);
            assertEquals(e.fileOffset(), g.fileOffset(), at);
            assertArrayEquals(e.data(), g.data(), at);
        }
    }

    /** Reads {@code n} frames (each next() waiting as long as it must). */
    static List<Frames.Copy> read(PacketSource s, int n) throws IOException {
        List<Frames.Copy> got = new ArrayList<>();
        Frame f = new Frame();
        while (got.size() < n) {
            assertTrue(s.next(f), "frame " + (got.size() + 1) + " expected");
            got.add(Frames.Copy.of(f));
        }
        return got;
    }

    static void append(Path p, byte[] b, int off, int len) throws IOException {
        try (OutputStream out = Files.newOutputStream(p, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            out.write(b, off, len);
        }
    }

    /**
     * Where a writer's piece may end: every byte within {@link #NEAR} of a record or block start
     * (the headers, lengths and options the readers look at), every {@link #STRIDE}th inside the
     * packet bytes, where every split takes the same path (the record is asked for whole). Every
     * byte would take the two sweeps four times as long for nothing more tested.
     */
    static int[] splits(byte[] file) {
        List<Long> starts = boundaries(file);
        return java.util.stream.IntStream.rangeClosed(0, file.length)
                .filter(k -> k % STRIDE == 0 || starts.stream().anyMatch(b -> Math.abs(k - b) <= NEAR))
                .toArray();
    }

    private static final int NEAR = 40;
    private static final int STRIDE = 7;

    /** The file holds the first {@code k} bytes of {@code file}, and nothing after. */
    static void writePrefix(FileChannel ch, byte[] file, int k) throws IOException {
        ch.truncate(0);
        ch.write(ByteBuffer.wrap(file, 0, k), 0);
    }

    /** Where records (pcap) or blocks (pcapng) start, plus the file's end. */
    static List<Long> boundaries(byte[] file) {
        List<Long> at = new ArrayList<>();
        if (Bytes.u32be(file, 0) == PcapngReader.SECTION_HEADER) {
            boolean big = Bytes.u32be(file, 8) == PcapngReader.BYTE_ORDER_MAGIC;
            for (long p = 0; p < file.length; p += Bytes.u32(file, (int) p + 4, big)) {
                at.add(p);
            }
        } else {
            boolean big = Bytes.u32le(file, 0) == PcapReader.MAGIC_MICRO_SWAPPED
                    || Bytes.u32le(file, 0) == PcapReader.MAGIC_NANO_SWAPPED;
            at.add(0L);
            for (long p = PcapReader.FILE_HEADER_LENGTH; p < file.length;
                 p += PcapReader.RECORD_HEADER_LENGTH + Bytes.u32(file, (int) p + 8, big)) {
                at.add(p);
            }
        }
        at.add((long) file.length);
        return at;
    }

    /**
     * A writer appends the capture in pieces of random sizes (the first ones cutting the magic and
     * the file header) with short pauses; the follower, started before the file exists or once it
     * is empty, returns exactly the frames of the complete file, and a stop after the last ends it
     * cleanly.
     */
    @ParameterizedTest
    @CsvSource({
            PCAP + ", false, 1", PCAP + ", true, 2",
            PCAPNG + ", false, 3", PCAPNG + ", true, 4",
            LARGE_PCAP + ", true, 5"})
    void followsAWriterThatCutsTheHeaderAndRecords(String fixture, boolean fileExistsEmpty, long seed)
            throws Exception {
        byte[] file = fixture(fixture);
        List<Frames.Copy> expected = framesOf(file);
        Path p = dir.resolve("growing.cap");
        if (fileExistsEmpty) {
            Files.createFile(p);
        }
        try (FollowedCapture followed = CaptureFiles.follow(p, FAST)) {
            AtomicReference<Throwable> writerFailed = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try {
                    Random random = new Random(seed);
                    int[] first = {1, 2, 2, 5, 3}; // "magic" cut after 1 and 3 bytes, then the header
                    int max = Math.max(64, file.length / 40);
                    int pos = 0;
                    for (int i = 0; pos < file.length; i++) {
                        int n = Math.min(file.length - pos, i < first.length ? first[i] : 1 + random.nextInt(max));
                        append(p, file, pos, n);
                        pos += n;
                        Thread.sleep(random.nextInt(3));
                    }
                } catch (Throwable t) {
                    writerFailed.set(t);
                    followed.stop(); // so the reader does not wait for bytes that will not come
                }
            }, "test writer");
            writer.start();
            PacketSource s = followed.source();
            List<Frames.Copy> got = read(s, expected.size());
            writer.join(TimeUnit.SECONDS.toMillis(30));
            assertNull(writerFailed.get(), "writer");
            assertFalse(writer.isAlive(), "writer finished");
            assertSameFrames(expected, got);
            try (PacketSource whole = Frames.open(file)) {
                assertEquals(whole.format(), s.format());
            }
            followed.stop();
            assertFalse(s.next(new Frame()));
            assertEquals(FollowedCapture.Ending.STOPPED, followed.ending());
            assertFalse(followed.endedMidRecord());
            assertEquals(file.length, followed.bytesRead());
        }
    }

    /**
     * Every split of the file (see {@link #splits}): the first part is there when following
     * starts, the rest is appended by onIdle at the first wait (on the reading thread, so the test
     * needs no threads). Same frames every time.
     */
    @ParameterizedTest
    @ValueSource(strings = {PCAP, PCAPNG})
    void everySplitGivesTheSameFrames(String fixture) throws IOException {
        byte[] file = fixture(fixture);
        List<Frames.Copy> expected = framesOf(file);
        Path p = dir.resolve("split.cap");
        // One file written again in place for every split: opening and closing a new one each
        // time would be most of the test's time.
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            for (int k : splits(file)) {
                writePrefix(ch, file, k);
                int cut = k;
                AtomicInteger idle = new AtomicInteger();
                Runnable rest = () -> {
                    if (idle.getAndIncrement() == 0) {
                        try {
                            ch.write(ByteBuffer.wrap(file, cut, file.length - cut), cut);
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                };
                try (FollowedCapture followed = CaptureFiles.follow(p, FAST.withOnIdle(rest, 0))) {
                    PacketSource s = followed.source();
                    List<Frames.Copy> got = read(s, expected.size());
                    assertSameFrames(expected, got);
                    if (idle.get() == 0) {
                        // The reader never waited (a split in the trailing blocks): the rest is still
                        // to come, and the stop must find it written.
                        rest.run();
                    }
                    followed.stop();
                    assertFalse(s.next(new Frame()), "split at " + k);
                    assertFalse(followed.endedMidRecord(), "split at " + k);
                }
            }
        }
    }

    /**
     * Every length (see {@link #splits}) the writer may have reached when the follow is stopped:
     * the whole records are returned, a cut last record is reported as such (where it starts, how
     * much of it was there) and not as damage; a cut file header is an error saying how far it got.
     */
    @ParameterizedTest
    @ValueSource(strings = {PCAP, PCAPNG})
    void aStopInsideARecordIsReportedAsACutNotAsDamage(String fixture) throws IOException {
        byte[] file = fixture(fixture);
        List<Frames.Copy> all = framesOf(file);
        List<Long> starts = boundaries(file);
        long headerEnd = starts.get(1);
        Path p = dir.resolve("stopped.cap");
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            for (int k : splits(file)) {
                writePrefix(ch, file, k);
                try (FollowedCapture followed = CaptureFiles.follow(p, FAST)) {
                    followed.stop(); // before anything is read: what is there is still read
                    if (k < headerEnd) {
                        CaptureFormatException e = assertThrows(CaptureFormatException.class, followed::source);
                        assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
                        assertTrue(e.problem().startsWith("following was stopped before the file header was written"),
                                e.problem());
                        continue;
                    }
                    PacketSource s = followed.source();
                    List<Frames.Copy> got = Frames.readAll(s);
                    int cut = k;
                    long lastWhole = starts.stream().filter(b -> b <= cut).max(Long::compare).orElseThrow();
                    List<Frames.Copy> whole = all.stream()
                            .filter(f -> starts.get(starts.indexOf(f.fileOffset()) + 1) <= cut).toList();
                    assertSameFrames(whole, got);
                    assertEquals(FollowedCapture.Ending.STOPPED, followed.ending());
                    assertEquals(lastWhole < k, followed.endedMidRecord(), "stopped at " + k);
                    assertEquals(k - lastWhole, followed.cutRecordBytes(), "stopped at " + k);
                    if (lastWhole < k) {
                        assertEquals(lastWhole, followed.cutRecord().byteOffset(), "stopped at " + k);
                    }
                }
            }
        }
    }

    /** The read path of a follow is the plain reader's plus one read(2): nothing per frame. */
    @Test
    void readingWhatIsWrittenAllocatesNothingPerFrame() throws IOException {
        int frames = 5000;
        ByteArrayOutputStream pcap = new ByteArrayOutputStream();
        ByteArrayOutputStream pcapng = new ByteArrayOutputStream();
        try (PcapWriter w = new PcapWriter(pcap, 1, 65535, false); PcapngWriter n = new PcapngWriter(pcapng)) {
            n.addInterface(1, 0, "eth0");
            for (int i = 0; i < frames; i++) {
                byte[] d = CaptureBytes.data(40 + (i * 37) % 1400, i);
                w.write(1_000_000_000L * i, d, 0, d.length, d.length);
                n.write(0, 1_000_000_000L * i, d, 0, d.length, d.length);
            }
        }
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        Path p = dir.resolve("many.cap");
        for (byte[] file : new byte[][] {pcap.toByteArray(), pcapng.toByteArray()}) {
            Files.write(p, file);
            for (int round = 0; round < 3; round++) {
                try (FollowedCapture followed = CaptureFiles.follow(p, FAST)) {
                    followed.stop(); // the whole file is read, then the end
                    PacketSource s = followed.source();
                    Frame f = new Frame();
                    // Past the largest frame the reader's buffer is final; measure from there.
                    for (int i = 0; i < 3800; i++) {
                        assertTrue(s.next(f));
                    }
                    long before = threads.getThreadAllocatedBytes(thread);
                    int n = 0;
                    while (s.next(f)) {
                        n++;
                    }
                    long allocated = threads.getThreadAllocatedBytes(thread) - before;
                    assertEquals(frames - 3800, n);
                    if (round == 2) {
                        // 1200 frames; even 8 bytes each would be 9600.
                        assertTrue(allocated < 4096, "allocated " + allocated + " bytes for " + n + " frames");
                    }
                }
            }
        }
    }

    /** onIdle runs while the reader waits, inside source() and inside next(), on the reading thread. */
    @Test
    void onIdleRunsOnTheReadingThreadWhileItWaits() throws Exception {
        byte[] file = fixture(PCAP);
        List<Frames.Copy> expected = framesOf(file);
        Path p = dir.resolve("idle.cap");
        List<Thread> callers = new CopyOnWriteArrayList<>();
        CountDownLatch waitingForHeader = new CountDownLatch(2);
        AtomicInteger afterFrames = new AtomicInteger(-1);
        CountDownLatch waitingForFrames = new CountDownLatch(2);
        Runnable onIdle = () -> {
            callers.add(Thread.currentThread());
            waitingForHeader.countDown();
            if (afterFrames.get() >= 0) {
                waitingForFrames.countDown();
            }
        };
        try (FollowedCapture followed = CaptureFiles.follow(p, FAST.withOnIdle(onIdle, 2_000_000))) {
            Thread writer = new Thread(() -> {
                try {
                    if (waitingForHeader.await(30, TimeUnit.SECONDS)) {
                        append(p, file, 0, file.length);
                    }
                    if (waitingForFrames.await(30, TimeUnit.SECONDS)) {
                        followed.stop();
                    }
                } catch (InterruptedException | IOException e) {
                    followed.stop();
                }
            }, "test writer");
            writer.start();
            PacketSource s = followed.source();
            assertTrue(callers.size() >= 2, "onIdle called while waiting for the file");
            List<Frames.Copy> got = read(s, expected.size());
            afterFrames.set(callers.size());
            assertFalse(s.next(new Frame()), "ended by the writer's stop()");
            writer.join(TimeUnit.SECONDS.toMillis(30));
            assertSameFrames(expected, got);
            assertTrue(callers.size() >= afterFrames.get() + 2, "onIdle called while waiting inside next()");
            for (Thread t : callers) {
                assertSame(Thread.currentThread(), t);
            }
        }
    }

    /** A stop from another thread wakes a read that waits (here with polls an hour apart). */
    @Test
    void stopFromAnotherThreadEndsAWaitingRead() throws Exception {
        byte[] file = fixture(PCAPNG);
        List<Frames.Copy> expected = framesOf(file);
        Path p = dir.resolve("blocked.cap");
        Files.write(p, file);
        Thread reader = Thread.currentThread();
        try (FollowedCapture followed = CaptureFiles.follow(p, FollowOptions.defaults().withPollNanos(HOUR))) {
            PacketSource s = followed.source();
            assertSameFrames(expected, read(s, expected.size()));
            Thread stopper = new Thread(() -> {
                // Bounded: 30 s at most, then stop anyway (the test then still checks the end).
                for (int i = 0; i < 30_000 && reader.getState() != Thread.State.TIMED_WAITING; i++) {
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        break;
                    }
                }
                followed.stop();
            }, "test stopper");
            stopper.start();
            assertFalse(s.next(new Frame()));
            stopper.join(TimeUnit.SECONDS.toMillis(30));
            assertEquals(FollowedCapture.Ending.STOPPED, followed.ending());
            assertFalse(followed.endedMidRecord());
        }
    }

    /** An interrupt ends a waiting read with InterruptedIOException, the flag left set. */
    @Test
    void anInterruptEndsAWaitingRead() throws IOException {
        byte[] file = fixture(PCAP);
        List<Frames.Copy> expected = framesOf(file);
        Path p = dir.resolve("interrupted.cap");
        Files.write(p, file);
        try (FollowedCapture followed = CaptureFiles.follow(p, FollowOptions.defaults().withPollNanos(HOUR))) {
            PacketSource s = followed.source();
            assertSameFrames(expected, read(s, expected.size()));
            Thread.currentThread().interrupt();
            try {
                IOException e = assertThrows(InterruptedIOException.class, () -> s.next(new Frame()));
                assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
                assertTrue(Thread.currentThread().isInterrupted());
            } finally {
                Thread.interrupted();
            }
        }
    }

    /** A stop before the file exists ends the wait for it. */
    @Test
    void stopBeforeTheFileAppearsEndsTheWait() throws Exception {
        Path p = dir.resolve("never.cap");
        Thread reader = Thread.currentThread();
        try (FollowedCapture followed = CaptureFiles.follow(p, FollowOptions.defaults().withPollNanos(HOUR))) {
            Thread stopper = new Thread(() -> {
                for (int i = 0; i < 30_000 && reader.getState() != Thread.State.TIMED_WAITING; i++) {
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        break;
                    }
                }
                followed.stop();
            }, "test stopper");
            stopper.start();
            NoSuchFileException e = assertThrows(NoSuchFileException.class, followed::source);
            stopper.join(TimeUnit.SECONDS.toMillis(30));
            assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("not created before following was stopped"), e.getMessage());
        }
    }

    @Test
    void idleLimitEndsTheFollowAtARecordBoundary() throws IOException {
        byte[] file = fixture(PCAP);
        List<Frames.Copy> expected = framesOf(file);
        Path p = dir.resolve("idle-end.cap");
        Files.write(p, file);
        try (FollowedCapture followed = CaptureFiles.follow(p, FAST.withIdleTimeoutNanos(50_000_000))) {
            PacketSource s = followed.source();
            assertSameFrames(expected, Frames.readAll(s));
            assertEquals(FollowedCapture.Ending.IDLE_TIMEOUT, followed.ending());
            assertFalse(followed.endedMidRecord());
        }
    }

    /** A writer killed in the middle of a record: the idle limit ends the follow, the cut is reported. */
    @Test
    void idleLimitInsideARecordReportsTheCut() throws IOException {
        byte[] file = fixture(PCAP);
        List<Frames.Copy> expected = framesOf(file);
        List<Long> starts = boundaries(file);
        long third = starts.get(3); // header, frame 1, frame 2, then frame 3 starts
        int k = (int) third + PcapReader.RECORD_HEADER_LENGTH + 5;
        Path p = dir.resolve("killed.cap");
        Files.write(p, Arrays.copyOf(file, k));
        try (FollowedCapture followed = CaptureFiles.follow(p, FAST.withIdleTimeoutNanos(50_000_000))) {
            PacketSource s = followed.source();
            assertSameFrames(expected.subList(0, 2), Frames.readAll(s));
            assertEquals(FollowedCapture.Ending.IDLE_TIMEOUT, followed.ending());
            assertTrue(followed.endedMidRecord());
            assertEquals(3, followed.cutRecord().frameNumber());
            assertEquals(third, followed.cutRecord().byteOffset());
            assertEquals(PcapReader.RECORD_HEADER_LENGTH + 5, followed.cutRecordBytes());
        }
    }

    @Test
    void idleLimitWithoutTheFileSaysItWasNeverCreated() throws IOException {
        Path p = dir.resolve("absent.cap");
        try (FollowedCapture followed = CaptureFiles.follow(p, FAST.withIdleTimeoutNanos(20_000_000))) {
            NoSuchFileException e = assertThrows(NoSuchFileException.class, followed::source);
            assertTrue(e.getMessage().contains("not created before following gave up"), e.getMessage());
        }
    }

    /** A record that is malformed, not merely unfinished, is damage as in any file. */
    @Test
    void aMalformedRecordIsStillDamage() throws IOException {
        byte[] file = fixture(PCAP).clone();
        long second = boundaries(file).get(2);
        // Captured length of frame 2 far past any snaplen (the top byte of a little-endian u32).
        file[(int) second + 11] = 0x7f;
        Path p = dir.resolve("bad.cap");
        Files.write(p, file);
        try (FollowedCapture followed = CaptureFiles.follow(p, FAST)) {
            PacketSource s = followed.source();
            List<Frames.Copy> got = new ArrayList<>();
            CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> Frames.readAll(s, got));
            assertEquals(1, got.size());
            assertEquals(2, e.frameNumber());
            assertTrue(e.problem().startsWith("absurdly large record"), e.problem());
            assertNull(followed.ending());
            assertFalse(followed.endedMidRecord());
        }
    }

    @Test
    void truncationIsReportedNamingTheFile() throws IOException {
        byte[] file = fixture(PCAP);
        List<Frames.Copy> expected = framesOf(file);
        Path p = dir.resolve("truncated.cap");
        Files.write(p, file);
        try (FollowedCapture followed = CaptureFiles.follow(p, FAST)) {
            PacketSource s = followed.source();
            assertSameFrames(expected, read(s, expected.size()));
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
                ch.truncate(10);
            }
            IOException e = assertThrows(IOException.class, () -> s.next(new Frame()));
            assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("was truncated to 10 bytes while followed"), e.getMessage());
            assertFalse(s.next(new Frame()), "ended after the error");
        }
    }

    /** Rotation: the path now names another file (another inode), found while the reader waits. */
    @Test
    void replacementIsReportedNamingTheFile() throws Exception {
        byte[] file = fixture(PCAP);
        List<Frames.Copy> expected = framesOf(file);
        Path p = dir.resolve("rotated.cap");
        Files.write(p, file);
        Path next = dir.resolve("next.cap");
        Files.write(next, file); // as large as the old one: only its identity tells them apart
        Thread reader = Thread.currentThread();
        try (FollowedCapture followed = CaptureFiles.follow(p, FAST)) {
            PacketSource s = followed.source();
            assertSameFrames(expected, read(s, expected.size()));
            Thread rotator = new Thread(() -> {
                for (int i = 0; i < 30_000 && reader.getState() != Thread.State.TIMED_WAITING; i++) {
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        break;
                    }
                }
                try {
                    Files.move(next, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    followed.stop();
                }
            }, "test rotator");
            rotator.start();
            IOException e = assertThrows(IOException.class, () -> s.next(new Frame()));
            rotator.join(TimeUnit.SECONDS.toMillis(30));
            assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("was replaced by another file while followed"), e.getMessage());
        }
    }

    @Test
    void removalIsReportedNamingTheFile() throws IOException {
        byte[] file = fixture(PCAPNG);
        List<Frames.Copy> expected = framesOf(file);
        Path p = dir.resolve("removed.cap");
        Files.write(p, file);
        try (FollowedCapture followed = CaptureFiles.follow(p, FAST)) {
            PacketSource s = followed.source();
            assertSameFrames(expected, read(s, expected.size()));
            Files.delete(p);
            IOException e = assertThrows(IOException.class, () -> s.next(new Frame()));
            assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("was removed or renamed while followed"), e.getMessage());
        }
    }

    @Test
    void gzipIsRefused() throws IOException {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(fixture(PCAP));
        }
        Path p = dir.resolve("capture.pcap.gz");
        Files.write(p, gz.toByteArray());
        try (FollowedCapture followed = CaptureFiles.follow(p, FAST)) {
            CaptureFormatException e = assertThrows(CaptureFormatException.class, followed::source);
            assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
            assertTrue(e.problem().startsWith("gzip-compressed: a compressed capture cannot be followed"),
                    e.problem());
        }
    }

    @Test
    void notACaptureIsRefusedAsWhenOpened() throws IOException {
        Path p = dir.resolve("notes.txt");
        Files.writeString(p, "hello world");
        try (FollowedCapture followed = CaptureFiles.follow(p, FAST)) {
            CaptureFormatException e = assertThrows(CaptureFormatException.class, followed::source);
            assertTrue(e.problem().startsWith("not a pcap or pcapng file"), e.problem());
        }
    }

    @Test
    void aDirectoryIsRefused() {
        IOException e = assertThrows(IOException.class, () -> CaptureFiles.follow(dir, FAST));
        assertTrue(e.getMessage().contains("is not a regular file"), e.getMessage());
    }
}
