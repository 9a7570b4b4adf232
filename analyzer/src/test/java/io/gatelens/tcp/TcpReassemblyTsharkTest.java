package io.gatelens.tcp;

import io.gatelens.anomaly.Anomaly;
import io.gatelens.anomaly.AnomalyCode;
import io.gatelens.capture.LinkType;
import io.gatelens.capture.file.PcapWriter;
import io.gatelens.flow.Connection;
import io.gatelens.flow.FlowTable;
import io.gatelens.pipeline.CapturePass;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.gatelens.tcp.Direction.CLIENT_TO_SERVER;
import static io.gatelens.tcp.Direction.SERVER_TO_CLIENT;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Every connection of every recorded capture, reassembled here and by tshark's "Follow TCP
 * Stream" (an independent implementation), must come out byte-identical in both directions.
 */
class TcpReassemblyTsharkTest {
    private static final Path CAPTURES = Path.of("..", "fixtures", "captures");

    @TempDir
    Path dir;

    /** One connection as reassembled here. */
    static final class Streams implements StreamListener {
        final Connection connection;
        final ByteArrayOutputStream[] bytes = {new ByteArrayOutputStream(), new ByteArrayOutputStream()};
        final List<Anomaly> anomalies = new ArrayList<>();
        TcpStats stats;
        long gaps;

        Streams(Connection c) {
            connection = c;
        }

        @Override
        public void data(Direction d, byte[] buf, int off, int len, long streamOffset, long frame, long nanos) {
            bytes[d.ordinal()].write(buf, off, len);
        }

        @Override
        public void gap(Direction d, long streamOffset, long length, long frame, long nanos) {
            gaps++;
        }

        @Override
        public void fin(Direction d, long frame, long nanos) { }

        @Override
        public void reset(Direction d, boolean afterFin, long frame, long nanos) { }

        @Override
        public void closed(TcpStats s) {
            stats = s;
        }

        @Override
        public void anomaly(Anomaly a) {
            anomalies.add(a);
        }

        byte[] of(Direction d) {
            return bytes[d.ordinal()].toByteArray();
        }
    }

    /** One stream as tshark follows it: node 0 is the endpoint tshark saw first. */
    record Followed(String node0, String node1, byte[] fromNode0, byte[] fromNode1) { }

