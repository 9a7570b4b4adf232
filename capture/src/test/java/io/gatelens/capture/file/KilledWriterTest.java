package io.gatelens.capture.file;

import io.gatelens.capture.PacketSource;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A writer killed with SIGKILL (no shutdown hook, no close) leaves a file that our reader and
 * tshark read to its last record without complaint: whatever was written went out as whole
 * records, and what was still in the buffer is simply not there.
 */
class KilledWriterTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} nanos={1}")
    @CsvSource({"PCAP,false", "PCAPNG,true"})
    void aKilledWriterLeavesAReadableFile(FileFormat format, boolean nanos) throws Exception {
        Path file = dir.resolve("killed-" + format);
        int flushed = 5000;
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                KilledWriterChild.class.getName(), file.toString(), format.name(), String.valueOf(nanos),
                String.valueOf(flushed))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            // Blocks until the child has flushed; the child ends by itself within 60 s if it hangs.
            assertEquals("flushed " + flushed, out.readLine());
            // Let it write on until it has flushed by itself at least once (buffer full or a
            // second old), then a little longer, so the kill finds records in its buffer.
            long flushedSize = Files.size(file);
            for (int polls = 0; polls < 600 && Files.size(file) == flushedSize; polls++) {
                Thread.sleep(50);
            }
            Thread.sleep(300);
        } finally {
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child did not die");
        }
        assertNotEquals(0, child.exitValue(), "killed, not finished");

        List<Frames.Copy> frames;
        try (PacketSource s = CaptureFiles.open(file)) {
            frames = Frames.readAll(s); // throws on a cut or damaged record
        }
        // What was flushed, and what the writer wrote out by itself before the kill.
        assertTrue(frames.size() > flushed, frames.size() + " frames");
        for (int i = 0; i < frames.size(); i++) {
            Frames.Copy f = frames.get(i);
            long t = CaptureFileWriterTest.time(i);
            assertEquals(nanos ? t : t / 1000 * 1000, f.epochNanos(), "frame " + (i + 1));
            assertArrayEquals(CaptureFileWriterTest.wire(i), f.data(), "frame " + (i + 1));
        }
        Tshark.require();
        assertEquals(frames.size(), Tshark.frameCount(file));
        assertTrue(Files.size(file) > 0);
    }
}
