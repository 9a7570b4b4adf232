package io.gatelens.cli;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.select.Elements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static io.gatelens.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.*;

/** gatelens report as a user meets it on the command line; the page as written (the browser tests open it). */
class ReportCliTest {
    @TempDir
    Path dir;

    private static String capture(String scenario) {
        return CliTest.CAPTURES.resolve(scenario).resolve("capture.pcap").toString();
    }

    private static Document parse(Path page) throws IOException {
        return Jsoup.parse(Files.readString(page));
    }

    @Test
    void exitCodesAsAnalyzesAndOneLineOnStandardOutput() throws IOException {
        Path out = dir.resolve("r.html");
        CliTest.Run bad = run("report", "--max-timelines", "0", "-o", out.toString(), capture("reset-after-request"));
        assertEquals(ExitCodes.PROBLEMS_FOUND, bad.code(), bad.err());
        assertEquals("", bad.err());
        assertTrue(bad.out().startsWith("gatelens: wrote " + out + " ("), bad.out());
        assertTrue(bad.out().contains("2 exchanges (2 listed), 1 client-facing failures, 1 findings"), bad.out());
        assertEquals(1, bad.out().strip().lines().count());

        CliTest.Run good = run("report", "--max-timelines", "0", "-o", out.toString(), capture("healthy-keepalive"));
        assertEquals(ExitCodes.OK, good.code(), good.err());
        Document d = parse(out);
        assertEquals("12", d.selectFirst("#h-exchanges").text(), "the file was replaced");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(out), files.toList(), "no temporary file left beside it");
        }
    }

    @Test
    void usageErrorsExitTwoAndWriteNothing() throws IOException {
        String c = capture("reset-after-request");
        CliTest.Run noOut = run("report", c);
        assertEquals(ExitCodes.USAGE_OR_UNREADABLE, noOut.code());
        assertTrue(noOut.err().contains("-o"), noOut.err());

        CliTest.Run noDir = run("report", "-o", dir.resolve("nowhere/r.html").toString(), c);
        assertEquals(ExitCodes.USAGE_OR_UNREADABLE, noDir.code());
        assertTrue(noDir.err().contains("no such directory"), noDir.err());

        CliTest.Run isDir = run("report", "-o", dir.toString(), c);
        assertEquals(ExitCodes.USAGE_OR_UNREADABLE, isDir.code());
        assertTrue(isDir.err().contains("is a directory"), isDir.err());

        for (String[] opt : List.of(new String[] {"--max-exchanges", "-1"}, new String[] {"--max-timelines", "-1"})) {
            CliTest.Run r = run("report", opt[0], opt[1], "-o", dir.resolve("r.html").toString(), c);
            assertEquals(ExitCodes.USAGE_OR_UNREADABLE, r.code(), opt[0]);
            assertTrue(r.err().contains(opt[0] + " must not be negative"), r.err());
        }

        CliTest.Run missing = run("report", "-o", dir.resolve("r.html").toString(), dir.resolve("none.pcap").toString());
        assertEquals(ExitCodes.USAGE_OR_UNREADABLE, missing.code());
        assertTrue(missing.err().contains("no such file"), missing.err());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(0, files.count(), "nothing written");
        }
    }

    @Test
    void aDamagedCaptureExitsThreeAndThePageSaysSo() throws IOException {
        byte[] whole = Files.readAllBytes(Path.of(capture("reset-after-request")));
        Path cut = Files.write(dir.resolve("cut.pcap"), Arrays.copyOf(whole, whole.length - 10));
        Path out = dir.resolve("cut.html");
        CliTest.Run r = run("report", "--max-timelines", "0", "-o", out.toString(), cut.toString());
        assertEquals(ExitCodes.INPUT_DAMAGED, r.code());
        assertTrue(r.err().contains("cut.pcap"), r.err());
        Element notes = parse(out).selectFirst("#notes");
        assertNotNull(notes);
        assertTrue(notes.text().contains("The capture is damaged"), notes.text());
    }

    @Test
    void failedExchangesDisplaceHealthyOnesWhenTheListIsFull() throws IOException {
        // keepalive-race-post completes, in this order: an upstream 200, the client's 200, the
        // upstream POST reset, the client's 502.
        Path out = dir.resolve("r.html");
        run("report", "--max-timelines", "0", "--max-exchanges", "3", "-o", out.toString(), capture("keepalive-race-post"));
        Document d = parse(out);
        Elements rows = d.select("#exchanges tbody tr");
        assertEquals(3, rows.size());
        assertEquals(List.of("0", "1", "1"), rows.stream().map(e -> e.attr("data-failed")).toList());
        assertEquals("200", rows.get(0).attr("data-status"));
        assertEquals("upstream", rows.get(0).attr("data-leg"), "the first healthy one stays");
        assertEquals("Showing 3 of 4 exchanges (at most 3, --max-exchanges): all 2 failed ones and the first 1 other."
                + " In order of completion; times are UTC.", d.selectFirst("#exchanges-note").text());

        run("report", "--max-timelines", "0", "--max-exchanges", "1", "-o", out.toString(), capture("keepalive-race-post"));
        d = parse(out);
        assertEquals(1, d.select("#exchanges tbody tr").size());
        assertEquals("1", d.selectFirst("#exchanges tbody tr").attr("data-failed"));
        assertTrue(d.selectFirst("#exchanges-note").text().contains("the first 1 of 2 failed ones"), d.selectFirst("#exchanges-note").text());

        run("report", "--max-timelines", "0", "--max-exchanges", "0", "-o", out.toString(), capture("keepalive-race-post"));
        d = parse(out);
        assertEquals(0, d.select("#exchanges tbody tr").size());
        assertEquals("4", d.selectFirst("#h-exchanges").text(), "counted all the same");
    }

    @Test
    void helpNamesEveryOption() {
        CliTest.Run h = run("report", "--help");
        assertEquals(0, h.code());
        for (String o : List.of("-o", "--show-secrets", "--max-timelines", "--max-exchanges", "--proxy", "--upstream",
                "--proxy-buffer-size", "--max-connections", "--quiet")) {
            assertTrue(h.out().contains(o), o);
        }
    }
}
