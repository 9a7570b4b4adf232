package io.gatelens.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatelens.capture.Frame;
import io.gatelens.capture.PacketSource;
import io.gatelens.capture.decode.DecodedPacket;
import io.gatelens.capture.decode.PacketDecoder;
import io.gatelens.capture.file.CaptureFiles;
import io.gatelens.capture.file.PcapWriter;
import io.gatelens.finding.Finding;
import io.gatelens.pipeline.StandInDiagnosis;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The committed real captures, and what runs them through the correlation. */
final class Fixtures {
    static final Path CAPTURES = Path.of("..", "fixtures", "captures");

    record Scenario(String name, Path capture, JsonNode expected) {
        int proxyPort() { return expected.get("proxy_port").asInt(); }
        int backendPort() { return expected.get("backend_port").asInt(); }
        String proxy() { return "127.0.0.1:" + proxyPort(); }
        String backend() { return "127.0.0.1:" + backendPort(); }
        String proxyKind() { return expected.get("proxy").asText(); }

        /** Which legs the harness captured: "client" (client to proxy), "upstream" (proxy to backend). */
        boolean hasLeg(String leg) {
            for (JsonNode n : expected.get("capture_legs")) if (n.asText().equals(leg)) return true;
            return false;
        }

        boolean bothLegs() { return hasLeg("client") && hasLeg("upstream"); }

        /** The causes the harness recorded for the scenario's failing requests. */
        List<String> expectedCauses() {
            List<String> out = new ArrayList<>();
            for (JsonNode n : expected.get("expected_causes")) out.add(n.asText());
            return out;
        }

        /** The requests whose client got a 5xx, no valid status line, or a cut body. */
        List<JsonNode> failedRequests() {
            List<JsonNode> out = new ArrayList<>();
            for (JsonNode r : expected.get("requests")) {
                boolean noStatus = r.get("status").isNull();
                if (noStatus || r.get("status").asInt() >= 500 || !r.get("body_complete").asBoolean()) out.add(r);
            }
            return out;
        }

        @Override
        public String toString() { return name; }
    }

    static Stream<Scenario> scenarios() throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Scenario> out = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(CAPTURES)) {
            for (Path d : dirs.sorted().toList()) {
                JsonNode expected = json.readTree(d.resolve("expected.json").toFile());
                out.add(new Scenario(d.getFileName().toString(), d.resolve(expected.get("capture_file").asText()), expected));
            }
        }
        return out.stream();
    }

    record Run(List<Finding> findings, AnalysisSummary summary, FakeDetector detector) {
        RoleDecision role(String endpoint) {
            for (RoleDecision d : summary.roles()) if (d.endpoint().equals(endpoint)) return d;
            return null;
        }

        long errors() {
            return findings.stream().filter(f -> f.severity() == io.gatelens.anomaly.Severity.ERROR).count();
        }
    }

    static Run run(Path capture, boolean findingBeforeRow, List<EndpointPattern> proxies,
                   List<EndpointPattern> upstreams, CorrelationLimits limits) throws IOException {
        List<Finding> findings = new ArrayList<>();
        ProxyCorrelator pc = new ProxyCorrelator(new Roles(proxies, upstreams, limits.maxEndpoints()), limits, findings::add);
        FakeDetector fake = new FakeDetector(pc, findingBeforeRow);
        StandInDiagnosis.run(capture, fake);
        pc.finish();
        return new Run(findings, pc.summary(), fake);
    }

    static Run run(Path capture) throws IOException {
        return run(capture, false, List.of(), List.of(), CorrelationLimits.DEFAULT);
    }

    /**
     * The capture cut down to one leg: only the frames with {@code port} as source or destination,
     * as `tcpdump port N` on the proxy host would have written it. Frames are renumbered.
     */
    static Path onePort(Path capture, int port, Path out) throws IOException {
        try (PacketSource in = CaptureFiles.open(capture); OutputStream os = Files.newOutputStream(out)) {
            Frame frame = new Frame();
            DecodedPacket p = new DecodedPacket();
            PacketDecoder decoder = new PacketDecoder();
            PcapWriter w = null;
            while (in.next(frame)) {
                if (w == null) w = new PcapWriter(os, frame.linkTypeCode(), 262144, true);
                decoder.decode(frame, p);
                if (p.isTcp() && (p.srcPort() == port || p.dstPort() == port)) w.write(frame);
            }
            if (w != null) w.flush();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return out;
    }

    private Fixtures() {}
}
