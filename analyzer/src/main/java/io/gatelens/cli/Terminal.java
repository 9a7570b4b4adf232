package io.gatelens.cli;

import java.io.Console;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Whether standard error and standard output are terminals, and the clock the progress line
 * reads: decided once per run and handed to the commands, so tests choose all three.
 *
 * <p>Java 17 cannot ask whether standard error is a terminal: {@link System#console()} is
 * non-null when standard input and output are (and on Java 22+ even when they are not). So, in
 * order, {@link #detect()} takes:
 * <ol>
 * <li>{@code GATELENS_PROGRESS=1} / {@code =0}: the user's word, for where detection guesses wrong;</li>
 * <li>{@code TERM=dumb}: no terminal control wanted (Emacs shells, some CI logs);</li>
 * <li>on Linux, where {@code /proc/self/fd/N} links: a terminal device ({@code /dev/pts/*},
 *     {@code /dev/tty*}, {@code /dev/console}) is a terminal, anything else (a pipe, a file,
 *     {@code /dev/null}, a socket) is not. This is the same answer isatty(3) gives;</li>
 * <li>elsewhere (macOS, Windows): {@code System.console()}, asking {@code Console.isTerminal()}
 *     where the JDK has it (22+). When standard input and output are terminals, standard error
 *     almost always is too.</li>
 * </ol>
 */
public record Terminal(boolean stderrIsTerminal, boolean stdoutIsTerminal, LongSupplier nanoClock) {
    /** No terminal anywhere: no progress line. */
    public static final Terminal NONE = new Terminal(false, false, System::nanoTime);

    public static Terminal detect() {
        return detect(System.getenv(), Path.of("/proc/self/fd"), Terminal::consoleIsTerminal, System::nanoTime);
    }

    static Terminal detect(Map<String, String> env, Path procFds, BooleanSupplier console, LongSupplier clock) {
        Boolean stdout = isTerminalDevice(procFds.resolve("1"));
        boolean out = stdout != null ? stdout : console.getAsBoolean();
        String forced = env.get("GATELENS_PROGRESS");
        if ("1".equals(forced)) return new Terminal(true, out, clock);
        if ("0".equals(forced)) return new Terminal(false, out, clock);
        if ("dumb".equals(env.get("TERM"))) return new Terminal(false, false, clock);
        Boolean stderr = isTerminalDevice(procFds.resolve("2"));
        boolean err = stderr != null ? stderr : console.getAsBoolean();
        return new Terminal(err, out, clock);
    }

    /** True or false from what the descriptor links to; null when there is no such link to read. */
    static Boolean isTerminalDevice(Path fdLink) {
        String target;
        try {
            target = Files.readSymbolicLink(fdLink).toString();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return null;
        }
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
    }

    private static boolean consoleIsTerminal() {
        Console c = System.console();
        if (c == null) return false;
        try {
            // Java 22+ returns a Console even when redirected; isTerminal() then tells.
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(c);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }
}
