package io.gatelens.pipeline;

import io.gatelens.flow.FlowTable;
import io.gatelens.testing.ManyFrames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A large capture (read through memory mappings) cut shorter while the pass reads it: the pass
 * reports it as damage, with the frames read before it, as it does a file that was cut before.
 */
class CapturePassCutTest {
    @Test
    void aFileCutWhileThePassReadsItIsDamageNotAFailure(@TempDir Path dir) throws IOException {
        int n = 80_000;
        Path file = ManyFrames.write(dir.resolve("big.pcap"), n, false);
        long size = Files.size(file);
        assertTrue(size > 8 << 20, "big enough to be mapped: " + size);
        long cutTo = 2 << 20;
        boolean[] cut = {false};
        CaptureSummary s = new CapturePass(new FlowTable(FlowTable.DEFAULT_MAX_LIVE, c -> { }), null, (b, t, f) -> {
            if (cut[0]) return;
            cut[0] = true;
            try (FileChannel w = FileChannel.open(file, StandardOpenOption.WRITE)) {
                w.truncate(cutTo);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).run(file);
        assertTrue(cut[0]);
        assertNotNull(s.damage(), "the cut is reported");
        assertTrue(s.damage().getMessage().contains("cut"), s.damage().getMessage());
        assertTrue(s.frames() >= CapturePass.PROGRESS_EVERY && s.frames() < n, "frames read: " + s.frames());
    }
}
