package io.gatelens.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatelens.testing.Chromium;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.select.Elements;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static io.gatelens.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code gatelens report} opened in a real browser (headless Chromium): the tests assert on the
 * page as rendered, after its script ran, on captures of real proxies from fixtures/ and on one
 * built to attack the page.
 */
class ReportBrowserTest {
    /** Screenshots are kept here, for people to look at. */
    private static final Path KEEP = Path.of("target", "html-report");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    private static Chromium chromium;

    @BeforeAll
    static void browser() throws IOException {
        Files.createDirectories(KEEP);
        chromium = Chromium.require(dir);
    }

    private static String capture(String scenario) {
        return CliTest.CAPTURES.resolve(scenario).resolve("capture.pcap").toString();
    }

    /** gatelens report, then the DOM Chromium made of the page. */
    private static Document open(Path page, String fragment) throws Exception {
        String dom = chromium.dumpDom(page, fragment);
        assertTrue(dom.contains("</html>"), dom);
        return Jsoup.parse(dom);
    }

    private static Path report(String name, String... args) {
        Path out = dir.resolve(name + ".html");
        List<String> cmd = new ArrayList<>(List.of("report", "-o", out.toString()));
        cmd.addAll(List.of(args));
        CliTest.Run r = run(cmd.toArray(String[]::new));
        assertTrue(r.code() == ExitCodes.OK || r.code() == ExitCodes.PROBLEMS_FOUND, r.out() + r.err());
        assertTrue(Files.exists(out));
        return out;
    }

    private static JsonNode analyzeSummary(String capture) throws IOException {
        CliTest.Run r = run("analyze", "--format", "json", capture);
        String[] lines = r.out().split("\n");
        return JSON.readTree(lines[lines.length - 1]);
    }

