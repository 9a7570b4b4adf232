package io.gatelens.capture.file;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.ZipException;

/**
 * A buffered input that knows its byte offset, can peek at the start of the stream, and reads
 * straight into the caller's array: the readers copy each record once, into their own reused
 * buffer. A read returns fewer bytes than asked only at the end of input, so a short read is how
 * the readers see a cut file.
 *
 * <p>A corrupt or cut gzip stream (EOFException / ZipException from the inflater) also ends the
 * input; the problem is kept in {@link #streamProblem()} so the reader can name it in its error.
 */
final class CountingInput implements Closeable {
    static final int DEFAULT_BUFFER = 64 * 1024;

    private final InputStream in;
    private final byte[] buf;
    private int pos;
    private int limit;
    /** Offset in the stream of {@code buf[0]}. */
    private long bufStart;
    private boolean ended;
    private String streamProblem;

    CountingInput(InputStream in) {
        this(in, DEFAULT_BUFFER);
    }

    CountingInput(InputStream in, int bufferSize) {
        this.in = in;
        this.buf = new byte[bufferSize];
    }

    long position() {
        return bufStart + pos;
    }

    /** Null, or why the underlying (decompressing) stream ended early. */
    String streamProblem() {
        return streamProblem;
    }

    /**
     * Buffers up to {@code n} bytes without consuming them; returns how many are available (less
     * than {@code n} only at the end of input). They are at {@link #peekBuffer()} from
     * {@link #peekOffset()}.
     */
    int peek(int n) throws IOException {
        if (n > buf.length) {
            throw new IllegalArgumentException("peek of " + n + " bytes exceeds the buffer");
        }
        while (limit - pos < n) {
            if (pos + n > buf.length) {
                compact();
            }
            int r = readUnderlying(buf, limit, buf.length - limit);
            if (r < 0) {
                break;
            }
            limit += r;
        }
        return Math.min(n, limit - pos);
    }

    /** The most {@link #peek} can hold. */
    int capacity() {
        return buf.length;
    }

    byte[] peekBuffer() {
        return buf;
    }

    int peekOffset() {
        return pos;
    }

    /** Reads {@code len} bytes, fewer only at the end of input; returns the count. */
    int read(byte[] dst, int off, int len) throws IOException {
        int total = 0;
        while (total < len) {
            if (pos == limit) {
                bufStart += limit;
                pos = 0;
                limit = 0;
                if (len - total >= buf.length) {
                    // Large records skip the intermediate copy.
                    int r = readUnderlying(dst, off + total, len - total);
                    if (r < 0) {
                        break;
                    }
                    bufStart += r;
                    total += r;
                    continue;
                }
                int r = readUnderlying(buf, 0, buf.length);
                if (r < 0) {
                    break;
                }
                limit = r;
            }
            int n = Math.min(limit - pos, len - total);
            System.arraycopy(buf, pos, dst, off + total, n);
            pos += n;
            total += n;
        }
        return total;
    }

    /** Skips {@code n} bytes, fewer only at the end of input; returns the count. */
    long skip(long n) throws IOException {
        long skipped = 0;
        while (skipped < n) {
            if (pos == limit) {
                bufStart += limit;
                pos = 0;
                limit = 0;
                int r = readUnderlying(buf, 0, buf.length);
                if (r < 0) {
                    break;
                }
                limit = r;
            }
            int step = (int) Math.min(limit - pos, n - skipped);
            pos += step;
            skipped += step;
        }
        return skipped;
    }

    private void compact() {
        int remaining = limit - pos;
        System.arraycopy(buf, pos, buf, 0, remaining);
        bufStart += pos;
        pos = 0;
        limit = remaining;
    }

    private int readUnderlying(byte[] dst, int off, int len) throws IOException {
        if (ended) {
            return -1;
        }
        int r;
        try {
            do {
                r = in.read(dst, off, len);
            } while (r == 0);
        } catch (EOFException | ZipException e) {
            // Only the inflater throws these; a plain file ends with -1.
            streamProblem = "compressed data ends early or is corrupt (" + e.getMessage() + ")";
            r = -1;
        }
        if (r < 0) {
            ended = true;
        }
        return r;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
