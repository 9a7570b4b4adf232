package io.gatelens.cli;

import io.gatelens.capture.CaptureInterface;
import io.gatelens.capture.Frame;
import io.gatelens.capture.LinkType;
import io.gatelens.capture.file.FileFormat;
import io.gatelens.capture.file.InterfaceInfo;
import io.gatelens.capture.file.Rotation;
import io.gatelens.capture.file.RotatingCaptureWriter;
import io.gatelens.capture.live.LiveCapture;
import io.gatelens.capture.live.LiveCaptureException;
import io.gatelens.capture.live.LiveOptions;
import io.gatelens.capture.live.LiveSource;
import io.gatelens.capture.live.LiveStats;
import io.gatelens.capture.live.PacketQueue;
import io.gatelens.detect.DetectOptions;
import io.gatelens.flow.FlowTable;
import io.gatelens.proxy.CorrelationLimits;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "capture", mixinStandardHelpOptions = true,
        description = {"Captures packets on an interface through libpcap, as tcpdump does: writes them to a "
                + "pcapng or pcap file that is readable at any moment (flushed at least once a second), rotating "
                + "it by size or time, and with --analyze diagnoses the traffic while it happens, printing each "
                + "finding within about a second of the frames that prove it.",
                "Needs libpcap and root (or CAP_NET_RAW). Ctrl-C (SIGINT) or SIGTERM stops it cleanly: every file is "
                        + "closed and the packet counts (captured, dropped by the kernel, dropped by the interface) "
                        + "are printed on standard error."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:stopped, nothing wrong found",
                "1:--analyze found at least one error-severity finding",
                "2:bad usage, or the capture could not start (no libpcap, no permission, no such interface, "
                        + "a filter that does not compile, a file that cannot be written)",
                "3:the capture failed part-way (the interface went away, the disk filled); results cover what came before",
                "70:internal error in gatelens"})
