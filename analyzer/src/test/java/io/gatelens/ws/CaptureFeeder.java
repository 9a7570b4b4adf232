package io.gatelens.ws;

import io.gatelens.capture.Frame;
import io.gatelens.capture.PacketSource;
import io.gatelens.capture.decode.DecodedPacket;
import io.gatelens.capture.decode.PacketDecoder;
import io.gatelens.capture.file.CaptureFiles;
import io.gatelens.flow.Connection;
import io.gatelens.flow.FlowTable;
import io.gatelens.http.Headers;
import io.gatelens.tcp.Direction;
import io.gatelens.tcp.StreamListener;
import io.gatelens.tcp.TcpStats;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test-only stand-in for the reassembler and the HTTP layer on small, clean captures: segments
 * are taken in capture order (a retransmission of bytes already seen is dropped), the request
 * and the 101 head are found by their blank line, and everything after them goes to a listener.
 */
final class CaptureFeeder {
    record Segment(Direction dir, long frame, long nanos, long seq, byte[] payload, boolean fin, boolean rst) {}

    /** One connection's segments and byte streams. */
    static final class Conn {
        final Connection connection;
        final List<Segment> segments = new ArrayList<>();
        final ByteArrayOutputStream[] streams = {new ByteArrayOutputStream(), new ByteArrayOutputStream()};
        final long[] base = {-1, -1};
        final long[] next = {-1, -1};

        Conn(Connection c) { this.connection = c; }

        byte[] stream(Direction d) { return streams[d.ordinal()].toByteArray(); }

        /** End of the head (after its blank line) at the start of {@code d}'s stream, or -1. */
        int headEnd(Direction d) { return indexOf(stream(d), "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), 0); }

        String startLine(Direction d) {
            byte[] s = stream(d);
            int eol = indexOf(s, new byte[] {'\r', '\n'}, 0);
            return new String(s, 0, eol < 0 ? s.length : eol - 2, StandardCharsets.ISO_8859_1);
        }

        /** Header fields of the head at the start of {@code d}'s stream, as far as it goes. */
        Headers headers(Direction d) {
            byte[] s = stream(d);
            int end = headEnd(d);
            String head = new String(s, 0, end < 0 ? s.length : end, StandardCharsets.ISO_8859_1);
            Headers h = new Headers();
            String[] lines = head.split("\r\n");
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) h.add(lines[i].substring(0, colon), lines[i].substring(colon + 1).trim());
            }
            return h;
        }

        /**
         * Replays to {@code l} every byte after the request head (c>s) and after the 101 head
         * (s>c), in capture order, then FINs and RSTs, then closed. False when there is no
         * complete 101 head to start from.
         */
        boolean replayAfterUpgrade(StreamListener l) {
            int reqEnd = headEnd(Direction.CLIENT_TO_SERVER);
            int respEnd = headEnd(Direction.SERVER_TO_CLIENT);
            if (reqEnd < 0 || respEnd < 0 || !startLine(Direction.SERVER_TO_CLIENT).startsWith("HTTP/1.1 101")) {
                return false;
            }
            long[] skip = {reqEnd, respEnd};
            for (Segment s : segments) {
                int d = s.dir().ordinal();
                long off = s.seq() - base[d];
                long from = Math.max(off, skip[d]);
                long to = off + s.payload().length;
                if (from < to) {
                    int start = (int) (from - off);
                    l.data(s.dir(), s.payload(), start, (int) (to - from), from, s.frame(), s.nanos());
                }
                if (s.fin()) l.fin(s.dir(), s.frame(), s.nanos());
                if (s.rst()) l.reset(s.dir(), false, s.frame(), s.nanos());
            }
            l.closed(new TcpStats());
            return true;
        }
    }

    static List<Conn> read(Path file) throws IOException {
        Map<Connection, Conn> conns = new LinkedHashMap<>();
        FlowTable table = new FlowTable(c -> { });
        try (PacketSource source = CaptureFiles.open(file)) {
            Frame frame = new Frame();
            DecodedPacket p = new DecodedPacket();
            PacketDecoder decoder = new PacketDecoder();
            while (source.next(frame)) {
                if (!decoder.decode(frame, p) || !p.isTcp()) continue;
                Connection c = table.observe(frame, p);
                Conn conn = conns.computeIfAbsent(c, Conn::new);
                Direction dir = c.sentByClient(p) ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT;
                int d = dir.ordinal();
                if (p.syn()) {
                    conn.base[d] = (p.seq() + 1) & 0xffffffffL;
                    conn.next[d] = conn.base[d];
                    continue;
                }
                byte[] payload = new byte[p.payloadLength()];
                System.arraycopy(p.payloadBuffer(), p.payloadOffset(), payload, 0, payload.length);
                if (conn.base[d] < 0) {
                    conn.base[d] = p.seq();
                    conn.next[d] = p.seq();
                }
                if (payload.length > 0) {
                    if (p.seq() != conn.next[d]) continue; // retransmission (these captures have no loss)
                    conn.streams[d].write(payload, 0, payload.length);
                    conn.next[d] += payload.length;
                }
                conn.segments.add(new Segment(dir, frame.number(), frame.epochNanos(), p.seq(), payload, p.fin(), p.rst()));
            }
        }
        table.finish();
        return new ArrayList<>(conns.values());
    }

    static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i + needle.length <= hay.length; i++) {
            for (int k = 0; k < needle.length; k++) if (hay[i + k] != needle[k]) continue outer;
            return i + needle.length;
        }
        return -1;
    }
}
