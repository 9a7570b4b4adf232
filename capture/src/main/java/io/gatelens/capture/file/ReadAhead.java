package io.gatelens.capture.file;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads a large file on a second thread, a few blocks ahead of the analysis, so the read system
 * calls (a third of a bare header walk's time) run beside the parsing instead of in front of it.
 * The blocks cycle between two queues, so nothing is allocated after the start and at most
 * {@code BLOCKS * BLOCK} bytes are held.
 *
 * <p>An exception from the underlying stream is rethrown, as it was, by the read that reaches it,
 * so callers see the same errors as without read-ahead.
 */
final class ReadAhead extends InputStream {
    static final int BLOCK = 1 << 20;
    static final int BLOCKS = 4;

    /** A block and how much of it is filled; {@code length < 0} is the end, with {@code error} if any. */
    private static final class Block {
        final byte[] data;
        int length;
        IOException error;

        Block(int size) {
            data = new byte[size];
        }
    }

    private final InputStream in;
    private final BlockingQueue<Block> filled = new ArrayBlockingQueue<>(BLOCKS);
    private final BlockingQueue<Block> free = new ArrayBlockingQueue<>(BLOCKS);
    private final Thread reader;
    private Block current;
    private int pos;
    private boolean ended;

    ReadAhead(InputStream in, String name) {
        this(in, name, BLOCK);
    }

    ReadAhead(InputStream in, String name, int blockSize) {
        this.in = in;
        for (int i = 0; i < BLOCKS; i++) free.add(new Block(blockSize));
        reader = new Thread(this::fill, "gatelens-read-ahead " + name);
        reader.setDaemon(true); // never keeps the JVM alive
        reader.start();
    }

    private void fill() {
        try {
            while (true) {
                Block b = free.take();
                int n = 0;
                try {
                    // Fill the block (files return short reads at their own pace).
                    while (n < b.data.length) {
                        int r = in.read(b.data, n, b.data.length - n);
                        if (r < 0) break;
                        n += r;
                    }
                } catch (IOException e) {
                    b.error = e;
                }
                if (n > 0) {
                    b.length = n;
                    IOException error = b.error;
                    b.error = null;
                    filled.put(b);
                    if (error == null && n == b.data.length) continue;
                    b = free.take();
                    b.error = error;
                }
                b.length = -1;
                filled.put(b);
                return;
            }
        } catch (InterruptedException e) {
            // close() stopped us.
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] dst, int off, int len) throws IOException {
        if (len == 0) return 0;
        if (!next()) {
            if (current != null && current.error != null) throw current.error;
            return -1;
        }
        int n = Math.min(len, current.length - pos);
        System.arraycopy(current.data, pos, dst, off, n);
        pos += n;
        return n;
    }

    /** Makes {@code current} a block with bytes left; false at the end. */
    private boolean next() throws IOException {
        if (ended) return false;
        if (current != null && pos < current.length) return true;
        if (current != null) free.add(current);
        try {
            current = filled.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading ahead");
        }
        pos = 0;
        if (current.length < 0) {
            ended = true;
            return false;
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        reader.interrupt();
        try {
            reader.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        in.close();
    }
}
