package io.gatelens.capture.file;

import io.gatelens.capture.PacketSource;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Golden files written by tshark: for each capture in src/test/resources/io/gatelens/capture/file
 * (real ones written by tcpdump, dumpcap, editcap and mergecap, plus the hand-built
 * multi-section.pcapng), NAME.tshark.tsv holds tshark's frame.number, frame.time_epoch,
 * frame.cap_len, frame.len and frame.interface_id. The readers must agree exactly.
 *
 * <p>Regenerate (needs tshark; never edit the .tsv by hand), from capture/:
 * {@code mvn -B -q test -Dtest=TsharkGoldenTest -Dgatelens.regenerateGolden=true}
 */
class TsharkGoldenTest {
    static final String DIR = "/io/gatelens/capture/file/";
    static final List<String> CAPTURES = List.of("lo-tcpdump.pcap", "lo-nsec.pcap", "any-sll.pcap",
            "lo-dumpcap.pcapng.gz", "merged.pcapng", "multi-section.pcapng");
    private static final Path SOURCE_DIR = Path.of("src/test/resources/io/gatelens/capture/file");

    static byte[] resource(String name) throws IOException {
        try (InputStream in = TsharkGoldenTest.class.getResourceAsStream(DIR + name)) {
            assertNotNull(in, "missing test resource " + name);
            return in.readAllBytes();
        }
    }

    @Test
    void multiSectionResourceIsWhatTheTestBuilds() throws IOException {
        assertArrayEquals(PcapngReaderTest.multiSection(), resource("multi-section.pcapng"));
    }

    @TestFactory
    Stream<DynamicTest> readersAgreeWithTshark() throws Exception {
        if (Boolean.getBoolean("gatelens.regenerateGolden")) {
            regenerate();
        }
        return CAPTURES.stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            List<String> golden = new String(resource(name + ".tshark.tsv"), StandardCharsets.UTF_8)
                    .lines().filter(l -> !l.isBlank()).toList();
            List<Frames.Copy> frames;
            try (PacketSource s = Frames.open(resource(name))) {
                frames = Frames.readAll(s);
            }
            assertTrue(golden.size() > 0, name + ": empty golden file");
            // Rows tshark numbers that are not packets (a custom block in multi-section.pcapng).
            List<Long> records = name.equals("multi-section.pcapng") ? List.of(3L) : List.of();
            assertEquals(golden.size(), frames.size() + records.size(), name + ": frame count");
            int next = 0;
            for (String row : golden) {
                String[] f = row.split("\t", -1);
                long number = Long.parseLong(f[0]);
                if (records.contains(number)) {
                    continue;
                }
                Frames.Copy c = frames.get(next++);
                String where = name + " frame " + number + " (" + row + ")";
                assertEquals(number, c.number(), where);
                // Simple Packet Blocks have no time: tshark prints nothing, we give the epoch.
                assertEquals(f[1].isEmpty() ? 0 : epochNanos(f[1]), c.epochNanos(), where + ": time");
                assertEquals(Integer.parseInt(f[2]), c.capturedLength(), where + ": cap_len");
                assertEquals(Integer.parseInt(f[3]), c.originalLength(), where + ": len");
                // pcap has no interface ids (tshark leaves the field empty). tshark 4.0 prints the
                // section-local id; the second section of multi-section.pcapng starts at file-wide
                // interface 2 (frames 4 on).
                int local = name.equals("multi-section.pcapng") && number >= 4
                        ? c.interfaceIndex() - 2 : c.interfaceIndex();
                assertEquals(f[4].isEmpty() ? 0 : Integer.parseInt(f[4]), local, where + ": interface");
            }
        }));
    }

    /** "1795426559.538758000" to nanoseconds, exactly (no floating point). */
    static long epochNanos(String s) {
        int dot = s.indexOf('.');
        String frac = dot < 0 ? "" : s.substring(dot + 1);
        String whole = dot < 0 ? s : s.substring(0, dot);
        frac = (frac + "000000000").substring(0, 9);
        return Long.parseLong(whole) * 1_000_000_000L + Long.parseLong(frac);
    }

    private static void regenerate() throws Exception {
        Files.write(SOURCE_DIR.resolve("multi-section.pcapng"), PcapngReaderTest.multiSection());
        for (String name : CAPTURES) {
            Path capture = SOURCE_DIR.resolve(name);
            Path out = SOURCE_DIR.resolve(name + ".tshark.tsv");
            Process p = new ProcessBuilder("tshark", "-r", capture.toString(), "-T", "fields",
                    "-e", "frame.number", "-e", "frame.time_epoch", "-e", "frame.cap_len",
                    "-e", "frame.len", "-e", "frame.interface_id", "-E", "separator=/t")
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .redirectOutput(out.toFile())
                    .start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("tshark timed out on " + name);
            }
            if (p.exitValue() != 0) {
                throw new IOException("tshark exited " + p.exitValue() + " on " + name);
            }
        }
        throw new IllegalStateException("golden files regenerated in " + SOURCE_DIR.toAbsolutePath()
                + "; review the diff and run again without -Dgatelens.regenerateGolden");
    }
}
