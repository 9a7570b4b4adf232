package io.gatelens.flow;

import io.gatelens.capture.Frame;
import io.gatelens.capture.LinkType;
import io.gatelens.capture.decode.DecodedPacket;
import io.gatelens.capture.decode.PacketDecoder;
import io.gatelens.capture.file.PcapWriter;
import io.gatelens.testing.TcpFrames;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.gatelens.testing.TcpFrames.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Connection ids are meant to be Wireshark's tcp.stream numbers. Port reuse is where trackers
 * disagree, so this writes the awkward cases to a pcap and asks tshark for its numbering.
 */
class StreamNumberingTsharkTest {
    @TempDir
    Path dir;

    private final TcpFrames frames = new TcpFrames();
    private final List<Frame> written = new ArrayList<>();
    private PcapWriter out;
    private long ms;

    private void send(String src, int sp, String dst, int dp, int flags, long seq, long ack, int len) throws Exception {
        Frame f = frames.segment(1_700_000_000_000_000_000L + (ms += 10) * 1_000_000L, src, sp, dst, dp, flags, seq, ack, len);
        out.write(f);
    }

    private void handshake(int cport, long isn) throws Exception {
        send("10.0.0.1", cport, "10.0.0.2", 80, SYN, isn, 0, 0);
        send("10.0.0.2", 80, "10.0.0.1", cport, SYN | ACK, 9000, isn + 1, 0);
        send("10.0.0.1", cport, "10.0.0.2", 80, ACK, isn + 1, 9001, 0);
    }

    @Test
    void connectionIdsAreTsharksStreamNumbers() throws Exception {
        boolean tshark = List.of(System.getenv().getOrDefault("PATH", "").split(":")).stream()
                .anyMatch(d -> Files.isExecutable(Path.of(d, "tshark")));
        if (!tshark && "true".equals(System.getenv("CI"))) fail("CI=true but tshark is not installed");
        Assumptions.assumeTrue(tshark, "tshark not installed");

        Path file = dir.resolve("reuse.pcap");
        try (OutputStream os = Files.newOutputStream(file)) {
            out = new PcapWriter(os, LinkType.ETHERNET.code(), 262144, true);
            // Closed with FINs, then the same 4-tuple again with a new ISN.
            handshake(40000, 100);
            send("10.0.0.1", 40000, "10.0.0.2", 80, PSH | ACK, 101, 9001, 50);
            send("10.0.0.2", 80, "10.0.0.1", 40000, FIN | ACK, 9001, 151, 0);
            send("10.0.0.1", 40000, "10.0.0.2", 80, FIN | ACK, 151, 9002, 0);
            send("10.0.0.2", 80, "10.0.0.1", 40000, ACK, 9002, 152, 0);
            handshake(40000, 5000);
            // Reset, then reused.
            handshake(40001, 100);
            send("10.0.0.2", 80, "10.0.0.1", 40001, RST | ACK, 9001, 101, 0);
            handshake(40001, 7000);
            // A retransmitted SYN is the same connection.
            send("10.0.0.1", 40002, "10.0.0.2", 80, SYN, 300, 0, 0);
            send("10.0.0.1", 40002, "10.0.0.2", 80, SYN, 300, 0, 0);
            // Mid-stream: no SYN at all.
            send("10.0.0.2", 80, "10.0.0.1", 40003, PSH | ACK, 1, 1, 30);
            send("10.0.0.1", 40003, "10.0.0.2", 80, ACK, 1, 31, 0);
            // A SYN with another ISN on a connection that never closed: the peer restarted.
            handshake(40004, 100);
            send("10.0.0.1", 40004, "10.0.0.2", 80, PSH | ACK, 101, 9001, 20);
            handshake(40004, 880000);
            out.close();
        }

        List<Long> ours = new ArrayList<>();
        PacketDecoder decoder = new PacketDecoder();
        DecodedPacket p = new DecodedPacket();
        FlowTable table = new FlowTable(c -> { });
        try (var source = io.gatelens.capture.file.CaptureFiles.open(file)) {
            Frame f = new Frame();
            while (source.next(f)) {
                assertTrue(decoder.decode(f, p));
                ours.add(table.observe(f, p).id());
            }
        }

        Process proc = new ProcessBuilder("tshark", "-n", "-r", file.toString(), "-T", "fields", "-e", "tcp.stream")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String text = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(proc.waitFor(60, TimeUnit.SECONDS));
        List<Long> theirs = text.lines().map(Long::parseLong).toList();
        assertEquals(theirs, ours);
        assertEquals(8, table.connectionCount(), "three reused 4-tuples make three more connections");
    }
}
