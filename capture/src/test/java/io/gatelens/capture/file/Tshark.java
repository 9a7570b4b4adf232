package io.gatelens.capture.file;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * tshark and capinfos as independent readers of the files the writers produce. CI installs
 * Wireshark's tools: there their absence fails, elsewhere it skips.
 */
final class Tshark {
    private static Boolean available;

    private Tshark() {}

    record Result(int exit, String out, String err) {
        /** stderr without the warning every run as root prints. */
        List<String> complaints() {
            return err.lines().filter(l -> !l.isBlank() && !l.startsWith("Running as user")).toList();
        }
    }

    static void require() {
        if (available == null) {
            try {
                available = run(List.of("tshark", "--version")).exit() == 0;
            } catch (IOException e) {
                available = false;
            }
        }
        if (!available && "true".equals(System.getenv("CI"))) {
            fail("CI=true but tshark is not installed");
        }
        assumeTrue(available, "tshark not installed");
    }

    /** tshark's fields for every frame of {@code file}; fails on any complaint (a cut file exits 2). */
    static List<String[]> fields(Path file, String... fields) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-n", "-r", file.toString(), "-T", "fields",
                "-E", "separator=/t"));
        for (String f : fields) {
            cmd.add("-e");
            cmd.add(f);
        }
        Result r = run(cmd);
        assertEquals(List.of(), r.complaints(), "tshark on " + file);
        assertEquals(0, r.exit(), "tshark exit on " + file);
        List<String[]> rows = new ArrayList<>();
        r.out().lines().filter(l -> !l.isEmpty()).forEach(l -> rows.add(l.split("\t", -1)));
        return rows;
    }

    /** capinfos's report of {@code file}, asserted clean. */
    static String capinfos(Path file) throws IOException {
        Result r = run(List.of("capinfos", file.toString()));
        assertEquals(List.of(), r.complaints(), "capinfos on " + file);
        assertEquals(0, r.exit(), "capinfos exit on " + file);
        return r.out();
    }

    /** Opens cleanly in tshark: exit 0, nothing on stderr. Returns the number of frames. */
    static int frameCount(Path file) throws IOException {
        return fields(file, "frame.number").size();
    }

    static Result run(List<String> cmd) throws IOException {
        Path out = Files.createTempFile("tshark", ".out");
        Path err = Files.createTempFile("tshark", ".err");
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
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    static void assertOpensCleanly(Path file, int frames) throws IOException {
        assertEquals(frames, frameCount(file), "tshark frames in " + file);
        assertTrue(Files.size(file) > 0);
    }
}
