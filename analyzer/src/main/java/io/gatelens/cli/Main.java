package io.gatelens.cli;

import io.gatelens.capture.CaptureFormatException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import io.gatelens.report.ByteOutput;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.Properties;
import java.util.function.Supplier;

@Command(name = "gatelens",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Reads the packets between a reverse proxy and its upstreams and says what happened.",
        subcommands = {AnalyzeCommand.class, ReportCommand.class, TimelineCommand.class, AnnotateCommand.class,
                LiveCaptureCommand.class, InterfacesCommand.class, InfoCommand.class, ConversationsCommand.class,
                StreamsCommand.class, TransactionsCommand.class, CompletionCommand.class, ManCommand.class,
                CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:read to the end, nothing wrong found",
                "1:problems found in the traffic",
                "2:bad usage, or the input could not be read",
                "3:input damaged part-way; results cover the frames before the damage",
                "70:internal error in gatelens"})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Supplier<Terminal> terminalSource;
    private Terminal terminal;

    /** For picocli-codegen's man page generator, which builds the command tree from the class. */
    private Main() {
        this(Terminal::detect);
    }

    private Main(Supplier<Terminal> terminalSource) {
        this.terminalSource = terminalSource;
    }

    /** What standard error and output are connected to, asked once, when a command first needs it. */
    Terminal terminal() {
        if (terminal == null) terminal = terminalSource.get();
        return terminal;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is needed");
    }

    public static void main(String[] args) {
        int code;
        // Standard output in one 64 KiB buffer, flushed at the end: picocli's default writer
        // flushes on every println, a system call per row. UTF-8 whatever the locale, as JSON
        // Lines requires.
        PrintWriter out = new StandardOutput(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16));
        try {
            CommandLine cl = commandLine();
            cl.setOut(out);
            code = cl.execute(args);
        } catch (OutOfMemoryError e) {
            System.err.println("gatelens: out of memory: give Java more heap (GATELENS_JAVA_OPTS=-Xmx1g) "
                    + "or hold fewer connections (--max-connections)");
            code = ExitCodes.INTERNAL_ERROR;
        }
        out.flush();
        System.exit(code);
    }

    /** Text and JSON bytes through one buffer: the JSON reports write bytes straight to it. */
    private static final class StandardOutput extends PrintWriter implements ByteOutput {
        private final OutputStream stream;

        StandardOutput(OutputStream stream) {
            super(new OutputStreamWriter(stream, StandardCharsets.UTF_8), false);
            this.stream = stream;
        }

        @Override
        public OutputStream bytes() {
            flush();
            return stream;
        }
    }

    /** The configured command line; tests call this with their own writers. */
    public static CommandLine commandLine() {
        return commandLine(Terminal::detect);
    }

    /** The same, with the terminal (and the clock of the progress line) chosen by the caller. */
    public static CommandLine commandLine(Supplier<Terminal> terminal) {
        CommandLine cl = new CommandLine(new Main(terminal));
        cl.setExecutionExceptionHandler(Main::handleError);
        return cl;
    }

    /** Errors that stop a command become one line on stderr and an exit code, never a stack trace. */
    private static int handleError(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        if (cl.getCommand() instanceof CaptureCommand c) c.clearProgress();
        PrintWriter err = cl.getErr();
        if (e instanceof CaptureFormatException) {
            err.println("gatelens: " + e.getMessage());
            err.flush();
            return ExitCodes.USAGE_OR_UNREADABLE;
        }
        if (e instanceof NoSuchFileException n) {
            err.println("gatelens: " + n.getFile() + ": no such file");
            err.flush();
            return ExitCodes.USAGE_OR_UNREADABLE;
        }
        if (e instanceof AccessDeniedException a) {
            err.println("gatelens: " + a.getFile() + ": permission denied");
            err.flush();
            return ExitCodes.USAGE_OR_UNREADABLE;
        }
        if (e instanceof IOException) {
            err.println("gatelens: " + e.getMessage());
            err.flush();
            return ExitCodes.USAGE_OR_UNREADABLE;
        }
        err.println("gatelens: internal error: " + e);
        err.println("Please report it with the capture if you can share it; run with GATELENS_DEBUG=1 for details.");
        if (System.getenv("GATELENS_DEBUG") != null) e.printStackTrace(err);
        err.flush();
        return ExitCodes.INTERNAL_ERROR;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
                if (in != null) p.load(in);
            }
            return new String[] {"gatelens " + p.getProperty("version", "unknown")};
        }
    }
}
