package io.gatelens.cli;

import io.gatelens.anomaly.Severity;
import io.gatelens.detect.DetectOptions;
import io.gatelens.http.HttpLimits;
import io.gatelens.pipeline.CapturePass;
import io.gatelens.pipeline.Passes;
import io.gatelens.proxy.AnalysisSummary;
import io.gatelens.proxy.CorrelationLimits;
import io.gatelens.proxy.ProxyCorrelator;
import io.gatelens.proxy.Roles;
import io.gatelens.report.FrameComments;
import io.gatelens.report.PcapngAnnotator;
import io.gatelens.report.RenderThread;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code gatelens annotate FILE -o OUT.pcapng} (issue #6): the capture, every frame as it was, with
 * a pcapng packet comment on each frame a finding cites, so Wireshark shows the diagnosis where
 * it happened. Two passes over FILE: the diagnosis exactly as {@code analyze} runs it, collecting
 * the comments; then the copy. The copy is written beside OUT under a temporary name and renamed
 * at the end, so a failed run leaves no half file and an existing OUT stays as it was.
 */
@Command(name = "annotate", mixinStandardHelpOptions = true,
        description = "Writes FILE again as pcapng, every frame unchanged, with a packet comment on each frame a "
                + "finding of 'gatelens analyze' cites: 'gatelens: finding N CAUSE (SEVERITY): what the frame shows "
                + "— the explanation's first sentence'. Wireshark shows them as packet comments; "
                + "tshark -r OUT -Y 'frame.comment contains \"gatelens\"' lists them.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:written; no error-severity finding",
                "1:written; at least one error-severity finding",
                "2:bad usage, or the input could not be read, or OUT could not be written",
                "3:input damaged part-way; OUT holds the frames before the damage",
                "70:internal error in gatelens"})
final class AnnotateCommand extends CaptureCommand implements Callable<Integer> {
    @Mixin
    DiagnoseOptions diagnose;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", required = true,
            description = "The pcapng file to write (replaced if it exists; never FILE itself).")
    Path output;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        DetectOptions options = diagnose.detectOptions(cl);
        Path dir = checkOutput(cl);

        // Pass 1: the diagnosis, as analyze runs it, the findings in its order.
        CorrelationLimits limits = CorrelationLimits.DEFAULT;
        Roles roles = diagnose.roles(limits);
        FrameComments comments = new FrameComments();
        ProxyCorrelator correlator = new ProxyCorrelator(roles, limits, comments);
        long size = Files.size(file);
        CapturePass.Progress line = progress();
        Passes.Result result;
        try (RenderThread render = new RenderThread("gatelens-correlate")) {
            // The progress line covers both passes: each is half of the bytes to read.
            result = Passes.diagnose(file, maxConnections(), HttpLimits.DEFAULT, options, correlator.through(render),
                    line == null ? null : (read, total, frames) -> line.progress(read, 2 * size, frames));
        }
        correlator.finish();
        AnalysisSummary summary = correlator.summary();
        long diagnosed = result.summary().frames();

        // Pass 2: the copy, beside OUT under a name of its own until it is whole.
        Path temp = dir.resolve("." + output.getFileName() + ".gatelens-"
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()) + ".tmp");
        PcapngAnnotator.Result copied;
        boolean moved = false;
        try {
            try (OutputStream out = Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                // Removed by the JVM if the run is interrupted (SIGINT, SIGTERM) before the rename.
                temp.toFile().deleteOnExit();
                copied = PcapngAnnotator.copy(file, out, sectionComment(comments), application(),
                        comments.cursor(), line == null ? null
                                : (read, total, frames) -> line.progress(size + read, 2 * size, diagnosed + frames));
            }
            try {
                Files.move(temp, output, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, output, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
        } catch (FileAlreadyExistsException e) {
            throw new IOException(e.getFile() + ": exists already (another gatelens annotate writing beside it?)");
        } finally {
            if (!moved) Files.deleteIfExists(temp);
        }

        int code = finish(result.summary(), result.flows());
        PrintWriter err = err();
        AnalyzeCommand.correlationNotes(err, file.toString(), summary);
        if (comments.firstUnmarked() > 0) {
            err.println("gatelens: " + output + ": findings from number " + comments.firstUnmarked()
                    + " on are not marked: more than " + comments.maxComments() + " frame comments");
        }
        if (copied.firstRenumbered() > 0) {
            err.println("gatelens: " + file + ": from frame " + copied.firstRenumbered() + " on, " + output
                    + " numbers frames lower than FILE: FILE holds blocks Wireshark counts as frames that are not "
                    + "packets (custom or journal blocks), and they are not copied; the comments are on the right packets");
        }
        if (copied.negativeTimes() > 0) {
            err.println("gatelens: " + file + ": frame " + copied.firstNegative() + " (and " + (copied.negativeTimes() - 1)
                    + " more) is timed before 1970; written at 1970-01-01T00:00:00Z");
        }
        if ((copied.damage() == null) != (result.summary().damage() == null) || copied.frames() != diagnosed) {
            // Both passes stop at the same damage; a difference means FILE changed between them.
            err.println("gatelens: " + file + ": changed while read: the diagnosis read " + diagnosed
                    + " frames, the copy " + copied.frames());
        }
        err.flush();
        PrintWriter out = out();
        out.println("wrote " + output + ": " + copied.frames() + " frames, " + (copied.comments() == 0
                ? "no comments (" + findings(comments) + ")"
                : copied.comments() + " comment" + (copied.comments() == 1 ? "" : "s") + " on "
                        + copied.commentedFrames() + " frame" + (copied.commentedFrames() == 1 ? "" : "s")
                        + " from " + findings(comments)));
        out.flush();
        // Damage outranks findings: a finding from a cut file may be an artefact of the cut.
        if (code == ExitCodes.OK && correlator.errors() > 0) code = ExitCodes.PROBLEMS_FOUND;
        return code;
    }

    /**
     * OUT's directory, after refusing what cannot end well before the first pass starts: FILE
     * itself (its frames would be lost), a directory, a directory that does not exist.
     */
    private Path checkOutput(CommandLine cl) throws IOException {
        if (Files.isDirectory(output)) {
            throw new CommandLine.ParameterException(cl, "-o " + output + ": is a directory");
        }
        if (Files.exists(output) && Files.exists(file) && Files.isSameFile(file, output)) {
            throw new CommandLine.ParameterException(cl, "-o " + output + " is FILE itself: annotate writes a new file; "
                    + "give another name");
        }
        Path dir = output.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new CommandLine.ParameterException(cl, "-o " + output + ": no such directory " + dir);
        }
        // The copy is a second read: a pipe could give its bytes only once.
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new CommandLine.ParameterException(cl, file + ": annotate reads FILE twice, so it must be a regular "
                    + "file, not a pipe or a device");
        }
        return dir;
    }

    private String sectionComment(FrameComments comments) {
        return "gatelens annotate " + file.getFileName() + ": " + findings(comments)
                + "; each frame a finding cites carries a comment starting 'gatelens: finding N'";
    }

    private static String findings(FrameComments c) {
        long n = c.findings();
        if (n == 0) return "no findings";
        StringBuilder s = new StringBuilder().append(n).append(n == 1 ? " finding (" : " findings (");
        String sep = "";
        for (Severity v : Severity.values()) {
            if (c.findings(v) == 0) continue;
            s.append(sep).append(c.findings(v)).append(' ').append(v.id());
            sep = ", ";
        }
        return s.append(')').toString();
    }

    private static String application() {
        try {
            return new Main.Version().getVersion()[0];
        } catch (IOException e) {
            return "gatelens";
        }
    }
}
