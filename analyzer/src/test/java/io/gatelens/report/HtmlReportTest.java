package io.gatelens.report;

import io.gatelens.detect.Cause;
import io.gatelens.proxy.Role;
import io.gatelens.tcp.Direction;
import io.gatelens.timeline.EventKind;
import io.gatelens.timeline.Lane;
import io.gatelens.timeline.Timeline;
import io.gatelens.timeline.TimelineEvent;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/** The page's parts as markup: the escaper, the chart's buckets, the swim lanes of a hand-built timeline. */
class HtmlReportTest {

    @Test
    void theEscaperLeavesNoMarkupAndShowsControlCharacters() {
        assertEquals("&lt;script&gt;a&amp;b&quot;c&#39;d&lt;/script&gt;", Html.escape("<script>a&b\"c'd</script>"));
        assertEquals("nul\\x00 esc\\x1b del\\x7f c1\\x85 tab\\x09 nl\\x0a", Html.escape("nul\0 esc\u001b del\u007f c1\u0085 tab\t nl\n"));
        assertEquals("caf\u00e9 \u2192 \ud83d\ude00", Html.escape("caf\u00e9 \u2192 \ud83d\ude00"), "text stays text");
        assertEquals("lone \ufffd and \ufffd", Html.escape("lone \ud800 and \udc00"));
        assertEquals("\\ufffe", Html.escape("\ufffe"));
        assertEquals("", Html.escape(null));
        for (int c = 0; c < 0x10000; c++) {
            String e = Html.escape(String.valueOf((char) c));
            assertFalse(e.contains("<") || e.contains(">") || e.contains("\"") || e.contains("'"), "U+" + c);
            if (c != '&') assertFalse(e.matches(".*&(?!(amp|lt|gt|quot|#39);).*"), "U+" + c);
        }
    }

    @Test
    void cuttingNeverSplitsASurrogatePair() {
        assertEquals("ab\u2026", Html.cut("abcdef", 2));
        assertEquals("a\u2026", Html.cut("a\ud83d\ude00bc", 2));
        assertEquals("abc", Html.cut("abc", 3));
        assertNull(Html.cut(null, 3));
    }

    @Test
    void bucketsStayWithinTheCapAndKeepEveryCount() {
        HtmlCauseChart.Buckets b = new HtmlCauseChart.Buckets(2);
        long t0 = HandBuilt.T0;
        long total = 0;
        // Out of order, forwards and backwards, over an hour: the width must grow, nothing may be lost.
        for (int i = 0; i < 5_000; i++) {
            long t = t0 + (long) ((i * 7919L) % 3_600_000L) * 1_000_000L - (i % 3 == 0 ? 10_000_000_000L : 0);
            b.add(t, i % 2);
            total++;
        }
        assertEquals(total, b.total(0) + b.total(1));
        assertTrue((b.endNanos() - b.startNanos()) / b.width() <= HtmlCauseChart.MAX_BUCKETS);
        assertTrue(b.width() >= 3_600_000_000_000L / HtmlCauseChart.MAX_BUCKETS);
        assertEquals(0, b.width() % HtmlCauseChart.FIRST_WIDTH);
        assertTrue(Long.bitCount(b.width() / HtmlCauseChart.FIRST_WIDTH) == 1);
    }

    @Test
    void bucketsOfOneMillisecondUntilTheSpanNeedsMore() {
        HtmlCauseChart.Buckets b = new HtmlCauseChart.Buckets(1);
        long t0 = HandBuilt.T0;
        b.add(t0, 0);
        b.add(t0 + 199_000_000L, 0); // 199 ms later: 200 buckets of 1 ms hold it
        assertEquals(1_000_000L, b.width());
        b.add(t0 - 1_000_000L, 0); // one more bucket before: 201 > 200, so 2 ms
        assertEquals(2_000_000L, b.width());
        assertEquals(3, b.total(0));
        assertEquals(1, b.count(0, Math.floorDiv(t0 - 1_000_000L, 2_000_000L)));
    }

