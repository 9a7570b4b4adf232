package io.gatelens.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code analyze --follow} on a file another program is still writing: a real capture of nginx
 * appended in pieces that cut records, with pauses longer than the settle time between them.
 */
@Timeout(60)
class FollowCliTest {
    private static final Path CAPTURE = CliTest.CAPTURES.resolve("reset-after-request").resolve("capture.pcap");

    private static List<String> findings(String jsonLines) {
        return jsonLines.lines().filter(l -> l.startsWith("{\"type\":\"finding\"")).toList();
    }

    @Test
    void followingAFileWhileItIsWrittenSaysWhatAnalyzeSaysOfTheWholeFile(@TempDir Path dir) throws Exception {
        byte[] all = Files.readAllBytes(CAPTURE);
        Path growing = dir.resolve("growing.pcap");
        Thread writer = new Thread(() -> {
            try {
                Thread.sleep(300); // the follower starts before the file exists
                try (OutputStream out = Files.newOutputStream(growing)) {
                    int[] cuts = {10, 700, 1_301, all.length};
                    int from = 0;
                    for (int cut : cuts) {
                        out.write(all, from, cut - from);
                        out.flush();
                        from = cut;
                        Thread.sleep(cut == all.length ? 0 : 400);
                    }
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        writer.start();
        CliTest.Run followed = CliTest.run("analyze", "--follow", "--follow-idle", "1.5", "--format", "json", "-q",
                growing.toString());
        writer.join();
        CliTest.Run whole = CliTest.run("analyze", "--format", "json", CAPTURE.toString());
        assertEquals(whole.code(), followed.code(), followed.err());
        assertEquals(1, followed.code(), "an error-severity finding");
        assertTrue(!findings(whole.out()).isEmpty());
        assertEquals(findings(whole.out()), findings(followed.out()));
        assertTrue(followed.out().contains("{\"type\":\"summary\""), followed.out());
    }

    @Test
    void aRecordHalfWrittenWhenFollowingEndsIsLeftOutAndSaidSoNotDamage(@TempDir Path dir) throws Exception {
        byte[] all = Files.readAllBytes(CAPTURE);
        Path cut = dir.resolve("cut.pcap");
        Files.write(cut, java.util.Arrays.copyOf(all, all.length - 10));
        CliTest.Run r = CliTest.run("analyze", "--follow", "--follow-idle", "0.5", "--format", "json", "-q",
                cut.toString());
        assertTrue(r.code() <= 1, "not damage (3): " + r.code() + " " + r.err());
        assertTrue(r.err().contains("following ended (no growth for 0.5 s) while frame ")
                && r.err().contains("was still being written"), r.err());
        // The followed file grows no more, but a gzip one cannot be followed at all.
        Path gz = dir.resolve("x.pcap.gz");
        try (OutputStream out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz, StandardOpenOption.CREATE_NEW))) {
            out.write(all);
        }
        CliTest.Run g = CliTest.run("analyze", "--follow", "--follow-idle", "0.5", gz.toString());
        assertEquals(2, g.code(), g.err());
        assertTrue(g.err().contains("cannot be followed"), g.err());
    }
}
