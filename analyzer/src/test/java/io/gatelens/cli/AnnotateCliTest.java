package io.gatelens.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatelens.capture.CaptureInterface;
import io.gatelens.capture.Frame;
import io.gatelens.capture.PacketSource;
import io.gatelens.capture.file.CaptureFiles;
import io.gatelens.capture.file.PcapngReader;
import io.gatelens.testing.RecordedCaptures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static io.gatelens.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code gatelens annotate} on the recorded captures: the copy holds every frame as it was, and
 * the frames that carry a gatelens comment are exactly those {@code analyze}'s findings cite,
 * each with the comments of the findings citing it, in analyze's order.
 */
class AnnotateCliTest {
    private final ObjectMapper json = new ObjectMapper();

    static Stream<Path> captures() {
        return RecordedCaptures.files().stream();
    }

    private static Path capture(String scenario) {
        Path dir = RecordedCaptures.DIR.resolve(scenario);
        Path pcap = dir.resolve("capture.pcap");
        return Files.exists(pcap) ? pcap : dir.resolve("capture.pcapng");
    }

    /** One comment analyze's findings call for: how it begins, and the explanation it quotes from. */
    record Expected(String prefix, String explanation) {
        void check(String comment) {
            assertTrue(comment.startsWith(prefix + " \u2014 "), "expected " + prefix + "\n got " + comment);
            String sentence = comment.substring(prefix.length() + 3);
            assertFalse(sentence.isEmpty(), comment);
            assertTrue(explanation.startsWith(sentence), "the explanation begins with " + sentence);
        }
    }

    record Analyzed(int code, Map<Long, List<Expected>> comments, int findings) {}

    /**
     * The comments {@code analyze --format json} implies, by frame: finding N (in output order)
     * on each of its evidence frames and on its client_frame.
     */
    private Analyzed analyze(Path file) throws IOException {
        CliTest.Run r = run("analyze", "--format", "json", file.toString());
        Map<Long, List<Expected>> comments = new TreeMap<>();
        int n = 0;
        for (String line : r.out().split("\n")) {
            if (line.isBlank()) continue;
            JsonNode row = json.readTree(line);
            if (!row.get("type").asText().equals("finding")) continue;
            n++;
            String head = "gatelens: finding " + n + " " + row.get("cause").asText() + " ("
                    + row.get("severity").asText() + "): ";
            String explanation = row.get("explanation").asText();
            List<Long> frames = new ArrayList<>();
            for (JsonNode e : row.get("evidence")) {
                frames.add(e.get("frame").asLong());
                comments.computeIfAbsent(e.get("frame").asLong(), k -> new ArrayList<>())
                        .add(new Expected(head + e.get("what").asText(), explanation));
            }
            assertEquals(frames.toString(), row.get("frames").toString().replace(",", ", "));
            JsonNode client = row.get("client_frame");
            if (!client.isNull() && !frames.contains(client.asLong())) {
                JsonNode status = row.get("client_status");
                comments.computeIfAbsent(client.asLong(), k -> new ArrayList<>()).add(new Expected(head
                        + (status.isNull() ? "the client got no valid status line here" : "the client got " + status.asInt() + " here"),
                        explanation));
            }
        }
        return new Analyzed(r.code(), comments, n);
    }

