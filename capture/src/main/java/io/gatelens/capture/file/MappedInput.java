package io.gatelens.capture.file;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A large regular file read through memory mappings, a window at a time: the page cache's pages
 * are mapped, not copied by a read system call, which was a fifth of a pass's CPU (the bare header
 * walk pays it too). Each window is unmapped as soon as it is read, so resident memory holds one
 * window of the file, not all of it.
 *
 * <p>The file's size is taken at opening: bytes appended later are not read. A file cut shorter
 * while it is read makes the mapping fault (the JVM raises an InternalError for it); that ends the
 * input there, as a cut file does, instead of failing the pass.
 */
final class MappedInput extends InputStream {
    static final int WINDOW = 4 << 20;

    private final FileChannel channel;
    private final long size;
    private final int windowSize;
    /** File offset of {@code window}'s first byte. */
    private long windowStart;
    private MappedByteBuffer window;
    private long mark = -1;
    private boolean ended;

    MappedInput(Path path) throws IOException {
        this(path, WINDOW);
    }

    MappedInput(Path path, int windowSize) throws IOException {
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            this.size = channel.size();
            this.windowSize = windowSize;
            map(0);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Maps the window that starts at {@code offset}, unmapping the one before; false at the end. */
    private boolean map(long offset) throws IOException {
        unmap();
        windowStart = offset;
        if (offset >= size) return false;
        window = channel.map(FileChannel.MapMode.READ_ONLY, offset, Math.min(windowSize, size - offset));
        return true;
    }

    private void unmap() {
        MappedByteBuffer w = window;
        window = null;
        if (w != null) Unmapper.unmap(w);
    }

    /** Makes {@code window} one with bytes left; false at the end. */
    private boolean ready() throws IOException {
        if (ended) return false;
        if (window != null && window.hasRemaining()) return true;
        return map(window == null ? windowStart : windowStart + window.capacity());
    }

    @Override
    public int read() throws IOException {
        if (!ready()) return -1;
        try {
            return window.get() & 0xff;
        } catch (InternalError e) {
            return cut();
        }
    }

    @Override
    public int read(byte[] dst, int off, int len) throws IOException {
        if (len == 0) return 0;
        if (!ready()) return -1;
        int n = Math.min(len, window.remaining());
        try {
            window.get(dst, off, n);
        } catch (InternalError e) {
            return cut();
        }
        return n;
    }

    /** The file was cut under the mapping: what is left of it is gone. */
    private int cut() {
        ended = true;
        unmap();
        return -1;
    }

    @Override
    public long skip(long n) throws IOException {
        if (n <= 0 || ended) return 0;
        long at = position();
        long to = Math.min(size, at + n);
        if (window != null && to < windowStart + window.capacity()) {
            window.position((int) (to - windowStart));
        } else {
            map(to);
        }
        return to - at;
    }

    @Override
    public int available() {
        return window == null || ended ? 0 : window.remaining();
    }

    private long position() {
        return window == null ? windowStart : windowStart + window.position();
    }

    @Override
    public boolean markSupported() {
        return true;
    }

    @Override
    public synchronized void mark(int readLimit) {
        mark = position();
    }

    @Override
    public synchronized void reset() throws IOException {
        if (mark < 0) throw new IOException("reset without mark");
        if (window != null && mark >= windowStart && mark <= windowStart + window.capacity()) {
            window.position((int) (mark - windowStart));
        } else {
            map(mark);
        }
        ended = false;
    }

    @Override
    public void close() throws IOException {
        unmap();
        channel.close();
    }

    /**
     * Unmaps a window at once. Java has no public call for it before the buffer is collected, and
     * until then its pages would count as the process's memory; sun.misc.Unsafe.invokeCleaner is
     * the one the JDK keeps for this (jdk.unsupported). Without it, windows go when collected.
     */
    private static final class Unmapper {
        private static final Object UNSAFE;
        private static final Method INVOKE_CLEANER;

        static {
            Object unsafe = null;
            Method clean = null;
            try {
                Class<?> c = Class.forName("sun.misc.Unsafe");
                Field f = c.getDeclaredField("theUnsafe");
                f.setAccessible(true);
                unsafe = f.get(null);
                clean = c.getMethod("invokeCleaner", ByteBuffer.class);
            } catch (ReflectiveOperationException | RuntimeException e) {
                unsafe = null;
                clean = null;
            }
            UNSAFE = unsafe;
            INVOKE_CLEANER = clean;
        }

        static void unmap(MappedByteBuffer b) {
            if (INVOKE_CLEANER == null) return;
            try {
                INVOKE_CLEANER.invoke(UNSAFE, b);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // Left to the collector.
            }
        }
    }
}
