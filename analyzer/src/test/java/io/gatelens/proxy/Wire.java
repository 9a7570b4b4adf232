package io.gatelens.proxy;

import io.gatelens.capture.LinkType;
import io.gatelens.capture.file.PcapWriter;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a capture of TCP conversations segment by segment (Ethernet / IPv4 / TCP with real
 * payload bytes), so a test states exactly what a proxy, its clients and its upstreams sent and
 * when. Times are milliseconds from an arbitrary start; frames are numbered in writing order.
 */
final class Wire implements Closeable {
    static final int FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10;
    private static final long T0 = 1_700_000_000_000_000_000L;

    private final OutputStream os;
    private final PcapWriter w;
    private long frames;

    Wire(Path file) throws IOException {
        os = Files.newOutputStream(file);
        w = new PcapWriter(os, LinkType.ETHERNET.code(), 262144, true);
    }

    long frames() { return frames; }

    static long nanos(double ms) {
        return T0 + Math.round(ms * 1_000_000);
    }

    /** A connection from client to server, its handshake written at {@code ms}. */
    Conn open(double ms, String client, int clientPort, String server, int serverPort) {
        Conn c = new Conn(client, clientPort, server, serverPort);
        c.seg(ms, true, SYN, new byte[0]);
        c.seg(ms + 0.01, false, SYN | ACK, new byte[0]);
        c.seg(ms + 0.02, true, ACK, new byte[0]);
        return c;
    }

    /** A connect nobody accepts: SYN answered by RST. */
    void refused(double ms, String client, int clientPort, String server, int serverPort) {
        Conn c = new Conn(client, clientPort, server, serverPort);
        c.seg(ms, true, SYN, new byte[0]);
        c.serverSeq = 0;
        c.seg(ms + 0.01, false, RST | ACK, new byte[0]);
    }

    final class Conn {
        final String client, server;
        final int clientPort, serverPort;
        long clientSeq = 1000, serverSeq = 5000;
        boolean synSent, synAckSent;

        Conn(String client, int clientPort, String server, int serverPort) {
            this.client = client;
            this.clientPort = clientPort;
            this.server = server;
            this.serverPort = serverPort;
        }

        /** Returns the frame number written. */
        long client(double ms, String text) { return seg(ms, true, PSH | ACK, bytes(text)); }
        long server(double ms, String text) { return seg(ms, false, PSH | ACK, bytes(text)); }
        long clientFin(double ms) { return seg(ms, true, FIN | ACK, new byte[0]); }
        long serverFin(double ms) { return seg(ms, false, FIN | ACK, new byte[0]); }
        long serverRst(double ms) { return seg(ms, false, RST | ACK, new byte[0]); }

        /** Both FINs, server first. */
        void close(double ms) {
            serverFin(ms);
            clientFin(ms + 0.01);
        }

        long seg(double ms, boolean fromClient, int flags, byte[] payload) {
            long seq = fromClient ? clientSeq : serverSeq;
            long ack = fromClient ? serverSeq : clientSeq;
            long frame = write(nanos(ms), fromClient ? client : server, fromClient ? clientPort : serverPort,
                    fromClient ? server : client, fromClient ? serverPort : clientPort, flags, seq,
                    (flags & ACK) != 0 ? ack : 0, payload);
            long advance = payload.length + ((flags & (SYN | FIN)) != 0 ? 1 : 0);
            if (fromClient) clientSeq += advance; else serverSeq += advance;
            return frame;
        }
    }

    private static byte[] bytes(String text) {
        return text.replace("\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    private long write(long nanos, String src, int srcPort, String dst, int dstPort, int flags, long seq, long ack,
                       byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + 20 + payload.length);
        b.put(new byte[12]).putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (40 + payload.length)).putInt(0)
                .put((byte) 64).put((byte) 6).putShort((short) 0);
        b.put(ipv4(src)).put(ipv4(dst));
        b.putShort((short) srcPort).putShort((short) dstPort).putInt((int) seq).putInt((int) ack)
                .put((byte) 0x50).put((byte) flags).putShort((short) 65535).putInt(0);
        b.put(payload);
        byte[] data = b.array();
        try {
            w.write(nanos, data, 0, data.length, data.length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ++frames;
    }

    private static byte[] ipv4(String dotted) {
        String[] p = dotted.split("\\.");
        byte[] a = new byte[4];
        for (int i = 0; i < 4; i++) a[i] = (byte) Integer.parseInt(p[i]);
        return a;
    }

    @Override
    public void close() throws IOException {
        w.close();
        os.close();
    }
}
