package io.gatelens.capture.bytes;

/**
 * Unsigned reads from a byte array without copying. Callers check bounds first: these are on the
 * per-packet path and do no checking of their own beyond the JVM's.
 */
public final class Bytes {
    private Bytes() {}

    public static int u8(byte[] b, int i) {
        return b[i] & 0xff;
    }

    public static int u16be(byte[] b, int i) {
        return ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
    }

    public static int u16le(byte[] b, int i) {
        return (b[i] & 0xff) | ((b[i + 1] & 0xff) << 8);
    }

    public static long u32be(byte[] b, int i) {
        return ((long) (b[i] & 0xff) << 24) | ((b[i + 1] & 0xff) << 16)
                | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
    }

    public static long u32le(byte[] b, int i) {
        return (b[i] & 0xff) | ((b[i + 1] & 0xff) << 8)
                | ((b[i + 2] & 0xff) << 16) | ((long) (b[i + 3] & 0xff) << 24);
    }

    public static long u32(byte[] b, int i, boolean bigEndian) {
        return bigEndian ? u32be(b, i) : u32le(b, i);
    }

    public static int u16(byte[] b, int i, boolean bigEndian) {
        return bigEndian ? u16be(b, i) : u16le(b, i);
    }

    public static long u64(byte[] b, int i, boolean bigEndian) {
        long hi = u32(b, bigEndian ? i : i + 4, bigEndian);
        long lo = u32(b, bigEndian ? i + 4 : i, bigEndian);
        return (hi << 32) | lo;
    }
}
