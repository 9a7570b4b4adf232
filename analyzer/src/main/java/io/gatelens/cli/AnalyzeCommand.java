package io.gatelens.cli;

import io.gatelens.capture.CaptureFormatException;
import io.gatelens.capture.file.CaptureFiles;
import io.gatelens.capture.file.FollowOptions;
import io.gatelens.capture.file.FollowedCapture;
import io.gatelens.detect.DetectOptions;
import io.gatelens.http.HttpLimits;
import io.gatelens.pipeline.Passes;
import io.gatelens.proxy.AnalysisSummary;
import io.gatelens.proxy.CorrelationLimits;
import io.gatelens.proxy.ProxyCorrelator;
import io.gatelens.proxy.Roles;
import io.gatelens.report.AnalyzeReport;
import io.gatelens.report.RenderThread;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = "Says for every 5xx (and every failed exchange) the proxy sent its clients what the "
                + "upstream did to cause it, with the frames that prove it and what to change. Finds the proxy "
                + "and its upstreams in the capture (either leg alone will do); --proxy and --upstream override "
                + "the guess.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:no error-severity finding",
                "1:at least one error-severity finding",
                "2:bad usage, or the input could not be read",
                "3:input damaged part-way; results cover the frames before the damage",
                "70:internal error in gatelens"})
final class AnalyzeCommand extends CaptureCommand implements Callable<Integer> {
    @Mixin
    OutputFormat format;

    @Mixin
    DiagnoseOptions diagnose;

    @Option(names = "--follow",
            description = "Read FILE while another program (tcpdump -U -w, dumpcap, gatelens capture -w) is still "
                    + "writing it, printing each finding as it is judged; the file may not exist yet. Ctrl-C or "
                    + "SIGTERM stops it: what the file holds then is read, and the summary follows.")
    boolean follow;

    @Option(names = "--follow-idle", paramLabel = "SECONDS",
            description = "With --follow: also stop once the file has not grown for this long (its writer ended). "
                    + "Default: wait until stopped.")
    double followIdle;

    @Option(names = "--settle", paramLabel = "SECONDS", defaultValue = "1",
            description = "With --follow: how long an exchange waits for its partner on the other leg before it is "
                    + "judged and printed (without --follow: " + CorrelationLimits.DEFAULT_HORIZON_SECONDS
                    + " s). Default: ${DEFAULT-VALUE}.")
    double settle;

    @Option(names = "--status-every", paramLabel = "SECONDS", defaultValue = "5",
            description = "With --follow: a status line on standard error this often while the file is not "
                    + "growing (bytes read, connections held, client 5xx, top cause); 0 for none. "
                    + "Default: ${DEFAULT-VALUE}.")
    double statusEvery;

    @Override
    public Integer call() throws Exception {
        DetectOptions options = diagnose.detectOptions(spec.commandLine());
        if (follow) return follow(options);
        if (followIdle != 0) throw new CommandLine.ParameterException(spec.commandLine(), "--follow-idle needs --follow");
        CorrelationLimits limits = CorrelationLimits.DEFAULT;
        Roles roles = diagnose.roles(limits);
        Passes.Result result;
        ProxyCorrelator correlator;
        AnalysisSummary summary;
        try (AnalyzeReport report = format.json() ? AnalyzeReport.json(out()) : AnalyzeReport.text(out(), file.toString())) {
            correlator = new ProxyCorrelator(roles, limits, report);
            // Correlation and the report run on a second thread, beside the pass.
            try (RenderThread render = new RenderThread("gatelens-correlate")) {
                result = Passes.diagnose(file, maxConnections(), HttpLimits.DEFAULT,
                        options, correlator.through(render),
                        progress());
            }
            correlator.finish();
            summary = correlator.summary();
            report.summary(summary);
        }
        int code = finish(result.summary(), result.flows());
        PrintWriter err = err();
        correlationNotes(err, file.toString(), summary);
        err.flush();
        // Damage outranks findings: a finding from a cut file may be an artefact of the cut.
        if (code == ExitCodes.OK && correlator.errors() > 0) code = ExitCodes.PROBLEMS_FOUND;
        return code;
    }

    /**
     * What limited the correlation, on stderr: a --proxy or --upstream that matched nothing, and
     * exchanges judged before the horizon because the window was full. Every command that runs
     * {@code analyze}'s diagnosis on a file says these.
     */
    static void correlationNotes(PrintWriter err, String file, AnalysisSummary summary) {
        for (String g : summary.unmatchedGiven()) {
            err.println("gatelens: " + file + ": " + g + " matched no server endpoint in the capture");
        }
        AnalysisSummary.Window w = summary.window();
        if (w.decidedEarly() > 0) {
            err.println("gatelens: " + file + ": more than " + w.maxPending() + " exchanges waited for correlation at once; "
                    + w.decidedEarly() + " were judged before " + w.horizonNanos() / 1_000_000_000L
                    + " s had passed, so a late partner of one may be unmatched");
        }
    }

    /** --follow: the live form of the diagnosis over a file still being written. */
    private int follow(DetectOptions options) throws Exception {
        CommandLine cl = spec.commandLine();
        if (followIdle < 0 || settle < 0 || statusEvery < 0) {
            throw new CommandLine.ParameterException(cl, "--follow-idle, --settle and --status-every must not be negative");
        }
        FollowedCapture[] followed = new FollowedCapture[1];
        LiveAnalysis analysis = new LiveAnalysis(out(), err(), format.json(), file.toString(), diagnose,
                (long) (settle * 1e9), quiet ? 0 : (long) (statusEvery * 1e9),
                () -> "read " + (followed[0] == null ? 0 : followed[0].bytesRead()) + " bytes");
        FollowOptions fo = FollowOptions.defaults().withIdleTimeoutNanos((long) (followIdle * 1e9))
                .withOnIdle(() -> analysis.tick(System.nanoTime()), LiveAnalysis.TICK_NANOS);
        Passes.Result result;
        try (FollowedCapture f = CaptureFiles.follow(file, fo)) {
            followed[0] = f;
            Signals signals = Signals.install(f::stop);
            try {
                result = analysis.run(f.source(), maxConnections(), options);
            } finally {
                signals.restore();
            }
            int code = analysis.finish(finish(result.summary(), result.flows()), file.toString(), false);
            if (f.endedMidRecord()) {
                CaptureFormatException cut = f.cutRecord();
                err().println("gatelens: " + file + ": following " + (f.ending() == FollowedCapture.Ending.IDLE_TIMEOUT
                        ? "ended (no growth for " + followIdle + " s)" : "stopped") + " while frame " + cut.frameNumber()
                        + " was still being written: its " + f.cutRecordBytes() + " bytes (at offset "
                        + cut.byteOffset() + ") are not analyzed");
                err().flush();
            }
            return code;
        }
    }
}
