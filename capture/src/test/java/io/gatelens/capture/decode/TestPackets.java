package io.gatelens.capture.decode;

import io.gatelens.capture.Frame;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/** Builds frames byte by byte, independently of the decoder, for the decoder tests. */
final class TestPackets {
    static final int LT_NULL = 0;
    static final int LT_ETHERNET = 1;
    static final int LT_RAW = 101;
    static final int LT_LOOP = 108;
    static final int LT_SLL = 113;
    static final int LT_IPV4 = 228;
    static final int LT_IPV6 = 229;
    static final int LT_SLL2 = 276;

    static final byte[] V4_SRC = {10, 0, 0, 1};
    static final byte[] V4_DST = {(byte) 192, (byte) 168, 7, (byte) 200};
    static final byte[] V6_SRC = bytes(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01);
    static final byte[] V6_DST = bytes(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0xab, 0xcd, 0, 0x02);

    /** Bytes placed before and after the frame in its buffer, to catch offset and length slips. */
    static final int LEAD = 7;
    static final int TRAIL = 5;

    private TestPackets() {}

    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }

    static void put16(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 8);
        b[i + 1] = (byte) v;
    }

    static void put32(byte[] b, int i, long v) {
        b[i] = (byte) (v >>> 24);
        b[i + 1] = (byte) (v >>> 16);
        b[i + 2] = (byte) (v >>> 8);
        b[i + 3] = (byte) v;
    }

    /** A TCP segment; {@code options} must already be padded to a multiple of 4. */
    static byte[] tcp(int srcPort, int dstPort, long seq, long ack, int flags, int window,
                      byte[] options, byte[] payload) {
        if (options.length % 4 != 0) {
            throw new IllegalArgumentException("pad the options");
        }
        byte[] h = new byte[20 + options.length];
        put16(h, 0, srcPort);
        put16(h, 2, dstPort);
        put32(h, 4, seq);
        put32(h, 8, ack);
        h[12] = (byte) ((h.length / 4) << 4);
        h[13] = (byte) flags;
        put16(h, 14, window);
        put16(h, 16, 0xbeef); // checksum: not checked by the decoder
        System.arraycopy(options, 0, h, 20, options.length);
        return cat(h, payload);
    }

    static byte[] tcp(byte[] payload) {
        return tcp(40000, 80, 1000, 2000, DecodedPacket.FLAG_ACK | DecodedPacket.FLAG_PSH, 512,
                new byte[0], payload);
    }

    /** IPv4 with the given fragment field (flags << 13 | offset/8); total length computed. */
    static byte[] ipv4(int protocol, int id, int fragField, int ttl, byte[] options, byte[] payload) {
        if (options.length % 4 != 0) {
            throw new IllegalArgumentException("pad the options");
        }
        int hl = 20 + options.length;
        byte[] h = new byte[hl];
        h[0] = (byte) (0x40 | (hl / 4));
        put16(h, 2, hl + payload.length);
        put16(h, 4, id);
        put16(h, 6, fragField);
        h[8] = (byte) ttl;
        h[9] = (byte) protocol;
        System.arraycopy(V4_SRC, 0, h, 12, 4);
        System.arraycopy(V4_DST, 0, h, 16, 4);
        System.arraycopy(options, 0, h, 20, options.length);
        return cat(h, payload);
    }

    static byte[] ipv4(byte[] payload) {
        return ipv4(6, 0x1234, 0x4000 /* DF */, 64, new byte[0], payload);
    }

    static byte[] ipv6(int next, int hopLimit, byte[] payload) {
        byte[] h = new byte[40];
        h[0] = 0x60;
        put16(h, 4, payload.length);
        h[6] = (byte) next;
        h[7] = (byte) hopLimit;
        System.arraycopy(V6_SRC, 0, h, 8, 16);
        System.arraycopy(V6_DST, 0, h, 24, 16);
        return cat(h, payload);
    }

    /** Hop-by-hop, routing or destination options header of (units + 1) * 8 bytes. */
    static byte[] ext8(int next, int units) {
        byte[] h = new byte[(units + 1) * 8];
        h[0] = (byte) next;
        h[1] = (byte) units;
        h[2] = 1; // a PadN option, so the contents look real
        h[3] = (byte) (h.length - 4);
        return h;
    }

    /** Authentication header of (units + 2) * 4 bytes. */
    static byte[] ah(int next, int units) {
        byte[] h = new byte[(units + 2) * 4];
        h[0] = (byte) next;
        h[1] = (byte) units;
        put32(h, 4, 0x1001); // SPI
        return h;
    }

    static byte[] fragmentHeader(int next, int byteOffset, boolean more, long id) {
        byte[] h = new byte[8];
        h[0] = (byte) next;
        put16(h, 2, byteOffset | (more ? 1 : 0));
        put32(h, 4, id);
        return h;
    }

    /** Ethernet II; {@code tags} are (TPID, TCI) pairs, outermost first. */
    static byte[] ethernet(int etherType, byte[] payload, int... tags) {
        byte[] h = new byte[12 + tags.length * 2 + 2];
        for (int i = 0; i < 6; i++) {
            h[i] = (byte) (0x02 + i);
            h[6 + i] = (byte) (0x12 + i);
        }
        int p = 12;
        for (int t : tags) {
            put16(h, p, t);
            p += 2;
        }
        put16(h, p, etherType);
        return cat(h, payload);
    }

    static byte[] sll(int protocol, byte[] payload) {
        byte[] h = new byte[16];
        put16(h, 0, 0); // packet sent to us
        put16(h, 2, 1); // ARPHRD_ETHER
        put16(h, 4, 6);
        put16(h, 14, protocol);
        return cat(h, payload);
    }

    static byte[] sll2(int protocol, byte[] payload) {
        byte[] h = new byte[20];
        put16(h, 0, protocol);
        put32(h, 4, 3); // interface index
        put16(h, 8, 1);
        h[11] = 6;
        return cat(h, payload);
    }

    static byte[] nullHeader(long family, boolean littleEndian, byte[] payload) {
        byte[] h = new byte[4];
        if (littleEndian) {
            h[0] = (byte) family;
            h[1] = (byte) (family >>> 8);
            h[2] = (byte) (family >>> 16);
            h[3] = (byte) (family >>> 24);
        } else {
            put32(h, 0, family);
        }
        return cat(h, payload);
    }

    static Frame frame(int linkType, byte[] data) {
        return frame(linkType, data, data.length, 1_000_000_000L);
    }

    static Frame frame(int linkType, byte[] data, int captured) {
        return frame(linkType, data, captured, 1_000_000_000L);
    }

    /** The frame sits at offset {@link #LEAD} with junk around it; bytes past {@code captured} are junk too. */
    static Frame frame(int linkType, byte[] data, int captured, long epochNanos) {
        byte[] buf = filled(LEAD + captured + TRAIL, 0xEE);
        System.arraycopy(data, 0, buf, LEAD, Math.min(captured, data.length));
        Frame f = new Frame();
        f.set(1, epochNanos, 0, linkType, buf, LEAD, captured, data.length, 24);
        return f;
    }

    static byte[] payloadOf(DecodedPacket p) {
        return Arrays.copyOfRange(p.payloadBuffer(), p.payloadOffset(), p.payloadOffset() + p.payloadLength());
    }

    static byte[] addr(byte[] a, int n) {
        return Arrays.copyOf(a, n);
    }
}