final class LiveCaptureCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-i", "--interface"}, paramLabel = "IFACE",
            description = "The interface, by name or by its number in 'gatelens interfaces'. Default: the first "
                    + "that is up and not loopback, as tcpdump chooses.")
    String device;

    @Option(names = {"-f", "--filter"}, paramLabel = "EXPRESSION",
            description = "A capture filter in tcpdump's (BPF) syntax, compiled by libpcap.")
    String filter;

    @Parameters(paramLabel = "EXPRESSION", arity = "0..*",
            description = "The filter may also be given as trailing words, as tcpdump takes it.")
    List<String> filterWords = new ArrayList<>();

    @Option(names = {"-w", "--write"}, paramLabel = "FILE",
            description = "Write the packets to FILE (with -G, a strftime pattern such as cap-%%H%%M%%S.pcapng).")
    Path write;

    @Option(names = {"-F", "--file-format"}, paramLabel = "FILE_FORMAT", defaultValue = "pcapng",
            description = "pcapng (keeps the interface's name and filter, nanosecond times) or pcap. "
                    + "Default: ${DEFAULT-VALUE}.")
    FileChoice fileFormat = FileChoice.pcapng;

    @Option(names = {"-s", "--snaplen"}, paramLabel = "BYTES", defaultValue = "" + LiveOptions.DEFAULT_SNAPLEN,
            description = "Bytes kept of each packet; 0 means the default, ${DEFAULT-VALUE} (whole packets). "
                    + "A smaller one cuts bodies: the analysis says which exchanges it could not judge.")
    int snaplen;

    @Option(names = {"-p", "--no-promiscuous-mode"},
            description = "Do not put the interface into promiscuous mode (see only this host's traffic).")
    boolean noPromiscuous;

    @Option(names = {"-B", "--buffer-size"}, paramLabel = "KiB", defaultValue = "" + (LiveOptions.DEFAULT_BUFFER_BYTES >> 10),
            description = "The kernel's capture buffer in KiB: a larger one rides out bursts and the JVM's pauses "
                    + "without drops. Default: ${DEFAULT-VALUE} (32 MiB; tcpdump's is 2 MiB).")
    int bufferKiB;

    @Option(names = "--immediate-mode",
            description = "Hand every packet over as it arrives instead of in blocks every 100 ms: lower "
                    + "latency, more CPU.")
    boolean immediate;

    @Option(names = {"-c", "--count"}, paramLabel = "N", description = "Stop after N packets.")
    long count;

    @Option(names = {"-a", "--duration"}, paramLabel = "SECONDS", description = "Stop after this many seconds.")
    double duration;

    @Option(names = "-C", paramLabel = "SIZE",
            description = "Start a new file when the current one is larger than SIZE millions of bytes "
                    + "(or SIZEk, SIZEm, SIZEg: KiB, MiB, GiB), as tcpdump -C: FILE, FILE1, FILE2, ...")
    String rotateSize;

    @Option(names = "-G", paramLabel = "SECONDS",
            description = "Start a new file every SECONDS, as tcpdump -G; FILE is a strftime pattern.")
    long rotateSeconds;

    @Option(names = "-W", paramLabel = "COUNT",
            description = "With -C, a ring of COUNT files (FILE0 ... overwritten in turn); with -G alone, stop "
                    + "after COUNT files. As tcpdump -W.")
    int fileCount;

    @Option(names = "--analyze",
            description = "Diagnose the packets while capturing, as 'gatelens analyze' does a file: findings on "
                    + "standard output as they are judged, a status line on standard error every few seconds, the "
                    + "full report at the end.")
    boolean analyze;

    @Mixin
    OutputFormat format;

    @Mixin
    DiagnoseOptions diagnose;

    @Option(names = "--settle", paramLabel = "SECONDS", defaultValue = "1",
            description = "With --analyze: how long an exchange waits for its partner on the other leg before it is "
                    + "judged and its findings printed ('analyze' on a file waits up to "
                    + (CorrelationLimits.DEFAULT_HORIZON_SECONDS) + " s). Default: ${DEFAULT-VALUE}.")
    double settle;

    @Option(names = "--status-every", paramLabel = "SECONDS", defaultValue = "5",
            description = "With --analyze: a status line on standard error this often (packets, drops, open "
                    + "connections, client 5xx, top cause); 0 for none. Default: ${DEFAULT-VALUE}.")
    double statusEvery;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "" + FlowTable.DEFAULT_MAX_LIVE,
            description = "Most connections held at once; past it the least recently active is released "
                    + "early (and reported). Default: ${DEFAULT-VALUE}.")
    int maxConnections;

    @Option(names = {"-q", "--quiet"}, description = "No status lines; only findings, errors and the final counts.")
    boolean quiet;

    enum FileChoice { pcapng, pcap }

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        PrintWriter err = cl.getErr();
        String expression = expression(cl);
        Rotation rotation = rotation(cl);
        if (write == null && !analyze) {
            throw new CommandLine.ParameterException(cl,
                    "nothing to do: give -w FILE to write the packets, --analyze to diagnose them, or both");
        }
        if (count < 0) throw new CommandLine.ParameterException(cl, "--count must not be negative");
        if (duration < 0) throw new CommandLine.ParameterException(cl, "--duration must not be negative");
        if (settle < 0) throw new CommandLine.ParameterException(cl, "--settle must not be negative");
        if (statusEvery < 0) throw new CommandLine.ParameterException(cl, "--status-every must not be negative");
        if (maxConnections < 1) throw new CommandLine.ParameterException(cl, "--max-connections must be at least 1");
        if (bufferKiB < 0) throw new CommandLine.ParameterException(cl, "--buffer-size must not be negative");
        if (snaplen < 0 || snaplen > LiveOptions.DEFAULT_SNAPLEN) {
            throw new CommandLine.ParameterException(cl, "--snaplen must be 0 to " + LiveOptions.DEFAULT_SNAPLEN);
        }
        DetectOptions detect = analyze ? diagnose.detectOptions(cl) : null;

        LiveCapture capture;
        try {
            String name = device;
            if (name == null || name.matches("[0-9]{1,6}")) {
                var found = io.gatelens.capture.live.LiveInterfaces.find(
                        io.gatelens.capture.live.LiveInterfaces.list(), name);
                if (found == null) {
                    throw new LiveCaptureException(LiveCaptureException.Kind.NO_SUCH_INTERFACE,
                            (name == null ? "no interface to capture on" : "no interface number " + name)
                                    + "; 'gatelens interfaces' lists them");
                }
                name = found.name();
            }
            capture = LiveCapture.open(new LiveOptions(name, expression, snaplen == 0 ? LiveOptions.DEFAULT_SNAPLEN : snaplen,
                    !noPromiscuous, bufferKiB << 10, immediate, LiveOptions.DEFAULT_TIMEOUT_MILLIS));
        } catch (LiveCaptureException e) {
            return report(err, e);
        }
        try (capture) {
            RotatingCaptureWriter writer = null;
            if (write != null) {
                try {
                    writer = new RotatingCaptureWriter(write, fileFormat == FileChoice.pcap ? FileFormat.PCAP : FileFormat.PCAPNG,
                            new InterfaceInfo(capture.device(), capture.description(), capture.linkType(), capture.snaplen(),
                                    expression, capture.nanos()),
                            rotation, System::currentTimeMillis, System::nanoTime);
                } catch (IOException | IllegalArgumentException e) {
                    err.println("gatelens: cannot write " + write + ": " + message(e));
                    err.flush();
                    return ExitCodes.USAGE_OR_UNREADABLE;
                }
            }
            return run(capture, writer, detect, expression, err);
        }
    }

    private int run(LiveCapture capture, RotatingCaptureWriter writer, DetectOptions detect, String expression,
                    PrintWriter err) throws Exception {
        LinkType link = LinkType.fromCode(capture.linkType());
        err.println("gatelens: capturing on " + capture.device() + ", link type " + link + " (" + capture.linkType()
                + "), snapshot length " + capture.snaplen() + " bytes, " + (capture.nanos() ? "nanosecond" : "microsecond")
                + " timestamps" + (expression == null ? "" : ", filter '" + expression + "'")
                + (write == null ? "" : ", writing " + write));
        err.flush();

        // 8,192 packets or 16 MiB wait at most between the capture thread and this one.
        PacketQueue queue = new PacketQueue(8_192, 16L << 20);
        Signals signals = Signals.install(capture::stop);
        Throwable[] captureFailure = new Throwable[1];
        Thread captureThread = new Thread(() -> {
            try {
                capture.run(count, queue::put);
            } catch (Throwable t) {
                captureFailure[0] = t;
            } finally {
                queue.close();
            }
        }, "gatelens-capture");
        captureThread.setDaemon(true);

        Live live = new Live(capture, writer);
        CaptureInterface iface = new CaptureInterface(0, capture.linkType(), capture.snaplen(), capture.device(),
                capture.description(), expression == null ? "" : expression);
        LiveSource source = new LiveSource(capture.device(), queue, iface,
                writer == null ? null : f -> live.write(f), live::tick, System::nanoTime, LiveAnalysis.TICK_NANOS);

        int code = ExitCodes.OK;
        LiveAnalysis analysis = analyze ? new LiveAnalysis(spec.commandLine().getOut(), err, format.json(),
                "live capture on " + capture.device(), diagnose, (long) (settle * 1e9),
                quiet ? 0 : (long) (statusEvery * 1e9), () -> {
                    LiveStats s = capture.stats();
                    return "packets " + s.captured() + "  dropped " + s.droppedByKernel() + " kernel, "
                            + s.droppedByInterface() + " interface";
                }) : null;
        live.analysis = analysis;
        captureThread.start();
        try {
            if (analysis != null) {
                analysis.run(source, maxConnections, detect);
            } else {
                Frame frame = new Frame();
                while (source.next(frame)) {
                    // Only the tap (the file) and the ticks: nothing to decode.
                }
            }
        } catch (IOException e) {
            // The disk filled or the file went away: the capture stops below; what was written stays.
            err.println("gatelens: " + (write == null ? "" : write + ": ") + message(e) + "; capture stopped");
            code = ExitCodes.INPUT_DAMAGED;
        } finally {
            capture.stop();
            queue.close();
            captureThread.join(5_000);
            signals.restore();
        }
        if (writer != null) {
            try {
                writer.close();
            } catch (IOException e) {
                err.println("gatelens: " + write + ": " + message(e));
                code = ExitCodes.INPUT_DAMAGED;
            }
        }
        if (captureFailure[0] instanceof LiveCaptureException e) {
            err.println("gatelens: " + e.getMessage());
            code = ExitCodes.INPUT_DAMAGED;
        } else if (captureFailure[0] != null && !(captureFailure[0] instanceof InterruptedException)) {
            throw new IllegalStateException("capture thread failed", captureFailure[0]);
        }
        LiveStats stats = capture.stats();
        if (analysis != null) code = analysis.finish(code, "live capture on " + capture.device(), true);
        if (writer != null) {
            err.println("gatelens: wrote " + writer.packetsWritten() + " packets to " + filesText(writer.files()));
        }
        // tcpdump's closing lines, so scripts that read them read ours.
        err.println(stats.captured() + " packets captured");
        err.println(stats.receivedByFilter() + " packets received by filter");
        err.println(stats.droppedByKernel() + " packets dropped by kernel");
        err.println(stats.droppedByInterface() + " packets dropped by interface");
        err.flush();
        return code;
    }

    /** What runs on the analysis thread between packets: the file's flush, the stop conditions, the analysis's clock. */
    private final class Live {
        final LiveCapture capture;
        final RotatingCaptureWriter writer;
        final long deadline;
        LiveAnalysis analysis;

        Live(LiveCapture capture, RotatingCaptureWriter writer) {
            this.capture = capture;
            this.writer = writer;
            this.deadline = duration > 0 ? System.nanoTime() + (long) (duration * 1e9) : Long.MAX_VALUE;
        }

        void write(Frame f) throws IOException {
            writer.write(f.epochNanos(), f.buffer(), f.offset(), f.capturedLength(), f.originalLength());
        }

        void tick(long now) throws IOException {
            if (writer != null) {
                writer.tick();
                if (writer.finished()) capture.stop();
            }
            if (now - deadline >= 0) capture.stop();
            if (analysis != null) analysis.tick(now);
        }
    }

    private String expression(CommandLine cl) {
        if (filter != null && !filterWords.isEmpty()) {
            throw new CommandLine.ParameterException(cl, "give the filter either with -f or as trailing words, not both");
        }
        String e = filter != null ? filter : String.join(" ", filterWords);
        return e.isBlank() ? null : e;
    }

    private Rotation rotation(CommandLine cl) {
        try {
            long bytes = rotateSize == null ? 0 : Rotation.fileSizeBytes(rotateSize);
            if ((bytes > 0 || rotateSeconds > 0) && write == null) {
                throw new CommandLine.ParameterException(cl, "-C and -G need -w FILE");
            }
            return new Rotation(bytes, rotateSeconds, fileCount);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
    }

    private static String filesText(List<Path> files) {
        if (files.size() <= 3) return String.join(", ", files.stream().map(Path::toString).toList());
        return files.get(0) + " ... " + files.get(files.size() - 1) + " (" + files.size() + " files)";
    }

    private static String message(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** One line for a capture that cannot start; exit code 2. Shared with {@code interfaces}. */
    static int report(PrintWriter err, LiveCaptureException e) {
        err.println("gatelens: " + e.getMessage());
        err.flush();
        return ExitCodes.USAGE_OR_UNREADABLE;
    }
}