    @Test
    void theSwimLanesDrawBothLegsEveryEventAndTheFindingsFrames() throws Exception {
        Html h = new Html(1 << 16);
        HtmlSwimLanes.render(h, HandBuilt.timeline(), 0);
        String markup = h.toString();
        Document svg = svg(markup);
        Element root = svg.getDocumentElement();
        assertEquals("svg", root.getTagName());

        List<Element> lanes = byClass(root, "g", "lane");
        assertEquals(2, lanes.size());
        assertEquals("proxy", lanes.get(0).getAttribute("data-role"));
        assertEquals("upstream", lanes.get(1).getAttribute("data-role"));
        assertEquals(6, byClass(lanes.get(0), "g", "ev").size());
        assertEquals(6, byClass(lanes.get(1), "g", "ev").size());
        List<Element> rst = new ArrayList<>();
        for (Element e : byClass(lanes.get(1), "g", "ev")) if (e.getAttribute("data-kind").equals("rst")) rst.add(e);
        assertEquals(1, rst.size());
        assertEquals("11", rst.get(0).getAttribute("data-frame"));
        assertEquals("s2c", rst.get(0).getAttribute("data-dir"));

        // Finding #1 rings its two evidence frames and the client's 502.
        List<Element> marks = byClass(root, "g", "finding-marks");
        assertEquals(1, marks.size());
        assertEquals("reset_before_response", marks.get(0).getAttribute("data-cause"));
        assertEquals(3, byClass(marks.get(0), "circle", "ring").size());
        List<String> labels = new ArrayList<>();
        for (Element t : byClass(marks.get(0), "text", "cite-label")) labels.add(t.getFirstChild().getTextContent());
        assertTrue(labels.contains("#1 upstream RST"), labels.toString());
        assertTrue(labels.contains("client got 502"), labels.toString());

        // The 20 s and 10.2 s silences are shortened and labelled.
        List<String> gaps = new ArrayList<>();
        for (Element t : byClass(root, "text", "gap")) gaps.add(t.getTextContent());
        assertTrue(gaps.contains("20 s later") && gaps.contains("10.2 s later"), gaps.toString());

        // The ring on the RST sits on the RST's mark: same x.
        double rstX = Double.parseDouble(firstNumber(byClass(rst.get(0), "path", "m-rst").get(0).getAttribute("d"))) + 5;
        boolean ringed = false;
        for (Element c : byClass(marks.get(0), "circle", "ring")) {
            if (Math.abs(Double.parseDouble(c.getAttribute("cx")) - rstX) < 0.2) ringed = true;
        }
        assertTrue(ringed);

        // Time runs left to right.
        double last = -1;
        for (Element e : byClass(lanes.get(1), "g", "ev")) {
            Element shape = (Element) e.getElementsByTagName("*").item(0);
            double x = shape.hasAttribute("cx") ? Double.parseDouble(shape.getAttribute("cx"))
                    : shape.hasAttribute("x") ? Double.parseDouble(shape.getAttribute("x")) + 4
                    : Double.parseDouble(firstNumber(shape.getAttribute("d")));
            assertTrue(x > last - 6, "x " + x + " after " + last);
            last = x;
        }
        // Captured text only as text.
        assertFalse(markup.contains("<script>"));
        assertFalse(markup.contains("<img"));
        assertTrue(markup.contains("&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;"));
    }

    @Test
    void aConnectionListedTwiceIsDrawnOnce() throws Exception {
        Timeline tl = HandBuilt.timeline();
        Timeline twice = new Timeline(List.of(tl.lanes().get(0), tl.lanes().get(1), tl.lanes().get(0)), tl.findings(), null);
        Html h = new Html(1 << 16);
        HtmlSwimLanes.render(h, twice, 0);
        assertEquals(2, byClass(svg(h.toString()).getDocumentElement(), "g", "lane").size());
    }

