package io.gatelens.cli;

import io.gatelens.pipeline.CapturePass;
import io.gatelens.testing.ManyFrames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The progress line as each capture-reading command shows it, with the terminal and the clock
 * injected: a clock that moves a second each time it is read makes every progress report draw.
 */
class ProgressCliTest {
    static final List<String> COMMANDS = List.of("info", "conversations", "streams", "transactions");
    static final int FRAMES = 3 * CapturePass.PROGRESS_EVERY + 10;

    record Run(int code, String out, String err) {}

    static Run run(Terminal terminal, String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = Main.commandLine(() -> terminal);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    static Terminal terminal(boolean stderr, boolean stdout) {
        long[] now = {0};
        return new Terminal(stderr, stdout, () -> now[0] += 1_000_000_000L);
    }

    @Test
    void aTerminalGetsALineThatIsWipedBeforeTheCommandEnds(@TempDir Path dir) throws IOException {
        Path file = ManyFrames.write(dir.resolve("long.pcap"), FRAMES, false);
        for (String command : COMMANDS) {
            Run quietRun = run(terminal(false, false), command, file.toString());
            Run r = run(terminal(true, false), command, file.toString());
            assertEquals(quietRun.code(), r.code(), command + ": " + r.err());
            assertEquals(quietRun.out(), r.out(), command + ": the output is the same with a progress line");
            // Three reports, each drawn; then the line is wiped, and what the command itself
            // says on stderr (nothing here) follows on a clean line.
            String[] draws = r.err().split("\r");
            long drawn = Arrays.stream(draws).filter(s -> s.startsWith("gatelens: ")).count();
            assertEquals(3, drawn, command + ": " + r.err());
            assertTrue(r.err().contains(String.format(Locale.ROOT, "%,d frames", 3 * CapturePass.PROGRESS_EVERY)),
                    r.err());
            assertTrue(r.err().endsWith(quietRun.err()), r.err());
            String progress = r.err().substring(0, r.err().length() - quietRun.err().length());
            assertTrue(progress.matches("(?s)\rgatelens: .*\r +\r"), command + ": wiped at the end: " + r.err());
            assertEquals(quietRun.err().chars().filter(c -> c == '\n').count(),
                    r.err().chars().filter(c -> c == '\n').count(), "never a new line of progress");
        }
    }

    @Test
    void quietOrNoTerminalMeansNothingOnStderr(@TempDir Path dir) throws IOException {
        Path file = ManyFrames.write(dir.resolve("long.pcap"), FRAMES, false);
        for (String command : COMMANDS) {
            assertEquals("", run(terminal(false, true), command, file.toString()).err(), command);
            assertEquals("", run(terminal(true, true), command, "--quiet", file.toString()).err(), command);
            assertEquals("", run(terminal(true, false), command, "-q", file.toString()).err(), command);
        }
    }

    /** Rows printed to the same terminal: no row text ever shares a line with the progress line. */
    @Test
    void rowsOnTheSameTerminalAreNotMixedIntoTheLine(@TempDir Path dir) throws IOException {
        Path file = ManyFrames.write(dir.resolve("long.pcap"), FRAMES, false);
        for (String command : COMMANDS) {
            Run r = run(terminal(true, true), command, file.toString());
            assertEquals(0, r.code(), r.err());
            assertFalse(r.out().contains("\r"), r.out());
            assertTrue(r.err().endsWith("\r"), command + ": wiped at the end");
        }
    }

    /** A warning (here: damage at the end of the file) starts at the beginning of a wiped line. */
    @Test
    void aWarningFollowsTheWipedLine(@TempDir Path dir) throws IOException {
        Path file = ManyFrames.write(dir.resolve("long.pcap"), FRAMES, false);
        byte[] whole = Files.readAllBytes(file);
        Path cut = Files.write(dir.resolve("cut.pcap"), Arrays.copyOf(whole, whole.length - 10));
        Run r = run(terminal(true, false), "info", cut.toString());
        assertEquals(ExitCodes.INPUT_DAMAGED, r.code());
        int warning = r.err().indexOf("gatelens: " + cut);
        assertTrue(warning > 0, r.err());
        assertTrue(r.err().substring(0, warning).matches("(?s).*\r +\r"), r.err());
        assertFalse(r.err().substring(warning).contains("\r"), r.err());
    }

    @CommandLine.Command(name = "boom")
    static final class Boom extends CaptureCommand implements Callable<Integer> {
        @Override
        public Integer call() {
            progress().progress(1, 2, CapturePass.PROGRESS_EVERY);
            throw new IllegalStateException("boom");
        }
    }

    /** An error that stops a command mid-pass is reported on a wiped line too. */
    @Test
    void anErrorMidPassIsNotDrawnOver(@TempDir Path dir) throws IOException {
        Path file = ManyFrames.write(dir.resolve("long.pcap"), 3, false);
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine(() -> terminal(true, false));
        cl.addSubcommand("boom", new Boom());
        cl.getSubcommands().get("boom").setExecutionExceptionHandler(cl.getExecutionExceptionHandler());
        cl.setErr(new PrintWriter(err, true));
        assertEquals(ExitCodes.INTERNAL_ERROR, cl.execute("boom", file.toString()));
        int error = err.toString().indexOf("gatelens: internal error");
        assertTrue(error > 0, err.toString());
        assertTrue(err.toString().startsWith("\rgatelens: "), err.toString());
        assertTrue(err.toString().substring(0, error).matches("(?s).*\r +\r"), err.toString());
    }
}
