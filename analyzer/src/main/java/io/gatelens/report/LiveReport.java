package io.gatelens.report;

import io.gatelens.finding.ClientResponse;
import io.gatelens.finding.Finding;
import io.gatelens.finding.FindingSink;
import io.gatelens.proxy.AnalysisSummary;

import java.io.PrintWriter;

/**
 * The analyze report for a capture that is still going on (live, or a followed file): each
 * finding goes out the moment it is judged, flushed, instead of waiting for the end. In JSON the
 * lines are the same as {@code analyze}'s; in text each finding is one line as it comes, and the
 * full text report follows at the end.
 */
public final class LiveReport implements FindingSink, AutoCloseable {
    private final AnalyzeReport report;
    private final PrintWriter out;
    private final boolean text;

    private LiveReport(AnalyzeReport report, PrintWriter out, boolean text) {
        this.report = report;
        this.out = out;
        this.text = text;
    }

    public static LiveReport text(PrintWriter out, String name) {
        return new LiveReport(AnalyzeReport.text(out, name), out, true);
    }

    public static LiveReport json(PrintWriter out) {
        return new LiveReport(AnalyzeReport.json(out), out, false);
    }

    @Override
    public void finding(Finding f) {
        report.finding(f);
        if (text) out.println(line(f));
        out.flush();
    }

    /** One line: when, how bad, the cause, the request, what the client got, and the frames. */
    static String line(Finding f) {
        StringBuilder b = new StringBuilder(160);
        b.append(Times.iso(f.nanos())).append("  ").append(f.severity().id()).append("  ").append(f.cause().id());
        b.append("  ").append(f.request() == null ? "(no request)" : Escape.text(f.request()));
        ClientResponse c = f.client();
        if (c != null) {
            b.append("  client got ").append(c.status() >= 0 ? Integer.toString(c.status())
                    : c.frame() >= 0 ? "no valid status line" : "no response");
            b.append(" (connection ").append(c.connection());
            if (c.frame() >= 0) b.append(", frame ").append(c.frame());
            b.append(')');
        }
        if (f.upstream() != null) b.append("  upstream ").append(f.upstream());
        b.append("  connection ").append(f.connection()).append("  frames ");
        long[] frames = f.frames();
        for (int i = 0; i < frames.length; i++) b.append(i == 0 ? "" : ", ").append(frames[i]);
        return b.toString();
    }

    /** At the end: the whole report (text) or the summary lines (JSON), as {@code analyze} writes them. */
    public void summary(AnalysisSummary s) {
        if (text) out.println();
        report.summary(s);
        out.flush();
    }

    @Override
    public void close() {
        report.close();
    }
}
