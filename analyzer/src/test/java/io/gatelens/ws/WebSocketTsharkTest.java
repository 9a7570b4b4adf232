package io.gatelens.ws;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Independent cross-check: every WebSocket frame in the real capture, as tshark's dissector
 * reads it (reported in the frame that completes it), against the frames parsed here.
 */
class WebSocketTsharkTest {
    private static final Path CAPTURE = Path.of("../fixtures/captures/websocket-ok/capture.pcap");

    @Test
    void framesAgreeWithTshark() throws Exception {
        boolean tshark = List.of(System.getenv().getOrDefault("PATH", "").split(":")).stream()
                .anyMatch(d -> Files.isExecutable(Path.of(d, "tshark")));
        if (!tshark && "true".equals(System.getenv("CI"))) fail("CI=true but tshark is not installed");
        Assumptions.assumeTrue(tshark, "tshark not installed");

        List<String> theirs = new ArrayList<>();
        for (String line : tshark()) {
            String[] f = line.split("\t", -1);
            String[] fin = f[2].split(","), op = f[3].split(","), mask = f[4].split(","), len = f[5].split(",");
            for (int i = 0; i < op.length; i++) {
                theirs.add("stream " + f[1] + " frame " + f[0] + " fin=" + fin[i] + " op=" + op[i] + " mask=" + mask[i]
                        + " len=" + len[i]);
            }
        }

        List<String> ours = new ArrayList<>();
        for (CaptureFeeder.Conn conn : CaptureFeeder.read(CAPTURE)) {
            long id = conn.connection.id();
            WebSocketListener l = new WebSocketListener() {
                @Override public void frame(WebSocketFrame f) {
                    ours.add("stream " + id + " frame " + f.lastFrame() + " fin=" + (f.fin() ? 1 : 0) + " op=" + f.opcode()
                            + " mask=" + (f.masked() ? 1 : 0) + " len=" + f.payloadLength());
                }
                @Override public void anomaly(io.gatelens.anomaly.Anomaly a) { }
            };
            assertTrue(conn.replayAfterUpgrade(new WebSocketSession(id, 0, a -> { }, l)));
        }
        ours.sort(null);
        theirs.sort(null);
        assertFalse(theirs.isEmpty());
        assertEquals(theirs, ours);
    }

    private static List<String> tshark() throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("tshark", "-r", CAPTURE.toString(), "-Y", "websocket", "-T", "fields",
                "-e", "frame.number", "-e", "tcp.stream", "-e", "websocket.fin", "-e", "websocket.opcode",
                "-e", "websocket.mask", "-e", "websocket.payload_length", "-E", "aggregator=,");
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Path file = Files.createTempFile("ws-tshark", ".tsv");
        pb.redirectOutput(file.toFile());
        Process p = pb.start();
        boolean done = p.waitFor(60, TimeUnit.SECONDS);
        if (!done) p.destroyForcibly();
        byte[] out = Files.readAllBytes(file);
        Files.delete(file);
        assertTrue(done, "tshark timed out");
        assertEquals(0, p.exitValue(), "tshark failed");
        List<String> lines = new ArrayList<>();
        for (String l : new String(out, StandardCharsets.UTF_8).split("\n")) if (!l.isBlank()) lines.add(l);
        return lines;
    }
}
