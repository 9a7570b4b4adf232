package io.gatelens.capture.file;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Builds capture files byte by byte for tests, in either byte order, independently of the
 * writers under test. Includes pcapng block helpers that compute lengths and padding the way the
 * format document describes, and can also produce deliberately wrong blocks.
 */
final class CaptureBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final boolean bigEndian;

    CaptureBytes(boolean bigEndian) {
        this.bigEndian = bigEndian;
    }

    static CaptureBytes le() {
        return new CaptureBytes(false);
    }

    static CaptureBytes be() {
        return new CaptureBytes(true);
    }

    CaptureBytes u8(int v) {
        out.write(v);
        return this;
    }

    CaptureBytes u16(int v) {
        if (bigEndian) {
            out.write(v >>> 8);
            out.write(v);
        } else {
            out.write(v);
            out.write(v >>> 8);
        }
        return this;
    }

    CaptureBytes u32(long v) {
        for (int k = 0; k < 4; k++) {
            out.write((int) (v >>> (8 * (bigEndian ? 3 - k : k))));
        }
        return this;
    }

    CaptureBytes u64(long v) {
        for (int k = 0; k < 8; k++) {
            out.write((int) (v >>> (8 * (bigEndian ? 7 - k : k))));
        }
        return this;
    }

    CaptureBytes raw(byte... b) {
        out.write(b, 0, b.length);
        return this;
    }

    CaptureBytes raw(int... b) {
        for (int v : b) {
            out.write(v);
        }
        return this;
    }

    CaptureBytes zeros(int n) {
        for (int i = 0; i < n; i++) {
            out.write(0);
        }
        return this;
    }

    int size() {
        return out.size();
    }

    byte[] toBytes() {
        return out.toByteArray();
    }

    CaptureBytes sub() {
        return new CaptureBytes(bigEndian);
    }

    // ---- classic pcap ----

    /** File header; {@code magic} as the writer's native number (e.g. 0xa1b2c3d4). */
    CaptureBytes pcapHeader(long magic, long snaplen, long linkType) {
        return u32(magic).u16(2).u16(4).u32(0).u32(0).u32(snaplen).u32(linkType);
    }

    CaptureBytes pcapRecord(long sec, long frac, byte[] data, long origLen) {
        return u32(sec).u32(frac).u32(data.length).u32(origLen).raw(data);
    }

    // ---- pcapng ----

    /** A block with correct leading and trailing length. */
    CaptureBytes block(long type, byte[] body) {
        return block(type, body, 12 + body.length, 12 + body.length);
    }

    CaptureBytes block(long type, byte[] body, long leading, long trailing) {
        return u32(type).u32(leading).raw(body).u32(trailing);
    }

    /** Section Header Block, version 1.0, unknown section length, no options. */
    CaptureBytes shb() {
        return u32(0x0a0d0d0a).u32(28).u32(0x1a2b3c4d).u16(1).u16(0).u64(-1).u32(28);
    }

    /** Interface Description Block; options made with {@link #option}, end-of-options added. */
    CaptureBytes idb(int linkType, long snaplen, byte[]... options) {
        CaptureBytes body = sub().u16(linkType).u16(0).u32(snaplen);
        for (byte[] o : options) {
            body.raw(o);
        }
        if (options.length > 0) {
            body.u32(0);
        }
        return block(1, body.toBytes());
    }

    byte[] option(int code, byte[] value) {
        CaptureBytes o = sub().u16(code).u16(value.length).raw(value);
        o.zeros(pad(value.length));
        return o.toBytes();
    }

    byte[] option(int code, String value) {
        return option(code, value.getBytes(StandardCharsets.UTF_8));
    }

    byte[] optionU8(int code, int value) {
        return option(code, new byte[] {(byte) value});
    }

    byte[] optionS64(int code, long value) {
        return option(code, sub().u64(value).toBytes());
    }

    CaptureBytes epb(long interfaceId, long ticks, byte[] data, long origLen, byte[]... options) {
        return block(6, epbBody(interfaceId, ticks, data, origLen, options));
    }

    byte[] epbBody(long interfaceId, long ticks, byte[] data, long origLen, byte[]... options) {
        CaptureBytes body = sub().u32(interfaceId).u32(ticks >>> 32).u32(ticks & 0xffffffffL)
                .u32(data.length).u32(origLen).raw(data).zeros(pad(data.length));
        for (byte[] o : options) {
            body.raw(o);
        }
        if (options.length > 0) {
            body.u32(0);
        }
        return body.toBytes();
    }

    CaptureBytes spb(long origLen, byte[] data) {
        return block(3, sub().u32(origLen).raw(data).zeros(pad(data.length)).toBytes());
    }

    /** Obsolete Packet Block. */
    CaptureBytes pb(int interfaceId, int drops, long ticks, byte[] data, long origLen) {
        return block(2, sub().u16(interfaceId).u16(drops).u32(ticks >>> 32).u32(ticks & 0xffffffffL)
                .u32(data.length).u32(origLen).raw(data).zeros(pad(data.length)).toBytes());
    }

    static int pad(int n) {
        return (4 - n % 4) % 4;
    }

    static byte[] data(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (seed * 31 + i * 7);
        }
        return b;
    }
}
