package io.gatelens.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Which descriptors are terminals, from /proc's links (built here as plain symlinks) and the environment. */
class TerminalTest {
    private static Path fds(Path dir, String stdout, String stderr) throws IOException {
        Files.createSymbolicLink(dir.resolve("1"), Path.of(stdout));
        Files.createSymbolicLink(dir.resolve("2"), Path.of(stderr));
        return dir;
    }

    private static Terminal detect(Map<String, String> env, Path fds, boolean console) {
        return Terminal.detect(env, fds, () -> console, () -> 0L);
    }

    @Test
    void aPseudoTerminalIsOneAPipeOrFileIsNot(@TempDir Path dir) throws IOException {
        Path fds = fds(dir, "pipe:[40123]", "/dev/pts/3");
        Terminal t = detect(Map.of(), fds, true);
        assertTrue(t.stderrIsTerminal());
        assertFalse(t.stdoutIsTerminal(), "console() says yes, but /proc knows better");
        assertEquals(Boolean.TRUE, Terminal.isTerminalDevice(Files.createSymbolicLink(dir.resolve("c"), Path.of("/dev/ttyUSB-none"))));
        assertEquals(Boolean.FALSE, Terminal.isTerminalDevice(Files.createSymbolicLink(dir.resolve("n"), Path.of("socket:[77]"))));
        assertEquals(Boolean.FALSE, Terminal.isTerminalDevice(Files.createSymbolicLink(dir.resolve("f"), Path.of("/tmp/out.txt"))));
    }

    @Test
    void theEnvironmentOverridesAndDumbTerminalsGetNoLine(@TempDir Path dir) throws IOException {
        Path fds = fds(dir, "/dev/pts/3", "/dev/pts/3");
        assertTrue(detect(Map.of(), fds, false).stderrIsTerminal());
        assertFalse(detect(Map.of("GATELENS_PROGRESS", "0"), fds, false).stderrIsTerminal());
        assertFalse(detect(Map.of("TERM", "dumb"), fds, false).stderrIsTerminal());
        Path piped = fds(Files.createDirectory(dir.resolve("piped")), "pipe:[1]", "pipe:[2]");
        assertTrue(detect(Map.of("GATELENS_PROGRESS", "1", "TERM", "dumb"), piped, false).stderrIsTerminal());
    }

    /** Without /proc (macOS): the console decides. */
    @Test
    void withoutProcTheConsoleDecides(@TempDir Path dir) {
        Path none = dir.resolve("no-proc");
        assertTrue(detect(Map.of(), none, true).stderrIsTerminal());
        assertTrue(detect(Map.of(), none, true).stdoutIsTerminal());
        assertFalse(detect(Map.of(), none, false).stderrIsTerminal());
    }
}
