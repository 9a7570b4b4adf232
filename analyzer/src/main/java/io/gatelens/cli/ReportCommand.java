package io.gatelens.cli;

import io.gatelens.capture.decode.SkipReason;
import io.gatelens.detect.DetectOptions;
import io.gatelens.flow.FlowTable;
import io.gatelens.http.HttpLimits;
import io.gatelens.pipeline.CaptureSummary;
import io.gatelens.pipeline.Passes;
import io.gatelens.proxy.AnalysisSummary;
import io.gatelens.proxy.CorrelationLimits;
import io.gatelens.proxy.ProxyCorrelator;
import io.gatelens.report.HtmlReport;
import io.gatelens.report.RenderThread;
import io.gatelens.timeline.Timeline;
import io.gatelens.timeline.Timelines;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Writes the diagnosis of analyze as one self-contained HTML page: the headline, the causes over "
                + "time, the per-upstream table, a swim-lane timeline of both legs for each failure with the findings "
                + "on the frames they cite, and a filterable list of exchanges. The page fetches nothing and runs no "
                + "script but its own; credentials in headers are redacted unless --show-secrets.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:report written, no error-severity finding",
                "1:report written, at least one error-severity finding",
                "2:bad usage, or the input could not be read",
                "3:input damaged part-way; the report covers the frames before the damage",
                "70:internal error in gatelens"})
final class ReportCommand extends CaptureCommand implements Callable<Integer> {
    @Mixin
    DiagnoseOptions diagnose;

    @Option(names = {"-o", "--output"}, paramLabel = "REPORT.html", required = true,
            description = "Where to write the page. It is written beside, under a temporary name, and renamed when "
                    + "complete, so an existing report is replaced only by a whole one.")
    Path output;

    @Option(names = "--show-secrets",
            description = "Show the values of Authorization, Proxy-Authorization, Cookie and Set-Cookie headers as "
                    + "captured. Without it they are replaced by their length.")
    boolean showSecrets;

    @Option(names = "--max-timelines", paramLabel = "N", defaultValue = "" + HtmlReport.DEFAULT_MAX_TIMELINES,
            description = "Failures drawn as timelines at most (the first N, in analyze's order); 0 for none. "
                    + "Default: ${DEFAULT-VALUE}.")
    int maxTimelines;

    @Option(names = "--max-exchanges", paramLabel = "N", defaultValue = "" + HtmlReport.DEFAULT_MAX_EXCHANGES,
            description = "Exchanges listed at most; failed ones first, then the earliest. Every exchange is counted "
                    + "in the headline and the chart whatever this is. Default: ${DEFAULT-VALUE}.")
    int maxExchanges;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        if (maxTimelines < 0) throw new CommandLine.ParameterException(cl, "--max-timelines must not be negative");
        if (maxExchanges < 0) throw new CommandLine.ParameterException(cl, "--max-exchanges must not be negative");
        Path parent = output.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new CommandLine.ParameterException(cl, "-o " + output + ": no such directory " + parent);
        }
        if (Files.isDirectory(output)) {
            throw new CommandLine.ParameterException(cl, "-o " + output + " is a directory; name the file to write");
        }
        if (Files.exists(output) && Files.exists(file) && Files.isSameFile(output, file)) {
            throw new CommandLine.ParameterException(cl, "-o " + output + " is the capture itself; name another file");
        }
        DetectOptions options = diagnose.detectOptions(cl);
        CorrelationLimits limits = CorrelationLimits.DEFAULT;
        HtmlReport report = new HtmlReport(showSecrets, maxExchanges);
        ProxyCorrelator correlator = new ProxyCorrelator(diagnose.roles(limits), limits, report);
        Passes.Result result;
        // As analyze: the correlation (and the report's findings) on a second thread beside the pass.
        try (RenderThread render = new RenderThread("gatelens-correlate")) {
            result = Passes.diagnose(file, maxConnections(), HttpLimits.DEFAULT, options,
                    report.keeping(correlator.through(render)), progress());
        }
        correlator.finish();
        AnalysisSummary summary = correlator.summary();

        // The swim lanes: passes of their own over the file (the builder's), recording only the
        // failures' connections, with the diagnosis told what analyze is told.
        List<Timeline> timelines = maxTimelines > 0 && summary.findings() > 0
                ? Timelines.forFailures(file, maxTimelines, new Timelines.Options(diagnose.proxies, diagnose.upstreams,
                        options, maxConnections())).value()
                : List.of();

        List<String> notes = notes(result.summary(), result.flows());
        String page = report.render(new HtmlReport.Page(file.toString(), summary, timelines, maxTimelines, notes));
        long bytes = HtmlReport.write(output, page);

        int code = finish(result.summary(), result.flows());
        PrintWriter out = out();
        out.println("gatelens: wrote " + output + " (" + size(bytes) + "): " + summary.exchanges() + " exchanges ("
                + report.exchangesListed() + " listed), " + summary.clientFailures() + " client-facing failures, "
                + summary.findings() + " findings, " + timelines.size() + " timelines");
        out.flush();
        if (code == ExitCodes.OK && correlator.errors() > 0) code = ExitCodes.PROBLEMS_FOUND;
        return code;
    }

    /** What limited the result, for the page (finish() says the same on standard error). */
    private List<String> notes(CaptureSummary summary, FlowTable flows) {
        List<String> notes = new ArrayList<>();
        if (summary.damage() != null) {
            notes.add("The capture is damaged: " + summary.damage().getMessage() + ". The report covers the "
                    + summary.frames() + " frames before it.");
        }
        for (SkipReason r : SkipReason.values()) {
            long n = summary.skipped(r);
            if (n > 0 && r.anomaly()) {
                notes.add("Frame " + summary.firstSkippedFrame(r) + ": " + r.description() + "; skipped"
                        + (n > 1 ? " (" + n + " frames like it)" : ""));
            }
        }
        if (flows.limitHit()) {
            notes.add("Connection table full at frame " + flows.limitHitAtFrame() + " (--max-connections " + flows.maxLive()
                    + "): " + flows.releasedEarly() + " idle connections were released early.");
        }
        if (flows.expiredIdle() > 0) {
            notes.add(flows.expiredIdle() + " connections had no frame for " + FlowTable.IDLE_TIMEOUT_NANOS / 1_000_000_000L
                    + " s and were let go before they ended.");
        }
        return notes;
    }

    private static String size(long bytes) {
        if (bytes >= 1 << 20) return String.format(Locale.ROOT, "%.1f MB", bytes / 1048576.0);
        if (bytes >= 1 << 10) return String.format(Locale.ROOT, "%.0f KB", bytes / 1024.0);
        return bytes + " bytes";
    }
}
