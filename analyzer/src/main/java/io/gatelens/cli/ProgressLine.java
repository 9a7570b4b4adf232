package io.gatelens.cli;

import io.gatelens.pipeline.CapturePass;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The progress line on standard error while a capture is read: bytes of the total, frames, rate
 * and time left, redrawn in place with a carriage return. It is told of progress every few
 * thousand frames ({@link CapturePass#PROGRESS_EVERY}) and reads the clock only then, so it costs
 * nothing per frame; it draws at most {@link #REDRAW_NANOS} apart and not at all during the first
 * {@link #FIRST_DRAW_NANOS}, so a short file never flashes a line.
 *
 * <p>Anything the command writes goes through {@link #guard} first, which wipes the line, so
 * rows and warnings never land in the middle of it. When standard output is the same terminal,
 * output is flushed before each redraw and the line is redrawn only when that output ended a
 * line, so a half-written row is never overdrawn.
 */
final class ProgressLine implements CapturePass.Progress {
    static final long FIRST_DRAW_NANOS = 1_000_000_000L;
    static final long REDRAW_NANOS = 250_000_000L;

    private final PrintWriter err;
    private final LongSupplier clock;
    private final long start;
    private long nextDraw;
    /** Width of the line on screen; 0 when none is shown. */
    private int shown;
    /** Standard output when it shares the terminal: flushed before a redraw. */
    private Writer sharedOut;
    private boolean outAtLineStart = true;

    ProgressLine(PrintWriter err, LongSupplier clock) {
        this.err = err;
        this.clock = clock;
        this.start = clock.getAsLong();
        this.nextDraw = start + FIRST_DRAW_NANOS;
    }

    // Synchronized, as are the guarded writers: rows may be written on a render thread while the
    // pass draws the line.
    @Override
    public synchronized void progress(long bytesRead, long totalBytes, long frames) {
        long now = clock.getAsLong();
        if (now - nextDraw < 0) return;
        nextDraw = now + REDRAW_NANOS;
        if (sharedOut != null) {
            if (!outAtLineStart) return;
            try {
                sharedOut.flush();
            } catch (IOException e) {
                return;
            }
        }
        String text = render(bytesRead, totalBytes, frames, now - start);
        StringBuilder line = new StringBuilder(Math.max(text.length(), shown) + 1).append('\r').append(text);
        for (int i = text.length(); i < shown; i++) line.append(' ');
        err.print(line);
        err.flush();
        shown = Math.max(text.length(), shown);
    }

    /** Wipes the line, if one is shown, leaving the cursor at the start of the empty line. */
    synchronized void clear() {
        if (shown == 0) return;
        err.print('\r' + " ".repeat(shown) + '\r');
        err.flush();
        shown = 0;
    }

    /**
     * A writer that wipes the line before anything passes to {@code to}; {@code sharesTerminal}
     * says {@code to} is standard output on the same terminal as the line.
     */
    PrintWriter guard(PrintWriter to, boolean sharesTerminal) {
        Writer w = new Writer() {
            @Override
            public void write(char[] cbuf, int off, int len) {
                if (len == 0) return;
                synchronized (ProgressLine.this) {
                    clear();
                    to.write(cbuf, off, len);
                    if (sharesTerminal) outAtLineStart = cbuf[off + len - 1] == '\n';
                }
            }

            @Override
            public void write(String s, int off, int len) {
                if (len == 0) return;
                synchronized (ProgressLine.this) {
                    clear();
                    to.write(s, off, len);
                    if (sharesTerminal) outAtLineStart = s.charAt(off + len - 1) == '\n';
                }
            }

            @Override
            public void flush() {
                synchronized (ProgressLine.this) {
                    to.flush();
                }
            }

            @Override
            public void close() {
                to.close();
            }
        };
        if (sharesTerminal) sharedOut = w;
        return new PrintWriter(w, true);
    }

    /**
     * The line's text, short enough for an 80-column terminal:
     * {@code 412 / 1,076 MB (38%), 530,112 frames, 437 MB/s, 0:02 left}, or without a total
     * {@code 412 MB read, 530,112 frames, 437 MB/s}. Sizes and rates are in decimal megabytes
     * (10^6, as the README's benchmark figures), sizes in GB from 10 GB on.
     */
    static String render(long bytesRead, long totalBytes, long frames, long elapsedNanos) {
        double seconds = elapsedNanos / 1e9;
        double rate = seconds > 0 ? bytesRead / seconds : 0; // bytes per second
        boolean gb = Math.max(bytesRead, totalBytes) >= 10_000_000_000L;
        StringBuilder s = new StringBuilder(80).append("gatelens: ");
        if (totalBytes > 0) {
            long percent = Math.min(100, bytesRead * 100 / totalBytes);
            s.append(size(bytesRead, gb)).append(" / ").append(size(totalBytes, gb)).append(gb ? " GB" : " MB")
                    .append(" (").append(percent).append("%)");
        } else {
            s.append(size(bytesRead, gb)).append(gb ? " GB" : " MB").append(" read");
        }
        s.append(", ").append(String.format(Locale.ROOT, "%,d", frames)).append(" frames");
        if (rate > 0) {
            double mbps = rate / 1e6;
            s.append(", ").append(mbps < 10 ? String.format(Locale.ROOT, "%.1f", mbps)
                    : String.format(Locale.ROOT, "%,d", Math.round(mbps))).append(" MB/s");
            if (totalBytes > 0 && bytesRead < totalBytes) {
                s.append(", ").append(duration((long) Math.ceil((totalBytes - bytesRead) / rate))).append(" left");
            }
        }
        return s.toString();
    }

    private static String size(long bytes, boolean gb) {
        double v = bytes / (gb ? 1e9 : 1e6);
        return v < 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%,d", (long) v);
    }

    /** {@code m:ss}, or {@code h:mm:ss} from an hour on. */
    static String duration(long seconds) {
        long h = seconds / 3600, m = seconds / 60 % 60, s = seconds % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s) : String.format(Locale.ROOT, "%d:%02d", m, s);
    }
}
