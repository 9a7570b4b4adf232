package io.gatelens.cli;

import io.gatelens.anomaly.Severity;
import io.gatelens.report.TimelineJson;
import io.gatelens.report.TimelineText;
import io.gatelens.timeline.Selector;
import io.gatelens.timeline.Timeline;
import io.gatelens.timeline.Timelines;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

@Command(name = "timeline", mixinStandardHelpOptions = true,
        description = "One connection's life, one line per event (handshake, request, status, bodies, FIN, RST, "
                + "gaps, retransmissions, zero windows), with the findings of analyze written under the frames "
                + "they cite. When the capture holds both legs, the client's connection to the proxy and the "
                + "upstream connection(s) behind it are interleaved on one time axis in two columns.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:the timeline shows no error-severity finding",
                "1:the timeline shows an error-severity finding",
                "2:bad usage, nothing matched the selector, or the input could not be read",
                "3:input damaged part-way; the timeline covers the frames before the damage",
                "70:internal error in gatelens"})
final class TimelineCommand extends CaptureCommand implements Callable<Integer> {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Select select;

    /** Exactly one of the three. */
    static final class Select {
        @Option(names = "--connection", paramLabel = "ID", required = true,
                description = "The connection with this id (Wireshark's tcp.stream, as the other commands print it), "
                        + "and the connections on the other leg tied to it.")
        Long connection;

        @Option(names = "--request", paramLabel = "REQUEST", required = true,
                description = "The first exchange whose request line matches, as \"METHOD TARGET\" (\"GET /path\"), "
                        + "and its other leg.")
        String request;

        @Option(names = "--finding", paramLabel = "N", required = true,
                description = "The N-th finding of gatelens analyze (1-based, in its output order), with both legs.")
        Integer finding;
    }

    @Option(names = "--no-color",
            description = "No colours. Without it, colours are used when standard output is a terminal and the "
                    + "NO_COLOR environment variable is not set.")
    boolean noColor;

    @Mixin
    OutputFormat format;

    @Mixin
    DiagnoseOptions diagnose;

    /** The environment the style is read from; tests set their own. */
    Map<String, String> env = System.getenv();
    /** The terminal's width in columns, or -1; tests set their own. */
    IntSupplier terminalColumns = TimelineCommand::sttyColumns;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        Timelines.Options options = new Timelines.Options(diagnose.proxies, diagnose.upstreams,
                diagnose.detectOptions(cl), maxConnections());
        Selector selector = selector(cl);
        Timelines.Built<Timeline> built;
        try {
            built = Timelines.one(file, selector, options);
        } catch (IllegalArgumentException e) {
            // Nothing matched: the user's word was wrong, not the program. One line, no usage screen.
            clearProgress();
            err().println("gatelens: " + file + ": " + e.getMessage());
            err().flush();
            return ExitCodes.USAGE_OR_UNREADABLE;
        }
        Timeline timeline = built.value();
        if (format.json()) TimelineJson.write(out(), timeline);
        else TimelineText.write(out(), file.toString(), timeline,
                style(env, terminal().stdoutIsTerminal(), noColor, terminalColumns));
        // Damage and caps of the pass that recorded the events, as every file command says them.
        int code = finish(built.pass().summary(), built.pass().flows());
        // As analyze: 1 when what is shown holds an error, so scripts can test for it; damage
        // outranks it, since a finding from a cut file may be an artefact of the cut.
        if (code == ExitCodes.OK) {
            for (Timeline.Numbered n : timeline.findings()) {
                if (n.finding().severity() == Severity.ERROR) return ExitCodes.PROBLEMS_FOUND;
            }
        }
        return code;
    }

    private Selector selector(CommandLine cl) {
        if (select.connection != null) {
            if (select.connection < 0) throw new CommandLine.ParameterException(cl, "--connection must not be negative");
            return new Selector.Connection(select.connection);
        }
        if (select.finding != null) {
            if (select.finding < 1) throw new CommandLine.ParameterException(cl, "--finding counts from 1");
            return new Selector.Finding(select.finding);
        }
        String line = select.request.strip();
        if (line.isEmpty()) throw new CommandLine.ParameterException(cl, "--request needs \"METHOD TARGET\"");
        return new Selector.Request(line);
    }

    /**
     * How to draw for where standard output goes:
     * <ul>
     * <li>colour only on a terminal, and not with {@code --no-color}, a non-empty {@code NO_COLOR}
     *     (no-color.org) or {@code TERM=dumb};</li>
     * <li>width from {@code COLUMNS} when it holds a number (terminal or not: the user's word, as
     *     ls and git take it); else on a terminal what the terminal says; else
     *     {@link TimelineText#DEFAULT_WIDTH};</li>
     * <li>Unicode arrows when the locale's character set is UTF-8 (the first of {@code LC_ALL},
     *     {@code LC_CTYPE}, {@code LANG} that is set, as POSIX orders them), ASCII otherwise.
     *     gatelens writes UTF-8 whatever the locale; the locale says whether the reader's
     *     terminal shows it.</li>
     * </ul>
     */
    static TimelineText.Style style(Map<String, String> env, boolean stdoutIsTerminal, boolean noColor,
                                    IntSupplier terminalColumns) {
        String noColorEnv = env.get("NO_COLOR");
        boolean color = stdoutIsTerminal && !noColor && (noColorEnv == null || noColorEnv.isEmpty())
                && !"dumb".equals(env.get("TERM"));
        int width = -1;
        String columns = env.get("COLUMNS");
        if (columns != null) {
            try {
                width = Integer.parseInt(columns.strip());
            } catch (NumberFormatException e) {
                width = -1;
            }
        }
        if (width <= 0 && stdoutIsTerminal) width = terminalColumns.getAsInt();
        if (width <= 0) width = TimelineText.DEFAULT_WIDTH;
        return new TimelineText.Style(width, color, utf8Locale(env));
    }

    static boolean utf8Locale(Map<String, String> env) {
        for (String name : new String[] {"LC_ALL", "LC_CTYPE", "LANG"}) {
            String v = env.get(name);
            if (v == null || v.isEmpty()) continue;
            String lower = v.toLowerCase(Locale.ROOT);
            return lower.contains("utf-8") || lower.contains("utf8");
        }
        return false;
    }

    /**
     * The terminal's columns from {@code stty size}, reading the controlling terminal: Java cannot
     * ask the terminal itself. -1 when there is none or stty does not answer within a second.
     */
    static int sttyColumns() {
        File tty = new File("/dev/tty");
        if (!tty.exists()) return -1;
        Process p = null;
        try {
            p = new ProcessBuilder("stty", "size").redirectInput(tty)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(1, TimeUnit.SECONDS)) return -1;
            if (p.exitValue() != 0) return -1;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))) {
                String line = r.readLine();
                if (line == null) return -1;
                String[] parts = line.strip().split("\\s+");
                return parts.length == 2 ? Integer.parseInt(parts[1]) : -1;
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } finally {
            if (p != null) p.destroy();
        }
    }
}