    /** Fails under CI without tshark; elsewhere the tshark part is skipped. */
    static void needTshark() {
        boolean tshark = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, "tshark")));
        if (!tshark && "true".equals(System.getenv("CI"))) fail("CI=true but tshark is not installed");
        Assumptions.assumeTrue(tshark, "tshark not installed");
    }

    @Test
    void everyRecordedCaptureMatchesTsharksFollowStream() throws Exception {
        needTshark();
        List<Path> files = io.gatelens.testing.RecordedCaptures.files();
        assertTrue(files.size() >= 20, "expected the recorded fixtures, found " + files);
        long connections = 0;
        for (Path file : files) {
            Map<Long, Streams> ours = reassemble(file);
            compare(file, ours);
            for (Streams s : ours.values()) {
                assertEquals(0, s.gaps, file + " conn " + s.connection.id() + ": loopback captures lose nothing");
                assertTrue(s.anomalies.stream().noneMatch(a -> a.code() == AnomalyCode.TCP_OVERLAP_CONFLICT));
            }
            connections += ours.size();
        }
        assertTrue(connections >= 2 * files.size(), "every scenario has a client and an upstream leg");
    }

    @Test
    void healthyKeepaliveStartsWithTheFirstRequestAndAnswer() throws Exception {
        Map<Long, Streams> ours = reassemble(CAPTURES.resolve("healthy-keepalive").resolve("capture.pcap"));
        Streams front = ours.values().stream().filter(s -> s.connection.server().port() == 21010).findFirst().orElseThrow();
        assertTrue(text(front.of(CLIENT_TO_SERVER)).startsWith("GET /cl HTTP/1.1\r\n"), text(front.of(CLIENT_TO_SERVER)));
        assertTrue(text(front.of(SERVER_TO_CLIENT)).startsWith("HTTP/1.1 200 OK\r\n"));
        Streams back = ours.values().stream().filter(s -> s.connection.server().port() == 21011).findFirst().orElseThrow();
        assertTrue(text(back.of(CLIENT_TO_SERVER)).startsWith("GET /cl HTTP/1.1\r\n"), "the proxy forwards the same request");
        TcpStats st = front.stats;
        assertNotNull(st);
        assertEquals(front.of(CLIENT_TO_SERVER).length, st.side(CLIENT_TO_SERVER).deliveredBytes());
        assertEquals(st.side(CLIENT_TO_SERVER).payloadBytes(), st.side(CLIENT_TO_SERVER).deliveredBytes(), "nothing retransmitted on loopback");
        assertTrue(st.synToSynAckNanos() >= 0 && st.synAckToAckNanos() >= 0, "the handshake was captured");
        assertTrue(st.side(CLIENT_TO_SERVER).finSeen() || st.side(SERVER_TO_CLIENT).finSeen());
    }

    /**
     * A capture written here with a disordered stream crossing the 2^32 wrap: reordered,
     * duplicated and overlapping segments, both ways. tshark's follow puts it back in order too.
     */
    @Test
    void disorderedSyntheticCaptureMatchesTsharkAndTheOriginal() throws Exception {
        Path file = dir.resolve("disordered.pcap");
        Random rnd = new Random(20261123);
        byte[] up = new byte[30_000];
        byte[] down = new byte[50_000];
        rnd.nextBytes(up);
        rnd.nextBytes(down);
        long ci = 0xFFFF_8000L;
        long si = 0xFFFF_F000L;
        try (OutputStream os = Files.newOutputStream(file)) {
            PcapWriter out = new PcapWriter(os, LinkType.ETHERNET.code(), 262144, true);
            Wire w = new Wire();
            w.tap = f -> {
                try {
                    out.write(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            };
            w.client(Wire.SYN, ci, 0, Wire.NONE);
            w.server(Wire.SYN | Wire.ACK, si, ci + 1, Wire.NONE);
            w.client(Wire.ACK, ci + 1, si + 1, Wire.NONE);
            List<int[]> segs = new ArrayList<>();
            for (int side = 0; side < 2; side++) {
                byte[] data = side == 0 ? up : down;
                for (int at = 0; at < data.length; ) {
                    int len = Math.min(data.length - at, 1 + rnd.nextInt(1400));
                    segs.add(new int[] {side, at, at + len});
                    if (rnd.nextInt(5) == 0) segs.add(new int[] {side, at, at + len});
                    if (rnd.nextInt(5) == 0) {
                        int a = Math.max(0, at - rnd.nextInt(300));
                        segs.add(new int[] {side, a, Math.min(data.length, at + len + rnd.nextInt(300))});
                    }
                    at += len;
                }
            }
            // Local disorder, as on a real path: swap neighbours within a small window.
            for (int i = 0; i + 1 < segs.size(); i++) {
                if (rnd.nextInt(3) == 0) Collections.swap(segs, i, Math.min(segs.size() - 1, i + 1 + rnd.nextInt(4)));
            }
            for (int[] g : segs) {
                boolean client = g[0] == 0;
                long seq = ((client ? ci : si) + 1 + g[1]) & 0xFFFF_FFFFL;
                long ack = ((client ? si : ci) + 1) & 0xFFFF_FFFFL;
                w.send(client, Wire.ACK | Wire.PSH, seq, ack, 65535, client ? up : down, g[1], g[2] - g[1]);
            }
            long cEnd = (ci + 1 + up.length) & 0xFFFF_FFFFL;
            long sEnd = (si + 1 + down.length) & 0xFFFF_FFFFL;
            w.client(Wire.FIN | Wire.ACK, cEnd, sEnd, Wire.NONE);
            w.server(Wire.FIN | Wire.ACK, sEnd, (cEnd + 1) & 0xFFFF_FFFFL, Wire.NONE);
            w.client(Wire.ACK, (cEnd + 1) & 0xFFFF_FFFFL, (sEnd + 1) & 0xFFFF_FFFFL, Wire.NONE);
            out.close();
        }
        Map<Long, Streams> ours = reassemble(file);
        assertEquals(1, ours.size());
        Streams s = ours.get(0L);
        assertArrayEquals(up, s.of(CLIENT_TO_SERVER));
        assertArrayEquals(down, s.of(SERVER_TO_CLIENT));
        assertTrue(s.stats.side(SERVER_TO_CLIENT).outOfOrderSegments() > 0, "the capture really is disordered");
        assertTrue(s.stats.side(SERVER_TO_CLIENT).retransmittedSegments() > 0);
        needTshark();
        compare(file, ours);
    }

    private static Map<Long, Streams> reassemble(Path file) throws IOException {
        Map<Long, Streams> out = new TreeMap<>();
        TcpReassembler r = new TcpReassembler(TcpLimits.DEFAULT, c -> {
            Streams s = new Streams(c);
            assertNull(out.put(c.id(), s), "one listener per connection");
            return s;
        });
        FlowTable flows = new FlowTable(r::connectionDone);
        new CapturePass(flows, r::segment).run(file);
        assertEquals(0, r.liveConnections(), "every connection was done at the end");
        for (Streams s : out.values()) assertNotNull(s.stats, "closed was called");
        return out;
    }

    private static void compare(Path file, Map<Long, Streams> ours) throws Exception {
        Map<Long, Followed> theirs = follow(file, ours.keySet());
        for (Streams s : ours.values()) {
            long id = s.connection.id();
            Followed f = theirs.get(id);
            assertNotNull(f, file + ": tshark printed no stream " + id);
            String client = plain(s.connection.client().toString());
            String server = plain(s.connection.server().toString());
            byte[] c2s;
            byte[] s2c;
            if (f.fromNode0.length + f.fromNode1.length == 0) {
                c2s = s2c = new byte[0];
            } else if (f.node0.equals(client) && f.node1.equals(server)) {
                c2s = f.fromNode0;
                s2c = f.fromNode1;
            } else if (f.node0.equals(server) && f.node1.equals(client)) {
                c2s = f.fromNode1;
                s2c = f.fromNode0;
            } else {
                fail(file + " stream " + id + ": tshark's nodes " + f + " are not " + client + " / " + server);
                return;
            }
            assertArrayEquals(c2s, s.of(CLIENT_TO_SERVER), file + " stream " + id + " client to server");
            assertArrayEquals(s2c, s.of(SERVER_TO_CLIENT), file + " stream " + id + " server to client");
        }
    }

    private static String plain(String endpoint) {
        return endpoint.replace("[", "").replace("]", "");
    }

    /**
     * tshark 4's raw follow output, per stream: "Filter: tcp.stream eq N", "Node 0: addr:port",
     * "Node 1: ...", then hex lines, those from node 1 indented by a tab.
     */
    static Map<Long, Followed> follow(Path file, Iterable<Long> ids) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-n", "-r", file.toString(), "-q"));
        for (long id : ids) {
            cmd.add("-z");
            cmd.add("follow,tcp,raw," + id);
        }
        Process proc = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String text = new String(proc.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertTrue(proc.waitFor(120, TimeUnit.SECONDS), "tshark finished");
        assertEquals(0, proc.exitValue(), "tshark on " + file);
        Map<Long, Followed> out = new TreeMap<>();
        Long id = null;
        String node0 = "";
        String node1 = "";
        ByteArrayOutputStream a = new ByteArrayOutputStream();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        HexFormat hex = HexFormat.of();
        for (String line : text.split("\n")) {
            if (line.startsWith("====")) {
                if (id != null) out.put(id, new Followed(node0, node1, a.toByteArray(), b.toByteArray()));
                id = null;
                node0 = node1 = "";
                a.reset();
                b.reset();
            } else if (line.startsWith("Filter: tcp.stream eq ")) {
                id = Long.parseLong(line.substring("Filter: tcp.stream eq ".length()).trim());
            } else if (line.startsWith("Node 0: ")) {
                node0 = line.substring(8).trim();
            } else if (line.startsWith("Node 1: ")) {
                node1 = line.substring(8).trim();
            } else if (line.startsWith("\t")) {
                b.writeBytes(hex.parseHex(line.trim()));
            } else if (!line.isBlank() && !line.startsWith("Follow:")) {
                a.writeBytes(hex.parseHex(line.trim()));
            }
        }
        return out;
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