    private static CliTest.Run annotate(Path in, Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("annotate", in.toString(), "-o", out.toString()));
        args.addAll(List.of(more));
        return run(args.toArray(String[]::new));
    }

    /** Frames as our reader returns them, bytes copied; and the interfaces. */
    record Read(List<Frame> frames, List<byte[]> data, List<String> firstComments, List<CaptureInterface> interfaces) {}

    private static Read read(Path file) throws IOException {
        List<Frame> frames = new ArrayList<>();
        List<byte[]> data = new ArrayList<>();
        List<String> comments = new ArrayList<>();
        try (PacketSource s = CaptureFiles.open(file)) {
            Frame f = new Frame();
            while (s.next(f)) {
                byte[] d = Arrays.copyOfRange(f.buffer(), f.offset(), f.offset() + f.capturedLength());
                Frame c = new Frame();
                c.set(f.number(), f.epochNanos(), f.interfaceIndex(), f.linkTypeCode(), d, 0, f.capturedLength(),
                        f.originalLength(), 0);
                frames.add(c);
                data.add(d);
                comments.add(s instanceof PcapngReader r ? r.lastComment() : null);
            }
            return new Read(frames, data, comments, List.copyOf(s.interfaces()));
        }
    }

    /** Frame by frame: number, time to the nanosecond, lengths, link type, interface and bytes. */
    private static void assertSameFrames(Read in, Read out, int count) {
        assertEquals(count, out.frames().size());
        for (int i = 0; i < count; i++) {
            Frame a = in.frames().get(i), b = out.frames().get(i);
            String where = "frame " + a.number();
            assertEquals(a.number(), b.number(), where);
            assertEquals(a.epochNanos(), b.epochNanos(), where);
            assertEquals(a.capturedLength(), b.capturedLength(), where);
            assertEquals(a.originalLength(), b.originalLength(), where);
            assertEquals(a.linkTypeCode(), b.linkTypeCode(), where);
            assertEquals(a.interfaceIndex(), b.interfaceIndex(), where);
            assertArrayEquals(in.data().get(i), out.data().get(i), where);
        }
        assertEquals(in.interfaces(), out.interfaces(), "link type, snaplen, name, description, filter");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void everyFrameIsCopiedAndTheCitedFramesAreCommented(Path file, @TempDir Path dir) throws IOException {
        Analyzed analyzed = analyze(file);
        Path out = dir.resolve("annotated.pcapng");
        CliTest.Run r = annotate(file, out);
        assertEquals(analyzed.code(), r.code(), "exit code as analyze's: " + r.err());
        assertEquals("", r.err());

        Read in = read(file);
        Read copy = read(out);
        assertSameFrames(in, copy, in.frames().size());
        Map<Long, String> commented = new TreeMap<>();
        for (int i = 0; i < copy.frames().size(); i++) {
            String c = copy.firstComments().get(i);
            if (c != null) commented.put(copy.frames().get(i).number(), c);
        }
        assertEquals(analyzed.comments().keySet(), commented.keySet(), "the frames the findings cite");
        // Our reader returns a frame's first comment: the lowest-numbered finding citing it.
        analyzed.comments().forEach((frame, expected) -> expected.get(0).check(commented.get(frame)));

        int comments = analyzed.comments().values().stream().mapToInt(List::size).sum();
        String line = r.out().strip();
        assertTrue(line.startsWith("wrote " + out + ": " + in.frames().size() + " frames, "), line);
        if (analyzed.findings() == 0) {
            assertTrue(line.endsWith("no comments (no findings)"), line);
        } else {
            assertTrue(line.contains(", " + comments + " comment" + (comments == 1 ? "" : "s") + " on "
                    + analyzed.comments().size() + " frame"), line);
            assertTrue(line.contains(" from " + analyzed.findings() + " finding"), line);
        }
        assertEquals(List.of(out), listing(dir), "no temporary file left");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"reset-after-request", "keepalive-race", "pcapng-dumpcap", "any-interface-sll2",
            "client-leg-only", "healthy-keepalive", "haproxy-backend-port-closed", "slow-backend-504"})
    void tsharkListsTheCommentsOnTheCitedFramesAndSeesEveryFrameUnchanged(String scenario, @TempDir Path dir)
            throws IOException {
        Path file = capture(scenario);
        Analyzed analyzed = analyze(file);
        Path out = dir.resolve(scenario + ".pcapng");
        CliTest.Run r = annotate(file, out);
        assertEquals(analyzed.code(), r.code(), r.err());

        AnnotateTshark.require();
        Map<Long, List<String>> listed = new TreeMap<>();
        for (AnnotateTshark.Row row : AnnotateTshark.frames(out, "frame.comment contains \"gatelens\"",
                "frame.number", "frame.comment")) {
            assertNull(listed.put(row.number(), row.all("frame.comment")));
        }
        assertEquals(analyzed.comments().keySet(), listed.keySet(), "the frames the findings cite");
        for (Map.Entry<Long, List<Expected>> e : analyzed.comments().entrySet()) {
            List<String> got = listed.get(e.getKey());
            assertEquals(e.getValue().size(), got.size(), "frame " + e.getKey() + ": " + got);
            for (int i = 0; i < got.size(); i++) e.getValue().get(i).check(got.get(i));
        }
        if (scenario.startsWith("healthy")) assertEquals(Map.of(), listed);

        String[] fields = {"frame.number", "frame.time_epoch", "frame.len", "frame.cap_len", "frame.encap_type",
                "frame.interface_name", "frame.interface_description", "frame.protocols"};
        List<AnnotateTshark.Row> before = AnnotateTshark.frames(file, null, fields);
        List<AnnotateTshark.Row> after = AnnotateTshark.frames(out, null, fields);
        assertEquals(before.size(), after.size());
        assertFalse(before.isEmpty());
        for (int i = 0; i < before.size(); i++) {
            AnnotateTshark.Row a = before.get(i), b = after.get(i);
            assertEquals(a.epochNanos(), b.epochNanos(), "frame " + a.number());
            for (String f : fields) {
                String want = a.one(f);
                // A pcap has no interface name; tshark calls a pcapng interface without one "unknown".
                if (f.equals("frame.interface_name") && want.isEmpty()) want = "unknown";
                assertEquals(want, b.one(f), f + " of frame " + a.number());
            }
        }
        assertEquals(AnnotateTshark.hexDump(file), AnnotateTshark.hexDump(out), "every frame's bytes");
        String info = AnnotateTshark.capinfos(out);
        assertTrue(info.contains("Capture application: gatelens "), info);
        assertTrue(info.contains("Capture comment:     gatelens annotate " + file.getFileName() + ": "), info);
    }

    @Test
    void aFileCutMidRecordGivesTheFramesBeforeTheCutAndExitsThree(@TempDir Path dir) throws IOException {
        Path whole = capture("reset-after-request");
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = Files.write(dir.resolve("cut.pcap"), Arrays.copyOf(bytes, bytes.length - 10));
        Read in = read(whole);
        int frames = in.frames().size();
        Analyzed analyzed = analyze(whole);
        assertTrue(analyzed.comments().keySet().stream().allMatch(f -> f < frames), "the finding is before the cut");

        Path out = dir.resolve("out.pcapng");
        CliTest.Run r = annotate(cut, out);
        assertEquals(ExitCodes.INPUT_DAMAGED, r.code());
        assertTrue(r.err().contains("cut.pcap"), r.err());
        assertTrue(r.err().contains("frame " + frames), r.err());
        assertTrue(r.err().contains("results cover the " + (frames - 1) + " frames before it"), r.err());
        assertFalse(r.err().contains("changed while read"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
        assertTrue(r.out().startsWith("wrote " + out + ": " + (frames - 1) + " frames, "), r.out());

        Read copy = read(out);
        assertSameFrames(in, copy, frames - 1);
        for (int i = 0; i < copy.frames().size(); i++) {
            long n = copy.frames().get(i).number();
            List<Expected> expected = analyzed.comments().get(n);
            if (expected == null) assertNull(copy.firstComments().get(i));
            else expected.get(0).check(copy.firstComments().get(i));
        }
        assertEquals(List.of(cut, out), listing(dir));
    }

    @Test
    void theInputItselfIsRefusedAndLeftAlone(@TempDir Path dir) throws IOException {
        Path in = Files.copy(capture("reset-after-request"), dir.resolve("in.pcap"));
        byte[] before = Files.readAllBytes(in);
        Path link = Files.createSymbolicLink(dir.resolve("link.pcap"), in.getFileName());
        for (Path same : List.of(in, dir.resolve(".").resolve("in.pcap"), link)) {
            CliTest.Run r = annotate(in, same);
            assertEquals(ExitCodes.USAGE_OR_UNREADABLE, r.code(), same.toString());
            assertTrue(r.err().contains("is FILE itself"), r.err());
            assertEquals("", r.out());
        }
        CliTest.Run viaLink = annotate(link, in);
        assertEquals(ExitCodes.USAGE_OR_UNREADABLE, viaLink.code());
        assertArrayEquals(before, Files.readAllBytes(in));
        assertEquals(List.of(in, link), listing(dir));
    }

    @Test
    void outputProblemsAreUsageErrorsAndAFailedRunLeavesAnExistingOutputAsItWas(@TempDir Path dir) throws IOException {
        Path in = capture("reset-after-request");
        CliTest.Run noOut = run("annotate", in.toString());
        assertEquals(ExitCodes.USAGE_OR_UNREADABLE, noOut.code());
        assertTrue(noOut.err().contains("--output"), noOut.err());

        CliTest.Run noDir = annotate(in, dir.resolve("missing").resolve("out.pcapng"));
        assertEquals(ExitCodes.USAGE_OR_UNREADABLE, noDir.code());
        assertTrue(noDir.err().contains("no such directory"), noDir.err());

        CliTest.Run isDir = annotate(in, dir);
        assertEquals(ExitCodes.USAGE_OR_UNREADABLE, isDir.code());
        assertTrue(isDir.err().contains("is a directory"), isDir.err());

        Path out = Files.writeString(dir.resolve("out.pcapng"), "an earlier result");
        Path notCapture = Files.writeString(dir.resolve("page.pcap"), "<html>not a capture</html>");
        CliTest.Run bad = annotate(notCapture, out);
        assertEquals(ExitCodes.USAGE_OR_UNREADABLE, bad.code());
        assertEquals(1, bad.err().strip().lines().count(), bad.err());
        assertEquals("an earlier result", Files.readString(out));

        CliTest.Run missing = annotate(dir.resolve("nope.pcap"), out);
        assertEquals(ExitCodes.USAGE_OR_UNREADABLE, missing.code());
        assertTrue(missing.err().contains("nope.pcap"), missing.err());
        assertEquals(List.of(out, notCapture), listing(dir));

        CliTest.Run ok = annotate(in, out);
        assertEquals(ExitCodes.PROBLEMS_FOUND, ok.code(), ok.err());
        assertEquals(read(in).frames().size(), read(out).frames().size(), "replaced");
        assertEquals(List.of(out, notCapture), listing(dir));
    }

    @Test
    void theDiagnosisOptionsAreAnalyzesOwn(@TempDir Path dir) throws IOException {
        Path in = capture("reset-after-request");
        Path out = dir.resolve("out.pcapng");
        CliTest.Run r = annotate(in, out, "--upstream", "10.9.9.9:1", "--proxy-buffer-size", "8192");
        CliTest.Run a = run("analyze", in.toString(), "--upstream", "10.9.9.9:1", "--proxy-buffer-size", "8192");
        assertEquals(a.code(), r.code());
        assertTrue(r.err().contains("10.9.9.9:1 matched no server endpoint in the capture"), r.err());
        assertEquals(ExitCodes.USAGE_OR_UNREADABLE, annotate(in, out, "--proxy-buffer-size", "0").code());
        CliTest.Run help = run("annotate", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("Usage: gatelens annotate"), help.out());
    }

    private static List<Path> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }
}
