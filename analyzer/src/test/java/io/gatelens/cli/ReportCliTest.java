package io.gatelens.cli;

import io.gatelens.finding.Evidence;
import io.gatelens.timeline.Lane;
import io.gatelens.timeline.Timeline;
import io.gatelens.timeline.Timelines;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.select.Elements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
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

        Path copy = Files.copy(Path.of(c), dir.resolve("c.pcap"));
        CliTest.Run itself = run("report", "-o", copy.toString(), copy.toString());
        assertEquals(ExitCodes.USAGE_OR_UNREADABLE, itself.code());
        assertTrue(itself.err().contains("is the capture itself"), itself.err());
        assertArrayEquals(Files.readAllBytes(Path.of(c)), Files.readAllBytes(copy), "the capture untouched");
        Files.delete(copy);

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
    void everyRecordedFailureIsDrawnAsTheTimelineBuilderMadeIt() throws Exception {
        List<Path> scenarios;
        try (Stream<Path> s = Files.list(CliTest.CAPTURES)) {
            scenarios = s.sorted().toList();
        }
        int drawn = 0;
        for (Path scenario : scenarios) {
            Path capture;
            try (Stream<Path> s = Files.list(scenario)) {
                capture = s.filter(p -> p.getFileName().toString().startsWith("capture.")).findFirst().orElse(null);
            }
            if (capture == null) continue;
            String name = scenario.getFileName().toString();
            List<Timeline> expected = Timelines.forFailures(capture, io.gatelens.report.HtmlReport.DEFAULT_MAX_TIMELINES);
            Path out = dir.resolve(name + ".html");
            CliTest.Run r = run("report", "-o", out.toString(), capture.toString());
            assertTrue(r.code() <= ExitCodes.PROBLEMS_FOUND, name + ": " + r.err());
            String html = Files.readString(out);
            Document d = Jsoup.parse(html);
            Elements svgs = d.select("svg.swimlane");
            assertEquals(expected.size(), svgs.size(), name);
            List<String> raw = svgMarkup(html);
            for (int i = 0; i < expected.size(); i++) {
                Timeline tl = distinctLanes(expected.get(i));
                Element svg = svgs.get(i);
                // Well-formed as XML, whatever the capture held.
                DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
                f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
                f.newDocumentBuilder().parse(new java.io.ByteArrayInputStream(raw.get(i).getBytes(StandardCharsets.UTF_8)));

                Elements lanes = svg.select("g.lane");
                assertEquals(tl.lanes().size(), lanes.size(), name);
                for (int l = 0; l < lanes.size(); l++) {
                    Lane lane = tl.lanes().get(l);
                    assertEquals(String.valueOf(lane.connection()), lanes.get(l).attr("data-connection"), name);
                    assertEquals(lane.role() == null ? "unknown" : lane.role().id(), lanes.get(l).attr("data-role"), name);
                    assertEquals(lane.events().size(), lanes.get(l).select("g.ev").size(), name);
                }
                // Both legs where the capture has them: the client's connection on top.
                if (tl.lanes().size() > 1) {
                    assertEquals("proxy", lanes.get(0).attr("data-role"), name);
                    for (int l = 1; l < lanes.size(); l++) assertEquals("upstream", lanes.get(l).attr("data-role"), name);
                }
                // Each finding's evidence frames ringed, where a drawn event holds them.
                assertEquals(tl.findings().size(), svg.select("g.finding-marks").size(), name);
                for (Timeline.Numbered n : tl.findings()) {
                    Element marks = svg.selectFirst("g.finding-marks[data-finding=" + n.number() + "]");
                    assertNotNull(marks, name);
                    for (Evidence e : n.finding().evidence()) {
                        if (!held(tl, e.frame())) continue;
                        assertNotNull(marks.selectFirst("circle.ring[data-frame=" + e.frame() + "]"),
                                name + ": frame " + e.frame() + " of finding " + n.number());
                    }
                }
                drawn++;
            }
        }
        assertTrue(drawn >= 20, "the recorded 5xx scenarios are drawn: " + drawn);
    }

    /** A connection is one lane, even when the builder lists it twice (client-leg-only's unexplained 502 did). */
    private static Timeline distinctLanes(Timeline tl) {
        List<Lane> lanes = new ArrayList<>();
        for (Lane l : tl.lanes()) {
            if (lanes.stream().noneMatch(k -> k.connection() == l.connection())) lanes.add(l);
        }
        return new Timeline(lanes, tl.findings(), tl.note());
    }

    private static boolean held(Timeline tl, long frame) {
        for (Lane l : tl.lanes()) {
            for (var e : l.events()) if (e.frame() <= frame && frame <= e.lastFrame()) return true;
        }
        return false;
    }

    /** Each swim-lane SVG as written, for an XML parser. */
    private static List<String> svgMarkup(String html) {
        List<String> out = new ArrayList<>();
        for (int at = html.indexOf("<svg class=\"swimlane\""); at >= 0; at = html.indexOf("<svg class=\"swimlane\"", at + 1)) {
            out.add(html.substring(at, html.indexOf("</svg>", at) + "</svg>".length()));
        }
        return out;
    }

    @Test
    void maxTimelinesDrawsTheFirstAndSaysSo() throws IOException {
        Path out = dir.resolve("r.html");
        run("report", "--max-timelines", "1", "-o", out.toString(), capture("upstream-error-status"));
        Document d = parse(out);
        assertEquals(1, d.select("svg.swimlane").size());
        assertTrue(d.selectFirst("#failures-note").text().startsWith("The first 1 failures (--max-timelines) of 2 client-facing ones"),
                d.selectFirst("#failures-note").text());
        run("report", "--max-timelines", "0", "-o", out.toString(), capture("upstream-error-status"));
        d = parse(out);
        assertEquals(0, d.select("svg.swimlane").size());
        assertEquals("No timelines drawn (--max-timelines 0).", d.selectFirst("#failures-note").text());
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
