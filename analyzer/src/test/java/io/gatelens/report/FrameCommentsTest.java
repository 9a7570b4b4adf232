package io.gatelens.report;

import io.gatelens.anomaly.Severity;
import io.gatelens.detect.Cause;
import io.gatelens.finding.ClientResponse;
import io.gatelens.finding.Evidence;
import io.gatelens.finding.Finding;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class FrameCommentsTest {
    private static final String EXPLANATION = "The upstream reset the connection (RST) 28.8 ms after the request, "
            + "without sending any response byte. nginx answers 502 and logs 'recv() failed'.";

    private static Finding finding(Cause cause, Severity severity, ClientResponse client, long... frames) {
        List<Evidence> evidence = new ArrayList<>();
        for (long f : frames) evidence.add(new Evidence(f, f * 1000, "what frame " + f + " shows"));
        return new Finding(cause, severity, EXPLANATION, "a hint", "GET /", "127.0.0.1:8080", 1, evidence,
                frames[frames.length - 1] * 1000, client);
    }

    private static List<String> on(FrameComments.Cursor cursor, long frame) {
        List<String> out = new ArrayList<>();
        assertEquals(cursor.commentsOn(frame, out), out.size());
        return out;
    }

    @Test
    void findingsAreNumberedInArrivalOrderAndEachCitedFrameGetsOneCommentPerFinding() {
        FrameComments c = new FrameComments();
        c.finding(finding(Cause.RESET_BEFORE_RESPONSE, Severity.ERROR, new ClientResponse(502, 0, 12, 12_000), 9, 11));
        c.finding(finding(Cause.KEEPALIVE_RACE, Severity.WARNING, new ClientResponse(200, 0, 30, 30_000), 11, 20));
        assertEquals(2, c.findings());
        assertEquals(1, c.findings(Severity.ERROR));
        assertEquals(1, c.findings(Severity.WARNING));
        assertEquals(6, c.comments());
        assertEquals(5, c.commentedFrames());
        assertEquals(-1, c.firstUnmarked());

        FrameComments.Cursor cursor = c.cursor();
        assertEquals(List.of(), on(cursor, 1));
        String sentence = " \u2014 The upstream reset the connection (RST) 28.8 ms after the request, without sending any response byte.";
        assertEquals(List.of("gatelens: finding 1 reset_before_response (error): what frame 9 shows" + sentence), on(cursor, 9));
        assertEquals(List.of("gatelens: finding 1 reset_before_response (error): what frame 11 shows" + sentence,
                "gatelens: finding 2 keepalive_race (warning): what frame 11 shows" + sentence), on(cursor, 11));
        assertEquals(List.of("gatelens: finding 1 reset_before_response (error): the client got 502 here" + sentence),
                on(cursor, 12));
        // Frame 20 skipped over: its comment is dropped, the next frame's still found.
        assertEquals(List.of("gatelens: finding 2 keepalive_race (warning): the client got 200 here" + sentence),
                on(cursor, 30));
        assertEquals(List.of(), on(cursor, 31));
    }

    @Test
    void aClientFrameTheEvidenceCitesIsCommentedOnceAndNoValidStatusIsSaid() {
        FrameComments c = new FrameComments();
        c.finding(finding(Cause.UNEXPLAINED, Severity.ERROR, new ClientResponse(502, 0, 6, 6_000), 4, 6));
        c.finding(finding(Cause.MALFORMED_STATUS_LINE, Severity.ERROR, new ClientResponse(-1, 0, 8, 8_000), 7));
        c.finding(finding(Cause.CONNECT_REFUSED, Severity.ERROR, null, 2));
        c.finding(finding(Cause.CONNECT_REFUSED, Severity.ERROR, new ClientResponse(-1, 0, -1, 0), 3));
        assertEquals(6, c.comments());
        FrameComments.Cursor cursor = c.cursor();
        assertEquals(1, on(cursor, 2).size(), "no client response: evidence only");
        assertEquals(1, on(cursor, 3).size(), "a client response without a frame: evidence only");
        assertEquals(List.of("gatelens: finding 1 unexplained (error): what frame 6 shows \u2014 " + FrameComments.firstSentence(EXPLANATION)),
                on(cursor, 6));
        assertTrue(on(cursor, 8).get(0).contains("): the client got no valid status line here \u2014 "));
    }

    @Test
    void thirtyTwoCommentsOnAFrameThenOneThatCountsTheRest() {
        for (int findings : new int[] {FrameComments.MAX_PER_FRAME, FrameComments.MAX_PER_FRAME + 1,
                FrameComments.MAX_PER_FRAME + 5}) {
            FrameComments c = new FrameComments();
            for (int i = 0; i < findings; i++) c.finding(finding(Cause.CONNECT_REFUSED, Severity.ERROR, null, 7));
            List<String> got = on(c.cursor(), 7);
            int extra = findings - FrameComments.MAX_PER_FRAME;
            assertEquals(FrameComments.MAX_PER_FRAME + (extra > 0 ? 1 : 0), got.size());
            assertTrue(got.get(FrameComments.MAX_PER_FRAME - 1).startsWith("gatelens: finding " + FrameComments.MAX_PER_FRAME + " "));
            if (extra > 0) {
                assertEquals("gatelens: " + extra + " more finding" + (extra == 1 ? " cites" : "s cite")
                        + " this frame (see gatelens analyze)", got.get(FrameComments.MAX_PER_FRAME));
            }
        }
    }

    @Test
    void pastTheCapNoFindingIsMarkedAndTheFirstUnmarkedIsKnown() {
        // Two findings of three comments: six fit in six, not in five.
        FrameComments fits = new FrameComments(6);
        fits.finding(finding(Cause.RESET_BEFORE_RESPONSE, Severity.ERROR, new ClientResponse(502, 0, 3, 0), 1, 2));
        fits.finding(finding(Cause.RESET_BEFORE_RESPONSE, Severity.ERROR, new ClientResponse(502, 0, 6, 0), 4, 5));
        assertEquals(-1, fits.firstUnmarked());
        assertEquals(6, fits.comments());

        FrameComments full = new FrameComments(5);
        full.finding(finding(Cause.RESET_BEFORE_RESPONSE, Severity.ERROR, new ClientResponse(502, 0, 3, 0), 1, 2));
        full.finding(finding(Cause.RESET_BEFORE_RESPONSE, Severity.ERROR, new ClientResponse(502, 0, 6, 0), 4, 5));
        // This one would fit, but marking it would leave a gap in the numbers marked.
        full.finding(finding(Cause.CONNECT_REFUSED, Severity.ERROR, null, 7));
        assertEquals(3, full.findings());
        assertEquals(2, full.firstUnmarked());
        assertEquals(3, full.comments());
        FrameComments.Cursor cursor = full.cursor();
        assertEquals(1, on(cursor, 3).size());
        assertEquals(List.of(), on(cursor, 4));
        assertEquals(List.of(), on(cursor, 7));
        assertThrows(IllegalArgumentException.class, () -> new FrameComments(0));
        assertThrows(IllegalStateException.class, () -> full.finding(finding(Cause.CONNECT_REFUSED, Severity.ERROR, null, 9)));
    }

    @Test
    void theFirstSentenceEndsAtAStopBeforeALetterButNotInsideANumberOrAnAbbreviation() {
        assertEquals("Reset after 28.8 ms, without a byte.", FrameComments.firstSentence("Reset after 28.8 ms, without a byte. nginx answers 502."));
        assertEquals("One (e.g. a crash) happened.", FrameComments.firstSentence("One (e.g. a crash) happened. Two."));
        assertEquals("Waited 1.001 s for 0.5 MB.", FrameComments.firstSentence("Waited 1.001 s for 0.5 MB."));
        assertEquals("No stop at all", FrameComments.firstSentence("  No stop at all "));
        assertEquals("Version 1. 2 follows", FrameComments.firstSentence("Version 1. 2 follows"));
        assertEquals("", FrameComments.firstSentence(null));
    }

    @Test
    void commentsAreCutToAThousandBytesOfUtf8AtACharacter() {
        String fits = "a".repeat(1000);
        assertSame(fits, FrameComments.cut(fits, 1000));
        String over = "a".repeat(1001);
        assertEquals("a".repeat(997) + "...", FrameComments.cut(over, 1000));
        String wide = "\u00e9".repeat(600); // 1,200 bytes
        String cut = FrameComments.cut(wide, 1000);
        assertTrue(cut.endsWith("..."));
        assertEquals("\u00e9".repeat(498) + "...", cut, "498 two-byte characters and the dots: 999 bytes");
        assertTrue(cut.getBytes(StandardCharsets.UTF_8).length <= 1000);
    }

    @Test
    void longAndHostileTextIsEscapedAndCut() {
        FrameComments c = new FrameComments();
        List<Evidence> evidence = List.of(new Evidence(5, 0, "status line \"HTTP/1.1 200\r\nX: " + "y".repeat(2000) + "\""));
        c.finding(new Finding(Cause.MALFORMED_STATUS_LINE, Severity.ERROR, "Bad\u0000 bytes.", "", null, null, 1,
                evidence, 0, null));
        String got = on(c.cursor(), 5).get(0);
        assertTrue(got.startsWith("gatelens: finding 1 malformed_status_line (error): status line \"HTTP/1.1 200\\x0d\\x0aX: yyy"), got);
        assertTrue(got.endsWith("..."), got);
        assertEquals(FrameComments.MAX_COMMENT_BYTES, got.getBytes(StandardCharsets.UTF_8).length);
        assertTrue(got.chars().noneMatch(ch -> ch < 0x20), got);
    }
}
