package io.gatelens.cli;

import io.gatelens.capture.decode.SkipReason;
import io.gatelens.flow.FlowTable;
import io.gatelens.pipeline.CapturePass;
import io.gatelens.pipeline.CaptureSummary;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * What every command that reads one capture file shares: the FILE, the pass, the progress line,
 * the damage line. A command hands {@link #progress()} to its pass, writes through {@link #out()}
 * and {@link #err()} (which wipe the progress line first), and ends with {@link #finish}.
 */
abstract class CaptureCommand {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE",
            description = "A pcap or pcapng file, as tcpdump, dumpcap or Wireshark write it (gzip allowed).")
    Path file;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "" + FlowTable.DEFAULT_MAX_LIVE,
            description = "Most connections held at once; past it the least recently active is released "
                    + "early (and reported). Default: ${DEFAULT-VALUE}.")
    int maxConnections;

    @Option(names = {"-q", "--quiet"},
            description = "No progress line on standard error. Without it, a long read shows one "
                    + "(bytes, frames, rate, time left) when standard error is a terminal.")
    boolean quiet;

    private ProgressLine progressLine;
    private boolean progressDecided;
    private PrintWriter out, err;

    int maxConnections() {
        if (maxConnections < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max-connections must be at least 1");
        }
        return maxConnections;
    }

    FlowTable newFlowTable(java.util.function.Consumer<io.gatelens.flow.Connection> done) {
        return new FlowTable(maxConnections(), done);
    }

    /** Rows are written in connection order unless too many waited behind a long connection. */
    void warnOutOfOrder(io.gatelens.flow.InIdOrder<?> ordered) {
        if (ordered.outOfOrder() > 0) {
            err().println("gatelens: " + file + ": " + ordered.outOfOrder()
                    + " rows written before a lower id: too many connections waited behind one still open");
        }
    }

    /** Reads the whole file once. */
    CaptureSummary scan(FlowTable flows) throws IOException {
        return new CapturePass(flows, null, progress()).run(file);
    }

    /** The hook for the pass: null when no progress line is wanted (--quiet, or no terminal). */
    CapturePass.Progress progress() {
        return progressLine();
    }

    /** Standard output; when it shares the terminal with the progress line, writing wipes the line. */
    PrintWriter out() {
        if (out == null) {
            ProgressLine p = progressLine();
            PrintWriter o = spec.commandLine().getOut();
            out = p != null && terminal().stdoutIsTerminal() ? p.guard(o, true) : o;
        }
        return out;
    }

    /** Standard error, wiping the progress line before each message. */
    PrintWriter err() {
        if (err == null) {
            ProgressLine p = progressLine();
            PrintWriter e = spec.commandLine().getErr();
            err = p != null ? p.guard(e, false) : e;
        }
        return err;
    }

    /** Wipes the progress line, if one is shown; Main calls it before reporting an error. */
    void clearProgress() {
        if (progressLine != null) progressLine.clear();
    }

    private ProgressLine progressLine() {
        if (!progressDecided) {
            progressDecided = true;
            Terminal t = terminal();
            if (!quiet && t.stderrIsTerminal()) {
                progressLine = new ProgressLine(spec.commandLine().getErr(), t.nanoClock());
            }
        }
        return progressLine;
    }

    /** Main's, so that tests can set it; detected when this command runs on its own. */
    Terminal terminal() {
        return spec.root().userObject() instanceof Main m ? m.terminal() : Terminal.detect();
    }

    /**
     * Says on stderr what limited the result and returns the exit code for it: damage to the
     * file, or a cap that was hit.
     */
    int finish(CaptureSummary summary, FlowTable flows) {
        clearProgress();
        PrintWriter err = err();
        out().flush();
        int code = ExitCodes.OK;
        // Frames gatelens cannot decode are skipped, not fatal: one warning per kind, at its first frame.
        for (SkipReason r : SkipReason.values()) {
            long n = summary.skipped(r);
            if (n > 0 && r.anomaly()) {
                err.println("gatelens: " + file + ": frame " + summary.firstSkippedFrame(r) + ", byte offset "
                        + summary.firstSkippedOffset(r) + ": " + r.description() + "; skipped"
                        + (n > 1 ? " (" + n + " frames like it)" : ""));
            }
        }
        if (flows.limitHit()) {
            err.println("gatelens: " + file + ": connection table full at frame " + flows.limitHitAtFrame()
                    + " (--max-connections " + flows.maxLive() + "); " + flows.releasedEarly()
                    + " idle connections were released early, so a later frame of one counts as a new connection");
        }
        if (flows.expiredIdle() > 0) {
            err.println("gatelens: " + file + ": " + flows.expiredIdle() + " connections had no frame for "
                    + FlowTable.IDLE_TIMEOUT_NANOS / 1_000_000_000L + " s and were let go before they ended; "
                    + "a later frame of one counts as a new connection");
        }
        if (summary.damage() != null) {
            err.println("gatelens: " + summary.damage().getMessage() + " (results cover the "
                    + summary.frames() + " frames before it)");
            code = ExitCodes.INPUT_DAMAGED;
        }
        err.flush();
        return code;
    }
}