    @Test
    void aLongLaneDrawsTheEventsNearestTheCitedFrames() {
        List<TimelineEvent> events = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            events.add(new TimelineEvent(1, i + 1, i + 1, HandBuilt.ms(i), i % 2 == 0 ? Direction.CLIENT_TO_SERVER
                    : Direction.SERVER_TO_CLIENT, i % 2 == 0 ? EventKind.REQUEST : EventKind.RESPONSE, "GET /" + i));
        }
        Lane lane = new Lane(1, HandBuilt.ep(10, 0, 0, 2, 50000), HandBuilt.ep(10, 0, 0, 3, 8080), Role.UPSTREAM, events, 500);
        io.gatelens.finding.Finding f = new io.gatelens.finding.Finding(Cause.RESET_DURING_RESPONSE,
                io.gatelens.anomaly.Severity.ERROR, "x", "y", "GET /700", "10.0.0.3:8080", 1,
                List.of(new io.gatelens.finding.Evidence(701, HandBuilt.ms(700), "request")), HandBuilt.ms(700), null);
        Timeline tl = new Timeline(List.of(lane), List.of(new Timeline.Numbered(4, f)), null);
        int[] drawn = HtmlSwimLanes.pick(lane, tl);
        assertEquals(HtmlSwimLanes.MAX_DRAWN_PER_LANE, drawn.length);
        assertEquals(700 - 150, drawn[0], "centred on the cited event");
        assertEquals(700 + 149, drawn[drawn.length - 1]);

        Html h = new Html(1 << 16);
        HtmlSwimLanes.render(h, tl, 3);
        assertTrue(h.toString().contains("300 of 2,500 events drawn"), h.toString().substring(0, 200));

        Timeline uncited = new Timeline(List.of(lane), List.of(), null);
        int[] last = HtmlSwimLanes.pick(lane, uncited);
        assertEquals(1_999, last[last.length - 1], "none cited: the last events");
    }

    @Test
    void thePageHasOnePolicyOneScriptAndNothingToFetch() {
        String page = HandBuilt.page();
        assertTrue(page.startsWith("<!DOCTYPE html>"));
        Matcher csp = Pattern.compile("<meta http-equiv=\"Content-Security-Policy\" content=\"([^\"]*)\">").matcher(page);
        assertTrue(csp.find());
        String policy = csp.group(1);
        assertTrue(policy.startsWith("default-src 'none'; "), policy);
        assertTrue(policy.contains("script-src '" + HtmlReport.sha256(HtmlReport.SCRIPT) + "'"), policy);
        assertTrue(policy.contains("style-src '" + HtmlReport.sha256(HtmlReport.STYLE) + "'"), policy);
        assertFalse(policy.contains("unsafe"), policy);
        assertTrue(page.indexOf("Content-Security-Policy") < page.indexOf("<style>"), "the policy comes before what it governs");
        assertEquals(1, count(page, "<script"));
        assertTrue(page.contains("<script>" + HtmlReport.SCRIPT + "</script>"), "exactly the hashed text");
        assertEquals(1, count(page, "<style"));
        // Nothing that fetches: no src, no external href, no url() or @import in the style.
        // (Inside tags: the captured payload is on the page too, as text.)
        assertFalse(Pattern.compile("<[^>]*\\ssrc\\s*=").matcher(page).find());
        Matcher href = Pattern.compile(" href=\"([^\"]*)\"").matcher(page);
        while (href.find()) assertTrue(href.group(1).startsWith("#"), href.group(1));
        assertFalse(HtmlReport.STYLE.contains("url(") || HtmlReport.STYLE.contains("@import"));
        assertFalse(Pattern.compile("<[^>]*\\son[a-z]+\\s*=").matcher(page).find(), "no event-handler attributes");
        assertFalse(page.contains("<img"));
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) n++;
        return n;
    }

    private static String firstNumber(String d) {
        Matcher m = Pattern.compile("-?\\d+(\\.\\d+)?").matcher(d);
        assertTrue(m.find(), d);
        return m.group();
    }

    /** The first SVG of {@code markup}, parsed as XML: it must be well-formed. */
    static Document svg(String markup) throws Exception {
        int from = markup.indexOf("<svg");
        int to = markup.indexOf("</svg>", from) + "</svg>".length();
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(markup.substring(from, to).getBytes(StandardCharsets.UTF_8)));
    }

    static List<Element> byClass(Element root, String tag, String cls) {
        List<Element> out = new ArrayList<>();
        NodeList all = root.getElementsByTagName(tag);
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            if (List.of(e.getAttribute("class").split(" ")).contains(cls)) out.add(e);
        }
        return out;
    }
}
