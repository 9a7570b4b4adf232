package io.gatelens.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.*;

/** The progress line's text, its throttling on an injected clock, and how it gets out of the way. */
class ProgressLineTest {
    private static final long S = 1_000_000_000L;

    /** A clock the test moves by hand. */
    static final class Clock {
        long now;
        long get() { return now; }
    }

    private final StringWriter screen = new StringWriter();
    private final Clock clock = new Clock();
    private final ProgressLine line = new ProgressLine(new PrintWriter(screen), clock::get);

    @Test
    void bytesOfTheTotalFramesRateAndTimeLeft() {
        assertEquals("gatelens: 412 / 1,076 MB (38%), 530,112 frames, 412 MB/s, 0:02 left",
                ProgressLine.render(412_000_000L, 1_076_000_000L, 530_112, S));
        // Small figures keep a decimal; a slow read shows minutes and hours left.
        assertEquals("gatelens: 3.5 / 500 MB (0%), 4,096 frames, 1.8 MB/s, 4:44 left",
                ProgressLine.render(3_500_000L, 500_000_000L, 4096, 2 * S));
        assertEquals("gatelens: 12 / 20 GB (61%), 16,000,000 frames, 1,235 MB/s, 0:07 left",
                ProgressLine.render(12_345_000_000L, 20_000_000_000L, 16_000_000, 10 * S));
        assertEquals("1:02:05", ProgressLine.duration(3725));
        assertEquals("0:59", ProgressLine.duration(59));
    }

    @Test
    void withoutATotalOnlyWhatWasRead() {
        assertEquals("gatelens: 3.5 MB read, 8,192 frames, 1.8 MB/s",
                ProgressLine.render(3_500_000L, -1, 8192, 2 * S));
    }

    /** Read-ahead, or a file still being written, can put the bytes past the size taken at the start. */
    @Test
    void pastTheTotalIsAHundredPercentWithNoTimeLeft() {
        assertEquals("gatelens: 1,100 / 1,000 MB (100%), 9 frames, 1,100 MB/s",
                ProgressLine.render(1_100_000_000L, 1_000_000_000L, 9, S));
    }

    @Test
    void nothingDuringTheFirstSecondThenAtMostFourTimesASecond() {
        clock.now = S - 1;
        line.progress(1_000_000, 10_000_000, 4096);
        assertEquals("", screen.toString(), "a file read within a second shows no line");
        clock.now = S;
        line.progress(2_000_000, 10_000_000, 8192);
        assertEquals(1, draws());
        clock.now = S + ProgressLine.REDRAW_NANOS - 1;
        line.progress(3_000_000, 10_000_000, 12288);
        assertEquals(1, draws(), "too soon after the last");
        clock.now = S + ProgressLine.REDRAW_NANOS;
        line.progress(4_000_000, 10_000_000, 16384);
        assertEquals(2, draws());
        assertTrue(screen.toString().endsWith("\r" + ProgressLine.render(4_000_000, 10_000_000, 16384,
                S + ProgressLine.REDRAW_NANOS)), screen.toString());
        assertFalse(screen.toString().contains("\n"), "drawn in place, never a new line");
    }

    @Test
    void aShorterRedrawCoversTheLongerLineBeforeIt() {
        clock.now = 10 * S;
        line.progress(123_456_789_000L, 200_000_000_000L, 123_456_789);
        String first = ProgressLine.render(123_456_789_000L, 200_000_000_000L, 123_456_789, 10 * S);
        clock.now = 20 * S;
        line.progress(5_000_000, -1, 1);
        String second = ProgressLine.render(5_000_000, -1, 1, 20 * S);
        assertTrue(second.length() < first.length());
        assertTrue(screen.toString().endsWith("\r" + second + " ".repeat(first.length() - second.length())));
    }

    @Test
    void clearWipesTheLineOnceAndWritesNothingWhenNoneIsShown() {
        line.clear();
        assertEquals("", screen.toString());
        clock.now = 2 * S;
        line.progress(1, 2, 3);
        int width = ProgressLine.render(1, 2, 3, 2 * S).length();
        String drawn = screen.toString();
        line.clear();
        assertEquals(drawn + "\r" + " ".repeat(width) + "\r", screen.toString());
        line.clear();
        assertEquals(drawn + "\r" + " ".repeat(width) + "\r", screen.toString());
    }

    @Test
    void aWarningThroughTheGuardStartsOnAWipedLine() {
        PrintWriter err = line.guard(new PrintWriter(screen), false);
        clock.now = 2 * S;
        line.progress(1, 2, 3);
        int width = ProgressLine.render(1, 2, 3, 2 * S).length();
        err.println("gatelens: a warning");
        assertTrue(screen.toString().endsWith("\r" + " ".repeat(width) + "\rgatelens: a warning" + System.lineSeparator()),
                screen.toString());
    }

    /** Rows on the same terminal: flushed before each redraw, and a half-written row is never overdrawn. */
    @Test
    void outputOnTheSameTerminalIsNeverOverdrawnMidLine() {
        StringWriter stdout = new StringWriter();
        PrintWriter out = line.guard(new PrintWriter(stdout), true);
        clock.now = 2 * S;
        line.progress(1, 2, 3);
        assertEquals(1, draws());
        out.print("half a row");
        clock.now = 3 * S;
        line.progress(1, 2, 3);
        assertEquals(1, draws(), "stdout is mid-line: no redraw");
        out.print(" and the rest\n");
        assertEquals("half a row and the rest\n", stdout.toString());
        clock.now = 4 * S;
        line.progress(1, 2, 3);
        assertEquals(2, draws());
    }

    private long draws() {
        return screen.toString().chars().filter(c -> c == '\r').count() - 2L * clears();
    }

    private long clears() {
        return screen.toString().split("\r +\r", -1).length - 1;
    }
}
