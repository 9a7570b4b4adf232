package io.gatelens.capture.file;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A live capture's output: one {@link CaptureFileWriter} at a time, moved on to the next file
 * the way tcpdump's {@code -w FILE -C SIZE -G SECONDS -W COUNT} do (tcpdump.c,
 * {@code dump_packet_and_trunc} and {@code MakeFilename}). Every file starts with its own header
 * (pcap) or Section Header and Interface Description Blocks (pcapng), so each opens on its own.
 *
 * <p>Naming, as tcpdump:
 * <ul>
 * <li>{@code -C} alone: FILE, FILE1, FILE2, ... (the number goes after the whole name, extension
 *     included: {@code cap.pcap1}).
 * <li>{@code -C} with {@code -W N}: a ring FILE0 ... FILE(N-1), numbers zero-padded to the width
 *     of N-1 (FILE00 ... FILE10 for 11 files; FILE alone for 1), then FILE0 again, overwritten.
 * <li>{@code -G}: FILE is a strftime pattern ({@link FileNamePattern}) formatted in local time
 *     when each file opens; without a time conversion each file overwrites the one before.
 *     {@code -W N} ends the capture once N files are done ({@link #finished()}).
 * <li>{@code -G} with {@code -C}: the size counter goes after the formatted name and restarts
 *     with every period; {@code -W} then only sets the width and wraps the counter within a
 *     period, it does not end the capture.
 * </ul>
 *
 * <p>Rotation is checked when a packet arrives, before it is written: first the period, then the
 * size (a file already larger than {@code -C} moves on, so files end just above the limit, by at
 * most one packet). Unlike tcpdump, a {@code -G} period also ends on {@link #tick()} while no
 * packet comes, so files follow the clock on a quiet interface too (one empty file per quiet
 * period, and {@code -G 60 -W 5} stops after five minutes even if nothing was captured). Periods
 * are measured on the monotonic clock from the start of the capture, so they neither drift (tcpdump
 * counts each period from the packet that ended the last one) nor jump when the wall clock is set;
 * only the names use the wall clock.
 *
 * <p>Single-threaded: the caller's writer thread calls {@link #write} per packet and
 * {@link #tick()} at least every 250 ms. One 256 KiB buffer serves every file; the packet path
 * allocates nothing.
 */
public final class RotatingCaptureWriter implements Closeable {
    /** How many file names {@link #files()} keeps when the capture has no ring of its own. */
    static final int FILES_REMEMBERED = 1024;

    private final String name;
    private final FileFormat format;
    private final InterfaceInfo iface;
    private final LongSupplier wallClockMillis;
    private final LongSupplier monotonicNanos;
    private final ZoneId zone;
    private final FileNamePattern pattern;
    private final long maxBytes;
    private final long periodNanos;
    private final int fileCount;
    private final int counterDigits;
    private final ByteBuffer buffer = CaptureFileWriter.newBuffer();
    private final ArrayDeque<Path> files = new ArrayDeque<>();
    private final int filesKept;

    private CaptureFileWriter current;
    private long periodStart;
    /** tcpdump's Cflag_count: the number after the name. */
    private int sizeCounter;
    /** tcpdump's Gflag_count: periods ended so far. */
    private int periods;
    private boolean finished;
    private long closedBytes;
    private long closedPackets;
    private IOException failure;

    /**
     * Opens the first file at once, so a bad path fails before the capture starts.
     *
     * @param file            the {@code -w} argument (a strftime pattern with {@code -G})
     * @param wallClockMillis names {@code -G} files ({@link System#currentTimeMillis()})
     * @param monotonicNanos  ages the buffer and measures {@code -G} periods ({@link System#nanoTime()})
     */
    public RotatingCaptureWriter(Path file, FileFormat format, InterfaceInfo iface, Rotation rotation,
                                 LongSupplier wallClockMillis, LongSupplier monotonicNanos) throws IOException {
        this(file, format, iface, rotation, wallClockMillis, monotonicNanos, ZoneId.systemDefault());
    }

    RotatingCaptureWriter(Path file, FileFormat format, InterfaceInfo iface, Rotation rotation,
                          LongSupplier wallClockMillis, LongSupplier monotonicNanos, ZoneId zone)
            throws IOException {
        this.name = file.toString();
        if (name.isEmpty()) {
            throw new IllegalArgumentException("an empty string is not a valid file name");
        }
        this.format = Objects.requireNonNull(format);
        this.iface = Objects.requireNonNull(iface);
        this.wallClockMillis = wallClockMillis;
        this.monotonicNanos = monotonicNanos;
        this.zone = zone;
        this.maxBytes = rotation.maxBytes();
        this.periodNanos = rotation.everySeconds() * 1_000_000_000L;
        this.fileCount = rotation.fileCount();
        this.pattern = periodNanos > 0 ? new FileNamePattern(name) : null;
        this.counterDigits = digits(fileCount - 1);
        // A ring of -C files is all on disk at once: list exactly those.
        this.filesKept = maxBytes > 0 && periodNanos == 0 && fileCount > 0
                ? fileCount : Math.max(fileCount, FILES_REMEMBERED);
        this.periodStart = monotonicNanos.getAsLong();
        openNext();
    }

    /** tcpdump's getWflagChars: digits of the largest ring number (0 for a ring of one). */
    private static int digits(int largest) {
        int n = 0;
        for (int x = largest; x > 0; x /= 10) {
            n++;
        }
        return n;
    }

    /**
     * Writes one packet (see {@link CaptureFileWriter#write}), first moving on to the next file
     * if a period ended or the current file is over the size limit. Once {@link #finished()},
     * packets are dropped, as tcpdump exits on the packet that would open file COUNT+1.
     */
    public void write(long epochNanos, byte[] data, int offset, int capturedLength, int originalLength)
            throws IOException {
        if (finished) {
            return;
        }
        ensureOpen();
        long now = monotonicNanos.getAsLong();
        if (periodNanos > 0 && now - periodStart >= periodNanos) {
            endPeriod(now);
            if (finished) {
                return;
            }
        }
        if (maxBytes > 0 && current.size() > maxBytes) {
            closeCurrent();
            sizeCounter++;
            if (fileCount > 0 && sizeCounter >= fileCount) {
                sizeCounter = 0;
            }
            openNext();
        }
        current.write(epochNanos, data, offset, capturedLength, originalLength, now);
    }

    /** Writes out records buffered for a second or more, and ends a {@code -G} period that is over. */
    public void tick() throws IOException {
        if (finished || current == null) {
            return;
        }
        long now = monotonicNanos.getAsLong();
        if (periodNanos > 0 && now - periodStart >= periodNanos) {
            endPeriod(now);
        } else {
            current.tick(now);
        }
    }

    /** Writes out every buffered record now. */
    public void flush() throws IOException {
        if (current != null) {
            current.flush();
        }
    }

    /** True once {@code -G} with {@code -W COUNT} (and no {@code -C}) has written COUNT files. */
    public boolean finished() {
        return finished;
    }

    /**
     * Files opened so far, oldest first; the same path appears again when a file is reused.
     * Bounded: a {@code -C}/{@code -W} ring lists its last COUNT files (those on disk), other
     * captures their last {@value #FILES_REMEMBERED} (or COUNT, if larger).
     */
    public List<Path> files() {
        return List.copyOf(files);
    }

    /** Bytes of every file so far, headers included, counting bytes still in the buffer. */
    public long bytesWritten() {
        return closedBytes + (current == null ? 0 : current.size());
    }

    /** Packets written so far, counting those still in the buffer. */
    public long packetsWritten() {
        return closedPackets + (current == null ? 0 : current.packets());
    }

    /** Writes out the buffer and closes the current file. */
    @Override
    public void close() throws IOException {
        if (current != null) {
            closeCurrent();
        }
    }

    private void endPeriod(long now) throws IOException {
        // Whole periods from the start: a late tick or a quiet minute does not shift the next ones.
        periodStart += (now - periodStart) / periodNanos * periodNanos;
        periods++;
        closeCurrent();
        if (maxBytes == 0 && fileCount > 0 && periods >= fileCount) {
            finished = true;
            return;
        }
        sizeCounter = 0;
        openNext();
    }

    private void openNext() throws IOException {
        String base = pattern == null ? name : pattern.format(wallClockMillis.getAsLong(), zone);
        String fileName = maxBytes == 0 || (sizeCounter == 0 && counterDigits == 0)
                ? base : base + zeroPadded(sizeCounter);
        Path path = Path.of(fileName);
        try {
            current = CaptureFileWriter.open(path, format, iface, buffer);
        } catch (IOException e) {
            failure = e;
            throw e;
        }
        if (files.size() == filesKept) {
            files.removeFirst();
        }
        files.addLast(path);
    }

    private String zeroPadded(int n) {
        String digitsOf = Integer.toString(n);
        return "0".repeat(Math.max(0, counterDigits - digitsOf.length())) + digitsOf;
    }

    private void closeCurrent() throws IOException {
        CaptureFileWriter closing = current;
        current = null;
        closedBytes += closing.size();
        closedPackets += closing.packets();
        try {
            closing.close();
        } catch (IOException e) {
            failure = e;
            throw e;
        }
    }

    private void ensureOpen() throws IOException {
        if (current == null) {
            if (failure != null) {
                throw new IOException("capture output stopped after an earlier failure: "
                        + failure.getMessage(), failure);
            }
            throw new IllegalStateException("capture output is closed");
        }
    }
}
