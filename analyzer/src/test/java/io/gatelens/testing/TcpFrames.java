package io.gatelens.testing;

import io.gatelens.capture.Frame;
import io.gatelens.capture.LinkType;

import java.nio.ByteBuffer;

/**
 * Builds Ethernet / IPv4 / TCP frames byte by byte for tests of what sits above the decoder, so a
 * test states exactly which segments were on the wire.
 */
public final class TcpFrames {
    public static final int FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10;

    private long number;
    private final Frame frame = new Frame();

    /** One IPv4 TCP segment with {@code payload} bytes of 'x', as frame number n+1 at time {@code nanos}. */
    public Frame segment(long nanos, String src, int srcPort, String dst, int dstPort,
                         int flags, long seq, long ack, int payload) {
        byte[] x = new byte[payload];
        java.util.Arrays.fill(x, (byte) 'x');
        return segment(nanos, src, srcPort, dst, dstPort, flags, seq, ack, 65535, x);
    }

    /** One IPv4 TCP segment carrying {@code payload} and advertising {@code window}. */
    public Frame segment(long nanos, String src, int srcPort, String dst, int dstPort,
                         int flags, long seq, long ack, int window, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + 20 + payload.length);
        b.put(new byte[12]).putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (40 + payload.length)).putInt(0)
                .put((byte) 64).put((byte) 6).putShort((short) 0);
        b.put(ipv4(src)).put(ipv4(dst));
        b.putShort((short) srcPort).putShort((short) dstPort).putInt((int) seq).putInt((int) ack)
                .put((byte) 0x50).put((byte) flags).putShort((short) window).putInt(0);
        b.put(payload);
        byte[] bytes = b.array();
        frame.set(++number, nanos, 0, LinkType.ETHERNET.code(), bytes, 0, bytes.length, bytes.length, 0);
        return frame;
    }

    private static byte[] ipv4(String dotted) {
        String[] p = dotted.split("\\.");
        byte[] a = new byte[4];
        for (int i = 0; i < 4; i++) a[i] = (byte) Integer.parseInt(p[i]);
        return a;
    }
}
