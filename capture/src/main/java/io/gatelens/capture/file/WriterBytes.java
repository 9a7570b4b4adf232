package io.gatelens.capture.file;

/** Unsigned writes into a header array, in the writer's byte order. */
final class WriterBytes {
    private WriterBytes() {}

    static void put16(byte[] b, int i, int v, boolean bigEndian) {
        if (bigEndian) {
            b[i] = (byte) (v >>> 8);
            b[i + 1] = (byte) v;
        } else {
            b[i] = (byte) v;
            b[i + 1] = (byte) (v >>> 8);
        }
    }

    static void put32(byte[] b, int i, long v, boolean bigEndian) {
        for (int k = 0; k < 4; k++) {
            b[i + (bigEndian ? 3 - k : k)] = (byte) (v >>> (8 * k));
        }
    }

    static void put64(byte[] b, int i, long v, boolean bigEndian) {
        for (int k = 0; k < 8; k++) {
            b[i + (bigEndian ? 7 - k : k)] = (byte) (v >>> (8 * k));
        }
    }
}