    private static List<JsonNode> analyzeRows(String capture, String type) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : run("analyze", "--format", "json", capture).out().split("\n")) {
            JsonNode n = JSON.readTree(line);
            if (n.path("type").asText().equals(type)) out.add(n);
        }
        return out;
    }

    private static long number(Document d, String selector) {
        Element e = d.selectFirst(selector);
        assertNotNull(e, selector);
        return Long.parseLong(e.text().replace(",", ""));
    }

    @Test
    void theHeadlineTablesAndChartAreAnalyzesOnTheSameCapture() throws Exception {
        String capture = capture("keepalive-race-post");
        Document d = open(report("race", capture), null);
        JsonNode s = analyzeSummary(capture);

        assertEquals(s.get("exchanges").asLong(), number(d, "#h-exchanges"));
        assertEquals(s.get("client_failures").asLong(), number(d, "#h-failures"));
        assertEquals(s.get("findings").asLong(), number(d, "#h-findings"));
        assertEquals(s.get("errors").asLong(), number(d, "#h-errors"));
        assertEquals(s.get("warnings").asLong(), number(d, "#h-warnings"));
        assertEquals(s.get("infos").asLong(), number(d, "#h-infos"));
        Element counts = d.selectFirst("#h-counts");
        assertEquals(s.get("client_exchanges").asText(), counts.attr("data-client-exchanges"));
        assertEquals(s.get("upstream_exchanges").asText(), counts.attr("data-upstream-exchanges"));
        Elements statuses = d.select("#headline .statuses li[data-status]");
        assertEquals(s.get("client_5xx").size(), statuses.size());
        for (Element li : statuses) {
            assertEquals(s.get("client_5xx").get(li.attr("data-status")).asLong(),
                    Long.parseLong(li.selectFirst(".count").text().replace(",", "")));
        }
        // Causes, most frequent first, as analyze counts them.
        Elements causes = d.select("#causes-table tbody tr");
        Iterator<Map.Entry<String, JsonNode>> it = s.get("causes").fields();
        for (Element row : causes) {
            Map.Entry<String, JsonNode> e = it.next();
            assertEquals(e.getKey(), row.attr("data-cause"));
            assertTrue(row.select("td").get(1).text().startsWith(e.getValue().asText()), row.text());
            assertFalse(row.select("td").get(2).text().isBlank(), "the explanation");
        }
        assertFalse(it.hasNext());

        // The chart: one bar per cause per bucket with findings, stacking to the finding count.
        assertNotNull(d.selectFirst("svg#cause-chart"));
        long bars = 0;
        for (Element legend : d.select("#cause-legend li")) {
            assertTrue(s.get("causes").has(legend.attr("data-cause")));
            bars += Long.parseLong(legend.selectFirst(".count").text());
        }
        assertEquals(s.get("findings").asLong(), bars);
        assertFalse(d.select("svg#cause-chart rect.bar[data-cause=keepalive_race]").isEmpty());

        // One row per upstream, with analyze's figures.
        List<JsonNode> ups = analyzeRows(capture, "upstream");
        Elements rows = d.select("#upstreams-table tbody tr");
        assertEquals(ups.size(), rows.size());
        for (int i = 0; i < ups.size(); i++) {
            Elements td = rows.get(i).select("td");
            assertEquals(ups.get(i).get("upstream").asText(), td.get(0).text());
            assertEquals(ups.get(i).get("connections").asLong(), Long.parseLong(td.get(1).text()));
            assertEquals(ups.get(i).get("resets").asLong(), Long.parseLong(td.get(3).text()));
            assertEquals(ups.get(i).get("exchanges").asLong(), Long.parseLong(td.get(5).text()));
            assertEquals(ups.get(i).get("ttfb_p50_ms").asText(), td.get(7).text());
        }
        // Findings in analyze's order, with its frames.
        List<JsonNode> findings = analyzeRows(capture, "finding");
        Elements frows = d.select("#findings-table tbody tr");
        assertEquals(findings.size(), frows.size());
        for (int i = 0; i < findings.size(); i++) {
            assertEquals("f-" + (i + 1), frows.get(i).id());
            assertEquals(findings.get(i).get("cause").asText(), frows.get(i).attr("data-cause"));
            List<String> frames = new ArrayList<>();
            findings.get(i).get("frames").forEach(n -> frames.add(n.asText()));
            assertEquals(String.join(", ", frames), frows.get(i).select("td").get(7).text());
        }
        // Every exchange listed, the list not capped.
        assertEquals(s.get("exchanges").asLong(), d.select("#exchanges tbody tr").size());
        assertTrue(d.selectFirst("#exchanges-note").text().startsWith("All 4 exchanges"), d.selectFirst("#exchanges-note").text());
        assertEquals("4", d.selectFirst("#shown").text());
    }

    @Test
    void eachFailureIsASwimLaneOfBothLegsWithItsFindingsOnTheFrames() throws Exception {
        // Two requests, each answered 502/503 by the upstream itself and passed on by nginx.
        String capture = capture("upstream-error-status");
        Document d = open(report("lanes", capture), null);
        List<JsonNode> findings = analyzeRows(capture, "finding");
        Elements svgs = d.select("article.timeline svg.swimlane");
        assertEquals(2, svgs.size());
        assertEquals(2, findings.size());
        for (int i = 0; i < 2; i++) {
            Element svg = svgs.get(i);
            Elements lanes = svg.select("g.lane");
            assertEquals(List.of("proxy", "upstream"), lanes.eachAttr("data-role"));
            assertFalse(lanes.get(0).select("g.ev[data-kind=request]").isEmpty());
            assertFalse(lanes.get(1).select("g.ev[data-kind=response]").isEmpty());
            // The finding analyze lists as number i+1, ringed on each frame it cites.
            JsonNode f = findings.get(i);
            Element marks = svg.selectFirst("g.finding-marks[data-finding=" + (i + 1) + "]");
            assertNotNull(marks);
            assertEquals(f.get("cause").asText(), marks.attr("data-cause"));
            for (JsonNode frame : f.get("frames")) {
                assertNotNull(marks.selectFirst("circle.ring[data-frame=" + frame.asText() + "]"), frame.asText());
            }
            assertNotNull(marks.selectFirst("circle.ring[data-frame=" + f.get("client_frame").asText() + "]"), "the client's 5xx");
            // And the events table beneath, the cited rows marked.
            Element article = svg.parent();
            assertEquals(lanes.select("g.ev").size(), article.select("table.events-table tbody tr").size());
            Elements cited = article.select("table.events-table tbody tr.cited");
            for (JsonNode frame : f.get("frames")) {
                // (A head and its body share the frame they start in: both rows cite it.)
                assertTrue(cited.stream().anyMatch(r -> r.select("td").get(4).text().split("\u2013")[0].equals(frame.asText())),
                        frame.asText());
            }
        }
        assertTrue(d.selectFirst("#failures-note").text().startsWith("2 failures:"), d.selectFirst("#failures-note").text());
    }

    @Test
    void theListSaysWhenItIsCappedAndTheFilterFollowsTheAddress() throws Exception {
        String capture = capture("healthy-keepalive");
        Path page = report("capped", "--max-exchanges", "3", capture);
        Document d = open(page, null);
        assertEquals(3, d.select("#exchanges tbody tr").size());
        assertTrue(d.selectFirst("#exchanges-note").text().startsWith("Showing 3 of 12 exchanges"),
                d.selectFirst("#exchanges-note").text());
        assertEquals(12, number(d, "#h-exchanges"), "the headline counts every exchange");

        // The filter, preset in the fragment, as the page's script applies it.
        String race = capture("keepalive-race-post");
        Path all = report("filter", race);
        Document failed = open(all, "status=5xx");
        Elements visible = failed.select("#exchanges tbody tr:not([hidden])");
        assertEquals(1, visible.size());
        assertEquals("502", visible.get(0).attr("data-status"));
        assertEquals("1", failed.selectFirst("#shown").text());

        Document upstream = open(all, "leg=upstream");
        Elements ups = upstream.select("#exchanges tbody tr:not([hidden])");
        assertEquals(2, ups.size());
        for (Element r : ups) assertEquals("upstream", r.attr("data-leg"));
        assertEquals(2, upstream.select("#exchanges tbody tr[hidden]").size());

        Document text = open(all, "q=" + "21251");
        for (Element r : text.select("#exchanges tbody tr:not([hidden])")) assertTrue(r.text().contains("21251"));
        assertEquals(2, text.select("#exchanges tbody tr:not([hidden])").size());
    }

    @Test
    void theListComesInBlocksAndAFilterHidesTheBlocksItEmpties() throws Exception {
        Path capture = HostileCapture.keepAlive(dir.resolve("long.pcap"), 600);
        Path page = report("long", capture.toString());
        Document all = open(page, null);
        Elements blocks = all.select("#exchanges .block");
        assertEquals(3, blocks.size(), "601 rows in blocks of 250");
        assertEquals(List.of(250, 250, 101), blocks.stream().map(b -> b.select("tbody tr").size()).toList());
        assertTrue(all.select("#exchanges .block[hidden]").isEmpty());
        assertEquals("601", all.selectFirst("#shown").text());

        Document failed = open(page, "status=5xx");
        assertEquals(List.of(true, true, false), failed.select("#exchanges .block").stream().map(b -> b.hasAttr("hidden")).toList());
        Elements shown = failed.select("#exchanges tbody tr:not([hidden])");
        assertEquals(1, shown.size());
        assertTrue(shown.get(0).text().contains("GET /item/600"), shown.get(0).text());

        Document text = open(page, "q=/item/3");
        // /item/3, /item/30..39, /item/300..399: 111 rows, in the first two blocks.
        assertEquals("111", text.selectFirst("#shown").text());
        assertEquals(List.of(false, false, true), text.select("#exchanges .block").stream().map(b -> b.hasAttr("hidden")).toList());
    }

    @Test
    void capturedScriptRunsNothingAndCredentialsAreRedacted() throws Exception {
        Path capture = HostileCapture.write(dir.resolve("hostile.pcap"));
        Path page = report("hostile", capture.toString());
        String html = Files.readString(page);
        for (String secret : List.of("SECRET-COOKIE-123", "SECRET-TOKEN-456", "SECRET-SETCOOKIE-789")) {
            assertFalse(html.contains(secret), secret);
        }
        Document d = open(page, null);
        assertEquals("gatelens report: hostile.pcap", d.title(), "no payload changed the title");
        assertEquals(1, d.select("script").size(), "only the page's own script");
        assertTrue(d.select("img").isEmpty(), "the <img> payload is text");
        assertTrue(d.select("body svg[onload], [onerror], [onload]").isEmpty());
        for (Element svg : d.select("svg")) assertTrue(svg.hasClass("chart") || svg.hasClass("swatch") || svg.hasClass("swimlane"), svg.outerHtml());
        Element csp = d.selectFirst("meta[http-equiv=Content-Security-Policy]");
        assertNotNull(csp);
        assertTrue(csp.attr("content").startsWith("default-src 'none'; script-src 'sha256-"), csp.attr("content"));

        // The payloads are on the page, as text: in the list, and in the failure's swim lanes.
        Element lanes = d.selectFirst("svg.swimlane");
        assertNotNull(lanes, "the 502 is drawn");
        assertEquals(2, lanes.select("g.lane").size());
        assertTrue(lanes.text().contains("document.title="), lanes.text());
        String text = d.body().text();
        assertTrue(text.contains("GET " + HostileCapture.TARGET), "the request, as text");
        Element row = d.selectFirst("#exchanges tbody tr[data-leg=client]");
        assertEquals(HostileCapture.HOST, row.select("td").get(4).text());
        Element heads = row.selectFirst("details.heads");
        assertNotNull(heads, "a failed exchange shows its headers");
        assertTrue(heads.text().contains(HostileCapture.NOTE), heads.text());
        assertTrue(heads.text().contains("Cookie [redacted: " + HostileCapture.COOKIE.length() + " bytes"), heads.text());
        assertTrue(heads.text().contains("Authorization [redacted: "), heads.text());
        assertTrue(heads.text().contains("Set-Cookie [redacted: "), heads.text());
        assertFalse(heads.text().contains("SECRET"));

        // --show-secrets shows them, escaped as everything else.
        Document shown = open(report("secrets", "--show-secrets", capture.toString()), null);
        String heads2 = shown.selectFirst("#exchanges tbody tr[data-leg=client] details.heads").text();
        assertTrue(heads2.contains("Cookie " + HostileCapture.COOKIE), heads2);
        assertTrue(heads2.contains("Authorization " + HostileCapture.AUTHORIZATION), heads2);
        assertTrue(heads2.contains("Set-Cookie " + HostileCapture.SET_COOKIE), heads2);
        assertEquals("gatelens report: hostile.pcap", shown.title());
    }

    @Test
    void evenAnEscapingBugCouldNotRunCapturedScript() throws Exception {
        // The page's policy is the second wall: markup injected as if the escaper had missed it
        // stays inert, while the page's own script (allowed by its hash) still runs.
        Path page = report("injected", capture("keepalive-race-post"));
        String html = Files.readString(page);
        String injected = html.replace("</main>", "<script>document.title='pwned-inline'</script>"
                + "<img id=\"inj\" src=\"data:,x\" onerror=\"document.title='pwned-handler'\">"
                + "<svg><image href=\"data:,x\" onerror=\"document.title='pwned-svg'\"/></svg></main>");
        assertNotEquals(html, injected);
        Path bad = dir.resolve("injected-bug.html");
        Files.writeString(bad, injected);
        Document d = open(bad, "status=5xx");
        assertEquals("gatelens report: capture.pcap", d.title());
        assertNotNull(d.selectFirst("img#inj"), "the injected element is there, and did nothing");
        assertEquals("1", d.selectFirst("#shown").text(), "the page's own script ran");
        assertEquals(3, d.select("#exchanges tbody tr[hidden]").size());
    }

    @Test
    void aScreenshotOfTheReport() throws Exception {
        Path page = report("screenshot", capture("keepalive-race-post"));
        Path png = KEEP.resolve("keepalive-race-post.png");
        chromium.screenshot(page, png, 1280, 2000);
        byte[] bytes = Files.readAllBytes(png);
        assertTrue(bytes.length > 10_000, "a page, not a blank: " + bytes.length + " bytes");
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, java.util.Arrays.copyOf(bytes, 8));
        // The IHDR says how large it is: as asked.
        int width = ((bytes[16] & 0xff) << 24) | ((bytes[17] & 0xff) << 16) | ((bytes[18] & 0xff) << 8) | (bytes[19] & 0xff);
        assertEquals(1280, width);
    }
}
