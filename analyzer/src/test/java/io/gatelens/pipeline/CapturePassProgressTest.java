package io.gatelens.pipeline;

import io.gatelens.flow.FlowTable;
import io.gatelens.testing.ManyFrames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The pass tells its progress every PROGRESS_EVERY frames, in bytes of the file as stored. */
class CapturePassProgressTest {
    record Report(long bytes, long total, long frames) {}

    private static List<Report> pass(Path file) throws IOException {
        List<Report> reports = new ArrayList<>();
        CaptureSummary s = new CapturePass(new FlowTable(FlowTable.DEFAULT_MAX_LIVE, c -> { }), null,
                (b, t, f) -> reports.add(new Report(b, t, f))).run(file);
        assertNull(s.damage());
        return reports;
    }

    @Test
    void everyIntervalOfFramesWithBytesOfTheFileSize(@TempDir Path dir) throws IOException {
        int n = 3 * CapturePass.PROGRESS_EVERY + 100;
        Path file = ManyFrames.write(dir.resolve("long.pcap"), n, false);
        long size = Files.size(file);
        List<Report> reports = pass(file);
        assertEquals(3, reports.size(), reports.toString());
        long before = 0;
        for (int i = 0; i < reports.size(); i++) {
            Report r = reports.get(i);
            assertEquals((i + 1L) * CapturePass.PROGRESS_EVERY, r.frames());
            assertEquals(size, r.total());
            assertTrue(r.bytes() > before && r.bytes() <= size, r.toString());
            before = r.bytes();
        }
        // One interval short of a report: none.
        Path shorter = ManyFrames.write(dir.resolve("short.pcap"), CapturePass.PROGRESS_EVERY - 1, false);
        assertEquals(List.of(), pass(shorter));
        Path exact = ManyFrames.write(dir.resolve("exact.pcap"), CapturePass.PROGRESS_EVERY, false);
        assertEquals(1, pass(exact).size());
    }

    /** Compressed bytes against the compressed size: the ratio, and so the time left, still holds. */
    @Test
    void aGzipFileCountsCompressedBytes(@TempDir Path dir) throws IOException {
        Path file = ManyFrames.write(dir.resolve("long.pcap.gz"), 2 * CapturePass.PROGRESS_EVERY + 1, true);
        long size = Files.size(file);
        List<Report> reports = pass(file);
        assertEquals(2, reports.size());
        for (Report r : reports) {
            assertEquals(size, r.total());
            assertTrue(r.bytes() > 0 && r.bytes() <= size, r + " of " + size);
        }
    }

    /** A pipe has no size: bytes read, total -1. */
    @Test
    void aPipeHasNoTotal(@TempDir Path dir) throws Exception {
        Path source = ManyFrames.write(dir.resolve("long.pcap"), 2 * CapturePass.PROGRESS_EVERY + 1, false);
        Path fifo = dir.resolve("fifo");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertTrue(mk.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, mk.exitValue());
        Thread writer = new Thread(() -> {
            try (OutputStream os = Files.newOutputStream(fifo)) {
                Files.copy(source, os);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        writer.setDaemon(true);
        writer.start();
        List<Report> reports = pass(fifo);
        writer.join(30_000);
        assertEquals(2, reports.size());
        for (Report r : reports) {
            assertEquals(-1, r.total());
            assertTrue(r.bytes() > 0 && r.bytes() <= Files.size(source));
        }
    }
}
