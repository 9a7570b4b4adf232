package io.gatelens.capture.file;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

/**
 * The bytes of a regular file that another program (tcpdump -U -w, dumpcap, gatelens capture) is
 * still writing. At the end of what is written a read does not return end of file: it waits,
 * looking again every {@link FollowOptions#pollNanos()}, and goes on when the file grows. The file
 * need not exist yet; the wait starts before it is created.
 *
 * <p>End of file (-1) comes only after {@link #stop()} (from any thread: a shutdown hook) or once
 * the file has not grown for {@link FollowOptions#idleTimeoutNanos()}; {@link #ending()} says
 * which. A stop still lets the reads take what the file holds when the stop is seen, and nothing
 * written after, so what was read equals the file as it was at that moment. That may end inside a
 * record the writer had not finished; the caller sees it as a cut file and can tell it from damage
 * by {@link #ending()} being set ({@link FollowedCapture} does).
 *
 * <p>Only whole-file reads: no mapping (a mapping covers the size at open time) and no read-ahead
 * thread (it would take the first short read as the end). A read that finds bytes is one read(2)
 * straight into the caller's array, nothing allocated.
 *
 * <p>A file that shrinks below what was read, is replaced by another file (a new inode at the path:
 * rotation, a writer started over) or disappears ends the input with {@link FileChanged} rather
 * than waiting for ever on bytes that will not come. One not caught: a file truncated and written
 * again past the point already read between two looks; the reader then sees the new bytes as if
 * they followed the old ones, and most likely reports a damaged record.
 */
final class GrowingFileInput extends InputStream {

    /** The followed file shrank, was replaced or removed: what was being followed is gone. */
    static final class FileChanged extends IOException {
        private final String problem;

        FileChanged(String name, String what) {
            super(name + " " + what);
            this.problem = "the file " + what;
        }

        /** The message without the file's name, for a {@code CaptureFormatException}. */
        String problem() {
            return problem;
        }
    }

    private final Path path;
    private final String name;
    private final long pollNanos;
    private final long idleTimeoutNanos;
    private final long onIdleEveryNanos;
    private final Runnable onIdle;
    private final byte[] one = new byte[1];

    private volatile boolean stopRequested;
    /** The reading thread while it sleeps, so {@link #stop()} can wake it. */
    private volatile Thread sleeper;
    private volatile FollowedCapture.Ending ending;

    /**
     * Not a FileInputStream: its channel, asked for the size, is closed for good by an interrupt of
     * the reading thread. RandomAccessFile's read and length are plain system calls.
     */
    private RandomAccessFile in;
    /** Identity (device and inode on Unix) of the file opened, or null where the platform has none. */
    private Object fileKey;
    private long delivered;
    /** Once a stop is seen: the file's size then, where the input ends; -1 before. */
    private long stopAt = -1;
    private long lastGrowth;
    private long lastOnIdle;

    GrowingFileInput(Path path, String name, FollowOptions options) {
        this.path = path;
        this.name = name;
        this.pollNanos = options.pollNanos();
        this.idleTimeoutNanos = options.idleTimeoutNanos();
        this.onIdleEveryNanos = options.onIdleEveryNanos();
        this.onIdle = options.onIdle();
        long now = System.nanoTime();
        lastGrowth = now;
        lastOnIdle = now;
    }

