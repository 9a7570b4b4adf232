package io.gatelens.pipeline;

import java.util.Arrays;

/**
 * One batch's payload bytes, back to back in an array reused from batch to batch: a batch goes
 * over when its arena has no room for the next payload, so the bytes in flight are bounded by the
 * arenas however large the segments. A payload larger than the whole arena gets its own copy.
 */
final class Arena {
    private final byte[] bytes;
    private int used;
    private int lastAt;

    Arena(int size) {
        bytes = new byte[size];
    }

    /** True when {@code n} bytes would fit an empty arena but not this one: time to hand the batch over. */
    boolean full(int n) {
        return n <= bytes.length && used + n > bytes.length;
    }

    /** Copies {@code src[off, off + n)} and returns the array it is in, at {@link #lastAt()}. */
    byte[] copy(byte[] src, int off, int n) {
        if (n > bytes.length) {
            lastAt = 0;
            return Arrays.copyOfRange(src, off, off + n);
        }
        System.arraycopy(src, off, bytes, used, n);
        lastAt = used;
        used += n;
        return bytes;
    }

    /** Where the last {@link #copy} put its bytes. */
    int lastAt() {
        return lastAt;
    }

    /** Empties the arena for the batch's next filling. */
    void clear() {
        used = 0;
    }
}
