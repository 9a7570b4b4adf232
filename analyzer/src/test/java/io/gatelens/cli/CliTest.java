package io.gatelens.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import io.gatelens.capture.Frame;
import io.gatelens.capture.LinkType;
import io.gatelens.capture.file.PcapngWriter;
import io.gatelens.testing.TcpFrames;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.*;

/** The command line as a user meets it, on captures of real proxies from fixtures/. */
class CliTest {
    static final Path CAPTURES = Path.of("..", "fixtures", "captures");
    private final ObjectMapper json = new ObjectMapper();

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = Main.commandLine(() -> Terminal.NONE);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private JsonNode expected(String scenario) throws IOException {
        return json.readTree(CAPTURES.resolve(scenario).resolve("expected.json").toFile());
    }

    private List<JsonNode> jsonLines(String text) throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        for (String line : text.split("\n")) if (!line.isBlank()) rows.add(json.readTree(line));
        return rows;
    }

    private static String capture(String scenario) {
        return CAPTURES.resolve(scenario).resolve("capture.pcap").toString();
    }

    @Test
    void versionAndHelpOnEverySubcommand() {
        Run v = run("--version");
        assertEquals(0, v.code());
        assertTrue(v.out().startsWith("gatelens "), v.out());
        for (String sub : List.of("info", "conversations", "streams", "transactions")) {
            Run h = run(sub, "--help");
            assertEquals(0, h.code(), sub);
            assertTrue(h.out().contains("Usage: gatelens " + sub), h.out());
        }
        Run none = run();
        assertEquals(ExitCodes.USAGE_OR_UNREADABLE, none.code());
        Run bad = run("info", "--format", "xml", capture("healthy-keepalive"));
        assertEquals(ExitCodes.USAGE_OR_UNREADABLE, bad.code());
    }

    @Test
    void infoCountsWhatTheRecordingHarnessWrote() throws IOException {
        JsonNode exp = expected("reset-after-request");
        Run r = run("info", "--format", "json", capture("reset-after-request"));
        assertEquals(0, r.code(), r.err());
        JsonNode info = json.readTree(r.out());
        assertEquals(exp.get("frame_count").asLong(), info.get("frames").asLong());
        assertEquals(exp.get("frame_count").asLong(),
                info.get("frames_by_link_type").get(exp.get("link_type").asText()).asLong());
        assertEquals("pcap", info.get("format").asText());
        assertEquals(info.get("frames").asLong(), info.get("tcp_segments").asLong());
        // One request through the proxy: the client's connection and nginx's to the upstream.
        assertEquals(2, info.get("tcp_connections").asInt());
        assertTrue(info.get("duration_s").decimalValue().signum() > 0);
        assertTrue(info.get("damage").isNull());

        Run text = run("info", capture("reset-after-request"));
        assertEquals(0, text.code());
        assertTrue(text.out().contains("Frames:            " + exp.get("frame_count").asLong()), text.out());
        assertTrue(text.out().contains("Ethernet (1)"), text.out());
    }

    @Test
    void infoNamesTheCookedLinkTypeOfTcpdumpAnyAndThePcapngInterface() throws IOException {
        Run sll2 = run("info", "--format", "json", capture("any-interface-sll2"));
        assertEquals(0, sll2.code(), sll2.err());
        JsonNode i = json.readTree(sll2.out());
        assertEquals(276, i.get("interfaces").get(0).get("link_type").asInt());
        assertEquals(i.get("frames").asLong(), i.get("tcp_segments").asLong());

        Run ng = run("info", "--format", "json",
                CAPTURES.resolve("pcapng-dumpcap").resolve("capture.pcapng").toString());
        assertEquals(0, ng.code(), ng.err());
        JsonNode n = json.readTree(ng.out());
        assertEquals("pcapng", n.get("format").asText());
        assertEquals("lo", n.get("interfaces").get(0).get("name").asText());
        assertEquals(expected("pcapng-dumpcap").get("frame_count").asLong(), n.get("frames").asLong());
    }

    @Test
    void conversationsShowTheUpstreamResetAndTheClientLeg() throws IOException {
        JsonNode exp = expected("reset-after-request");
        Run r = run("conversations", "--format", "json", capture("reset-after-request"));
        assertEquals(0, r.code(), r.err());
        List<JsonNode> rows = jsonLines(r.out());
        assertEquals(2, rows.size());
        JsonNode client = rows.stream().filter(n -> n.get("server").asText().endsWith(":" + exp.get("proxy_port")))
                .findFirst().orElseThrow();
        JsonNode upstream = rows.stream().filter(n -> n.get("server").asText().endsWith(":" + exp.get("backend_port")))
                .findFirst().orElseThrow();
        assertEquals("127.0.0.1:" + exp.get("client_port"), client.get("client").asText());
        assertEquals("reset_by_server", upstream.get("end").asText());
        assertTrue(upstream.get("roles_from_syn").asBoolean());
        assertTrue(upstream.get("client_bytes").asLong() > 0, "nginx forwarded the request");
        assertEquals(0, upstream.get("server_bytes").asLong(), "the upstream answered nothing");
        assertTrue(client.get("server_bytes").asLong() > 0, "nginx answered the client (the 502)");
        for (JsonNode row : rows) {
            for (String field : List.of("connection", "client", "server", "frames", "start", "duration_s", "end")) {
                assertTrue(row.has(field), field + " in " + row);
            }
        }
        Run text = run("conversations", capture("reset-after-request"));
        assertEquals(0, text.code());
        assertTrue(text.out().contains("reset_by_server"), text.out());
    }

    @Test
    void aClosedBackendPortIsARefusedConnection() throws IOException {
        JsonNode exp = expected("backend-port-closed");
        List<JsonNode> rows = jsonLines(run("conversations", "--format", "json", capture("backend-port-closed")).out());
        JsonNode upstream = rows.stream().filter(n -> n.get("server").asText().endsWith(":" + exp.get("backend_port")))
                .findFirst().orElseThrow();
        assertEquals("refused", upstream.get("end").asText());
    }

    @Test
    void missingFileAndNonCaptureAreOneLineAndExitTwo(@TempDir Path dir) throws IOException {
        Run missing = run("info", dir.resolve("nope.pcap").toString());
        assertEquals(ExitCodes.USAGE_OR_UNREADABLE, missing.code());
        assertEquals(1, missing.err().strip().lines().count(), missing.err());
        assertTrue(missing.err().contains("nope.pcap"), missing.err());

        Path html = Files.writeString(dir.resolve("page.pcap"), "<html>not a capture</html>");
        Run notCapture = run("conversations", html.toString());
        assertEquals(ExitCodes.USAGE_OR_UNREADABLE, notCapture.code());
        assertEquals(1, notCapture.err().strip().lines().count(), notCapture.err());
        assertTrue(notCapture.err().contains("page.pcap"), notCapture.err());
        assertFalse(notCapture.err().contains("Exception"), notCapture.err());

        Path empty = Files.write(dir.resolve("empty.pcap"), new byte[0]);
        Run e = run("info", empty.toString());
        assertEquals(ExitCodes.USAGE_OR_UNREADABLE, e.code());
        assertTrue(e.err().contains("empty.pcap"), e.err());
    }

    @Test
    void aFileCutMidRecordKeepsTheFramesBeforeAndExitsThree(@TempDir Path dir) throws IOException {
        byte[] whole = Files.readAllBytes(Path.of(capture("reset-after-request")));
        long frames = expected("reset-after-request").get("frame_count").asLong();
        Path cut = Files.write(dir.resolve("cut.pcap"), Arrays.copyOf(whole, whole.length - 10));
        Run r = run("info", "--format", "json", cut.toString());
        assertEquals(ExitCodes.INPUT_DAMAGED, r.code());
        JsonNode info = json.readTree(r.out());
        assertEquals(frames - 1, info.get("frames").asLong());
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.contains("cut.pcap"), err);
        assertTrue(err.contains("frame " + frames), err);
        assertTrue(err.contains("byte offset"), err);
        assertFalse(err.contains("Exception"), err);

        Run conv = run("conversations", cut.toString());
        assertEquals(ExitCodes.INPUT_DAMAGED, conv.code());
        assertTrue(conv.out().contains("127.0.0.1"), "rows for what was read are still printed");
    }

    @Test
    void framesCutInTheTcpHeaderOrOfAnUnknownLinkTypeAreWarnedOnceWithTheirFrame(@TempDir Path dir) throws IOException {
        TcpFrames frames = new TcpFrames();
        Path file = dir.resolve("odd.pcapng");
        try (OutputStream os = Files.newOutputStream(file); PcapngWriter w = new PcapngWriter(os)) {
            int eth = w.addInterface(LinkType.ETHERNET.code(), 262144, "eth0");
            int odd = w.addInterface(147, 262144, "usb0"); // LINKTYPE_USER0: not ours to decode
            Frame f = frames.segment(1_000_000_000L, "10.0.0.1", 40000, "10.0.0.2", 80, TcpFrames.SYN, 1, 0, 0);
            w.write(eth, f, null);
            w.write(odd, f.epochNanos() + 1, f.buffer(), 0, f.capturedLength(), f.capturedLength());
            for (int i = 0; i < 3; i++) {
                Frame d = frames.segment(1_000_000_002L + i, "10.0.0.1", 40000, "10.0.0.2", 80, TcpFrames.ACK, 2, 1, 100);
                // Cut 10 bytes into the TCP header, as tcpdump -s 44 would.
                w.write(eth, d.epochNanos(), d.buffer(), 0, 44, d.capturedLength());
            }
        }
        Run r = run("info", "--format", "json", file.toString());
        assertEquals(0, r.code(), "skipped frames are not damage: " + r.err());
        JsonNode info = json.readTree(r.out());
        assertEquals(5, info.get("frames").asInt());
        assertEquals(1, info.get("tcp_segments").asInt());
        assertEquals(3, info.get("cut_by_snaplen").asInt());
        assertEquals(3, info.get("skipped").get("truncated_tcp_header").get("frames").asInt());
        assertEquals(3, info.get("skipped").get("truncated_tcp_header").get("first_frame").asInt());
        assertEquals(2, info.get("skipped").get("unknown_link_type").get("first_frame").asInt());
        List<String> warnings = r.err().strip().lines().toList();
        assertEquals(2, warnings.size(), r.err());
        assertTrue(warnings.stream().anyMatch(w -> w.contains("odd.pcapng: frame 2, byte offset ")
                && w.contains("link type not supported")), r.err());
        assertTrue(warnings.stream().anyMatch(w -> w.contains("odd.pcapng: frame 3, byte offset ")
                && w.contains("TCP header cut by snaplen") && w.contains("3 frames like it")), r.err());
    }

    @Test
    void gzipCapturesReadTheSameAsPlainOnes(@TempDir Path dir) throws IOException {
        Path plain = Path.of(capture("healthy-keepalive"));
        Path gz = dir.resolve("healthy.pcap.gz");
        try (OutputStream os = new GZIPOutputStream(Files.newOutputStream(gz))) {
            Files.copy(plain, os);
        }
        Run a = run("conversations", "--format", "json", plain.toString());
        Run b = run("conversations", "--format", "json", gz.toString());
        assertEquals(0, b.code(), b.err());
        assertEquals(a.out(), b.out());
    }

    @Test
    void streamsShowTheReassembledViewOfEachConnection() throws IOException {
        JsonNode exp = expected("slow-backend-504");
        Run r = run("streams", "--format", "json", capture("slow-backend-504"));
        assertEquals(0, r.code(), r.err());
        List<JsonNode> rows = jsonLines(r.out());
        assertEquals(2, rows.size());
        JsonNode upstream = rows.stream().filter(n -> n.get("server").asText().endsWith(":" + exp.get("backend_port")))
                .findFirst().orElseThrow();
        // nginx gave up after proxy_read_timeout and reset; the late answer met the RST.
        assertEquals("reset_by_client", upstream.get("end").asText());
        assertTrue(upstream.get("handshake_rtt_ms").decimalValue().signum() > 0);
        JsonNode c2s = upstream.get("client_to_server");
        assertEquals(c2s.get("payload_bytes").asLong(), c2s.get("delivered_bytes").asLong(), "no loss on loopback");
        assertEquals(0, c2s.get("gaps").asInt());
        assertTrue(c2s.get("rst").asBoolean());
        assertEquals(0, rows.get(0).get("connection").asInt());
        assertEquals(1, rows.get(1).get("connection").asInt());
    }

    private List<JsonNode> transactions(String scenario) throws IOException {
        Run r = run("transactions", "--format", "json", capture(scenario));
        assertEquals(0, r.code(), r.err());
        return jsonLines(r.out()).stream().filter(n -> n.get("type").asText().equals("transaction")).toList();
    }

    private static JsonNode onPort(List<JsonNode> rows, JsonNode port) {
        return rows.stream().filter(n -> n.get("server").asText().endsWith(":" + port)).findFirst().orElseThrow();
    }

    @Test
    void transactionsSayWhatTheUpstreamDidAndWhatTheClientGot() throws IOException {
        JsonNode exp = expected("reset-after-request");
        List<JsonNode> rows = transactions("reset-after-request");
        assertEquals(2, rows.size());
        JsonNode upstream = onPort(rows, exp.get("backend_port"));
        assertEquals("GET", upstream.get("method").asText());
        assertEquals("/", upstream.get("target").asText());
        assertTrue(upstream.get("status").isNull());
        assertEquals("connection_reset", upstream.get("end").asText());
        assertEquals("server", upstream.get("reset_by").asText());
        JsonNode client = onPort(rows, exp.get("proxy_port"));
        assertEquals(exp.get("requests").get(0).get("status").asInt(), client.get("status").asInt());
        assertEquals("complete", client.get("end").asText());
        assertTrue(client.get("ttfb_ms").decimalValue().signum() > 0);
        for (String field : List.of("connection", "client", "server", "method", "target", "status", "request_bytes",
                "response_bytes", "ttfb_ms", "total_ms", "end")) {
            assertTrue(client.has(field), field);
        }
    }

    @Test
    void transactionsCarryProtocolAnomaliesWithTheirFrames() throws IOException {
        JsonNode exp = expected("bad-chunked");
        JsonNode upstream = onPort(transactions("bad-chunked"), exp.get("backend_port"));
        assertEquals("body_malformed", upstream.get("end").asText());
        JsonNode anomaly = upstream.get("anomalies").get(0);
        assertEquals("http_bad_chunk_size", anomaly.get("code").asText());
        assertEquals("server_to_client", anomaly.get("direction").asText());
        assertTrue(anomaly.get("frame").asInt() > upstream.get("response_frame").asInt());

        JsonNode bad = onPort(transactions("malformed-status-line"), expected("malformed-status-line").get("backend_port"));
        assertTrue(bad.get("status").isNull());
        assertEquals("http_bad_status_line", bad.get("anomalies").get(0).get("code").asText());
    }

    @Test
    void webSocketUpgradesShowTheSessionOutcome() throws IOException {
        for (JsonNode row : transactions("websocket-ok")) {
            assertEquals(101, row.get("status").asInt());
            assertEquals("websocket_upgraded", row.get("end").asText());
            JsonNode ws = row.get("websocket");
            assertEquals("closed_cleanly", ws.get("outcome").asText());
            assertTrue(ws.get("accept_valid").asBoolean());
            assertEquals(1000, ws.get("client_to_server").get("close_code").asInt());
            assertEquals(1000, ws.get("server_to_client").get("close_code").asInt());
        }
        JsonNode exp = expected("websocket-close-mid-handshake");
        List<JsonNode> rows = transactions("websocket-close-mid-handshake");
        JsonNode client = onPort(rows, exp.get("proxy_port"));
        assertEquals(502, client.get("status").asInt());
        assertEquals("rejected", client.get("websocket").get("outcome").asText(),
                "nginx forwarded Upgrade and Connection; the upstream broke the handshake");
        JsonNode upstream = onPort(rows, exp.get("backend_port"));
        assertTrue(upstream.get("status").isNull(), "the 101 head never completed");
        assertEquals("closed_early", upstream.get("end").asText());
    }
}
