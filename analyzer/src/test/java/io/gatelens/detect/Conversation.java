package io.gatelens.detect;

import io.gatelens.capture.LinkType;
import io.gatelens.capture.file.PcapWriter;
import io.gatelens.testing.TcpFrames;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.gatelens.testing.TcpFrames.*;

/**
 * Writes a capture of hand-made TCP connections, keeping each side's sequence numbers, so a test
 * reads like the exchange it stands for: {@code c.handshake(); c.client("GET / ..."); c.serverRst()}.
 * Every method returns the frame number of the segment it wrote (1-based, as tshark counts).
 */
final class Conversation implements AutoCloseable {
    private final OutputStream os;
    private final PcapWriter w;
    private final TcpFrames frames = new TcpFrames();
    private long frame;
    /** Capture time of the next segment; each segment advances it by {@link #step}. */
    long now = 1_700_000_000_000_000_000L;
    long step = 100_000L; // 0.1 ms

    Conversation(Path file) throws IOException {
        os = Files.newOutputStream(file);
        w = new PcapWriter(os, LinkType.ETHERNET.code(), 262144, true);
    }

    /** Lets capture time pass. */
    Conversation after(long nanos) {
        now += nanos;
        return this;
    }

    Conn connection(int clientPort, int serverPort) {
        return new Conn("10.0.0.1", clientPort, "10.0.0.2", serverPort);
    }

    private long write(String src, int sp, String dst, int dp, int flags, long seq, long ack, int window, byte[] data) {
        now += step;
        try {
            w.write(frames.segment(now, src, sp, dst, dp, flags, seq, ack, window, data));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ++frame;
    }

    @Override
    public void close() throws IOException {
        w.close();
        os.close();
    }

    final class Conn {
        final String ca, sa;
        final int cp, sp;
        long cseq = 1000, sseq = 500_000;
        int clientWindow = 65535, serverWindow = 65535;

        Conn(String ca, int cp, String sa, int sp) {
            this.ca = ca;
            this.cp = cp;
            this.sa = sa;
            this.sp = sp;
        }

        long syn() { return write(ca, cp, sa, sp, SYN, cseq, 0, clientWindow, new byte[0]); }
        long synAck() { return write(sa, sp, ca, cp, SYN | ACK, sseq, cseq + 1, serverWindow, new byte[0]); }
        long serverRefuses() { return write(sa, sp, ca, cp, RST | ACK, 0, cseq + 1, 0, new byte[0]); }

        /** SYN, SYN/ACK, ACK; returns the SYN's frame. */
        long handshake() {
            long f = syn();
            synAck();
            cseq++;
            sseq++;
            clientAck();
            return f;
        }

        long client(String text) {
            byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
            long f = write(ca, cp, sa, sp, PSH | ACK, cseq, sseq, clientWindow, b);
            cseq += b.length;
            return f;
        }

        long server(String text) {
            byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
            long f = write(sa, sp, ca, cp, PSH | ACK, sseq, cseq, serverWindow, b);
            sseq += b.length;
            return f;
        }

        long client(byte[] b) {
            long f = write(ca, cp, sa, sp, PSH | ACK, cseq, sseq, clientWindow, b);
            cseq += b.length;
            return f;
        }

        long server(byte[] b) {
            long f = write(sa, sp, ca, cp, PSH | ACK, sseq, cseq, serverWindow, b);
            sseq += b.length;
            return f;
        }

        /** The client's bytes from {@code back} before its next sequence number, sent again. */
        long clientAgain(String text, int back) {
            byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
            return write(ca, cp, sa, sp, PSH | ACK, cseq - back, sseq, clientWindow, b);
        }

        long serverAgain(String text, int back) {
            byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
            return write(sa, sp, ca, cp, PSH | ACK, sseq - back, cseq, serverWindow, b);
        }

        long clientAck() { return write(ca, cp, sa, sp, ACK, cseq, sseq, clientWindow, new byte[0]); }
        long serverAck() { return write(sa, sp, ca, cp, ACK, sseq, cseq, serverWindow, new byte[0]); }

        long clientWindow(int window) {
            clientWindow = window;
            return clientAck();
        }

        long serverWindow(int window) {
            serverWindow = window;
            return serverAck();
        }

        long clientFin() {
            long f = write(ca, cp, sa, sp, FIN | ACK, cseq, sseq, clientWindow, new byte[0]);
            cseq++;
            return f;
        }

        long serverFin() {
            long f = write(sa, sp, ca, cp, FIN | ACK, sseq, cseq, serverWindow, new byte[0]);
            sseq++;
            return f;
        }

        long clientRst() { return write(ca, cp, sa, sp, RST | ACK, cseq, sseq, 0, new byte[0]); }
        long serverRst() { return write(sa, sp, ca, cp, RST | ACK, sseq, cseq, 0, new byte[0]); }

        /** FIN both ways and the last ACK: a clean close started by the client. */
        void closeCleanly() {
            clientFin();
            serverFin();
            clientAck();
        }
    }
}