    /**
     * Ends the input: reads go on with what the file holds when the reading thread sees the stop
     * (at once if it is waiting), then return -1. Any thread, any time.
     */
    void stop() {
        stopRequested = true;
        Thread t = sleeper;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Null while following; why the input ended once it returned -1. */
    FollowedCapture.Ending ending() {
        return ending;
    }

    /** Bytes returned so far: the file offset reached. Reading thread only. */
    long delivered() {
        return delivered;
    }

    /** Whether the file has been found and opened. Reading thread only. */
    boolean opened() {
        return in != null;
    }

    @Override
    public int read() throws IOException {
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] dst, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, dst.length);
        if (len == 0) {
            return 0;
        }
        while (true) {
            if (ending != null) {
                return -1;
            }
            boolean stopping = stopRequested;
            if (in == null && !open()) {
                if (stopping) {
                    ending = FollowedCapture.Ending.STOPPED;
                    return -1;
                }
                if (!waitForGrowth()) {
                    return -1;
                }
                continue;
            }
            int want = len;
            if (stopping) {
                if (stopAt < 0) {
                    // What is written when the stop is seen is still read; nothing after it, so
                    // a writer going on cannot keep the stop from ending.
                    stopAt = in.length();
                }
                want = (int) Math.min(len, stopAt - delivered);
                if (want <= 0) {
                    ending = FollowedCapture.Ending.STOPPED;
                    return -1;
                }
            }
            int r = in.read(dst, off, want);
            if (r > 0) {
                delivered += r;
                lastGrowth = System.nanoTime();
                return r;
            }
            // At the end of what is written; before waiting for more, make sure more can come.
            checkSameFile();
            if (stopping) {
                // Not reached unless the file shrank without checkSameFile seeing it.
                ending = FollowedCapture.Ending.STOPPED;
                return -1;
            }
            if (!waitForGrowth()) {
                return -1;
            }
        }
    }

    /** False when the idle limit is reached; true to look at the file again. */
    private boolean waitForGrowth() throws IOException {
        long now = System.nanoTime();
        if (idleTimeoutNanos > 0 && now - lastGrowth >= idleTimeoutNanos) {
            ending = FollowedCapture.Ending.IDLE_TIMEOUT;
            return false;
        }
        if (onIdle != null && now - lastOnIdle >= onIdleEveryNanos) {
            lastOnIdle = now;
            onIdle.run();
            // It may have taken a while: look at the file again before sleeping.
            return true;
        }
        // Set before the last look at the flag, so a stop() in between unparks this thread
        // (an unpark before the park makes the park return at once).
        sleeper = Thread.currentThread();
        try {
            if (!stopRequested) {
                long sleep = pollNanos;
                if (idleTimeoutNanos > 0) {
                    sleep = Math.min(sleep, Math.max(1, idleTimeoutNanos - (now - lastGrowth)));
                }
                LockSupport.parkNanos(this, sleep);
            }
        } finally {
            sleeper = null;
        }
        if (Thread.currentThread().isInterrupted()) {
            // Left set for the caller; parking again would return at once, for ever.
            throw new InterruptedIOException(name + ": interrupted while waiting for the file to grow");
        }
        return true;
    }

    /** Opens the file if it exists yet; false when it does not. */
    private boolean open() throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return false;
        }
        if (!a.isRegularFile()) {
            throw notRegular(name);
        }
        try {
            in = new RandomAccessFile(path.toFile(), "r");
        } catch (FileNotFoundException e) {
            // Removed between the two calls: wait for it as if never seen. Anything else
            // (permission denied) is for the caller.
            if (Files.notExists(path)) {
                return false;
            }
            throw e;
        }
        // Taken from the path just before opening: a replacement in between would be reported as
        // one at the first wait, a harmless false alarm in a window of microseconds.
        fileKey = a.fileKey();
        return true;
    }

    static IOException notRegular(String name) {
        return new IOException(name + " is not a regular file; only a file on disk can be followed"
                + " (a pipe is read as it comes, without following)");
    }

    private void checkSameFile() throws IOException {
        long size = in.length();
        if (size < delivered) {
            throw new FileChanged(name, "was truncated to " + size + " bytes while followed ("
                    + delivered + " had been read; did a new writer start over?)");
        }
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new FileChanged(name, "was removed or renamed while followed (" + delivered
                    + " bytes had been read)");
        }
        if (fileKey != null && !fileKey.equals(a.fileKey())) {
            throw new FileChanged(name, "was replaced by another file while followed (rotated, or a"
                    + " new writer started over; " + delivered + " bytes of the old one had been read)");
        }
    }

    @Override
    public void close() throws IOException {
        if (in != null) {
            in.close();
        }
    }
}
