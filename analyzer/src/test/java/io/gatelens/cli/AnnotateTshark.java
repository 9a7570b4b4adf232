package io.gatelens.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * tshark as the independent reader of annotated captures: what Wireshark users will see. CI
 * installs it, so there its absence fails; elsewhere the tshark checks are skipped.
 */
final class AnnotateTshark {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AnnotateTshark() {}

    static void require() {
        boolean found = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, "tshark")));
        if (!found && "true".equals(System.getenv("CI"))) fail("CI=true but tshark is not installed");
        assumeTrue(found, "tshark not installed");
    }

    /** One frame as tshark shows it: each field's values (a field may repeat, as frame.comment does). */
    record Row(JsonNode layers) {
        List<String> all(String field) {
            List<String> out = new ArrayList<>();
            JsonNode v = layers.get(field);
            if (v != null) v.forEach(x -> out.add(x.asText()));
            return out;
        }

        String one(String field) {
            List<String> v = all(field);
            assertTrue(v.size() <= 1, field + " repeats: " + v);
            return v.isEmpty() ? "" : v.get(0);
        }

        long number() {
            return Long.parseLong(one("frame.number"));
        }

        /** frame.time_epoch in nanoseconds, exactly. */
        long epochNanos() {
            return new BigDecimal(one("frame.time_epoch")).movePointRight(9).longValueExact();
        }
    }

    /** {@code tshark -r file [-Y filter] -T json -e ...}: the frames, asserted to open cleanly. */
    static List<Row> frames(Path file, String filter, String... fields) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-n", "-r", file.toString(), "-T", "json"));
        if (filter != null) {
            cmd.add("-Y");
            cmd.add(filter);
        }
        for (String f : fields) {
            cmd.add("-e");
            cmd.add(f);
        }
        String out = run(cmd);
        List<Row> rows = new ArrayList<>();
        if (out.isBlank()) return rows;
        for (JsonNode n : JSON.readTree(out)) rows.add(new Row(n.get("_source").get("layers")));
        return rows;
    }

    /** {@code tshark -r file -x}: every frame's bytes as a hex dump, nothing else. */
    static String hexDump(Path file) throws IOException {
        return run(List.of("tshark", "-n", "-r", file.toString(), "-x"));
    }

    /** capinfos's report of {@code file}. */
    static String capinfos(Path file) throws IOException {
        return run(List.of("capinfos", file.toString()));
    }

    private static String run(List<String> cmd) throws IOException {
        Path out = Files.createTempFile("annotate-tshark", ".out");
        Path err = Files.createTempFile("annotate-tshark", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            try {
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    fail(cmd + " timed out");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
                throw new IOException("interrupted", e);
            }
            List<String> complaints = Files.readString(err, StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("Running as user")).toList();
            assertEquals(List.of(), complaints, String.join(" ", cmd));
            assertEquals(0, p.exitValue(), String.join(" ", cmd));
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
