package io.gatelens.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The completion script and the man pages cover whatever the command tree holds: every
 * expectation here is read from the picocli model, so a command or option added later is
 * checked without editing this test.
 */
class CompletionAndManTest {
    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = Main.commandLine(() -> Terminal.NONE);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** Every visible command below the root, the root first. */
    static List<CommandSpec> commands() {
        List<CommandSpec> all = new ArrayList<>();
        List<CommandSpec> todo = new ArrayList<>(List.of(Main.commandLine(() -> Terminal.NONE).getCommandSpec()));
        while (!todo.isEmpty()) {
            CommandSpec c = todo.remove(0);
            if (c.usageMessage().hidden() || all.contains(c)) continue;
            all.add(c);
            c.subcommands().values().forEach(sub -> todo.add(sub.getCommandSpec()));
        }
        return all;
    }

    static List<OptionSpec> options(CommandSpec c) {
        return c.options().stream().filter(o -> !o.hidden()).toList();
    }

    static Set<String> subcommandNames(CommandSpec c) {
        return c.subcommands().entrySet().stream().filter(e -> !e.getValue().getCommandSpec().usageMessage().hidden())
                .map(Map.Entry::getKey).collect(Collectors.toCollection(LinkedHashSet::new));
    }

    private static String bash(Path script, int timeoutSeconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", script.toString()).redirectErrorStream(false)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(timeoutSeconds, TimeUnit.SECONDS), "bash finished");
        assertEquals(0, p.exitValue(), new String(out, StandardCharsets.UTF_8));
        return new String(out, StandardCharsets.UTF_8);
    }

    @Test
    void theCompletionScriptIsValidBashAndNamesEveryCommandAndOption(@TempDir Path dir) throws Exception {
        Run r = run("completion", "bash");
        assertEquals(0, r.code(), r.err());
        String script = r.out();
        for (CommandSpec c : commands()) {
            assertTrue(script.contains(" " + c.name()), c.name());
            for (OptionSpec o : options(c)) {
                for (String name : o.names()) assertTrue(script.contains("'" + name + "'"), c.name() + " " + name);
            }
        }
        Path file = Files.writeString(dir.resolve("gatelens.bash"), script);
        Process check = new ProcessBuilder("bash", "-n", file.toString()).redirectErrorStream(true).start();
        String complaints = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(check.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, check.exitValue(), complaints);

        // zsh gets the same script: it switches on zsh's bashcompinit itself.
        Run zsh = run("completion", "zsh");
        assertEquals(script, zsh.out());
        assertTrue(script.contains("bashcompinit"));
        assertEquals(ExitCodes.USAGE_OR_UNREADABLE, run("completion", "fish").code());
    }

    /**
     * The script, sourced into bash and asked as readline would ask it: after "gatelens " it
     * offers every command, after "gatelens CMD -" every option of that command, and after an
     * option with fixed values (--format) those values.
     */
    @Test
    void bashCompletesEveryCommandEveryOptionAndEveryFixedValue(@TempDir Path dir) throws Exception {
        Path script = Files.writeString(dir.resolve("gatelens.bash"), run("completion", "bash").out());
        StringBuilder probes = new StringBuilder("source '" + script + "'\n")
                .append("probe() { COMP_WORDS=(\"$@\"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMP_LINE=\"$*\";"
                        + " COMP_POINT=${#COMP_LINE}; COMPREPLY=(); _complete_gatelens;"
                        + " printf '%s\\t%s\\n' \"$*\" \"${COMPREPLY[*]}\"; }\n");
        Map<String, Set<String>> expected = new HashMap<>();
        List<CommandSpec> commands = commands();
        CommandSpec root = commands.get(0);
        probes.append("probe gatelens ''\n");
        expected.put("gatelens ", subcommandNames(root));
        for (CommandSpec c : commands) {
            if (c == root) continue;
            String words = c.qualifiedName(" ");
            probes.append("probe ").append(words).append(" -\n");
            expected.put(words + " -", options(c).stream().flatMap(o -> List.of(o.names()).stream())
                    .collect(Collectors.toSet()));
            for (OptionSpec o : options(c)) {
                if (o.completionCandidates() == null || o.arity().max() == 0) continue;
                probes.append("probe ").append(words).append(' ').append(o.longestName()).append(" ''\n");
                Set<String> values = new LinkedHashSet<>();
                o.completionCandidates().forEach(values::add);
                expected.put(words + " " + o.longestName() + " ", values);
            }
            for (PositionalParamSpec p : c.positionalParameters()) {
                if (p.completionCandidates() == null || p.index().min() != 0) continue;
                probes.append("probe ").append(words).append(" ''\n");
                Set<String> values = new LinkedHashSet<>();
                p.completionCandidates().forEach(values::add);
                expected.put(words + " ", values);
            }
        }
        Path probeFile = Files.writeString(dir.resolve("probe.bash"), probes);
        Map<String, Set<String>> offered = new HashMap<>();
        for (String line : bash(probeFile, 120).split("\n")) {
            String[] parts = line.split("\t", -1);
            offered.put(parts[0], Set.of(parts[1].split(" ")));
        }
        assertTrue(expected.size() > commands().size(), "the model has fixed values to probe");
        for (Map.Entry<String, Set<String>> e : expected.entrySet()) {
            assertTrue(offered.containsKey(e.getKey()), "probed: " + e.getKey() + " in " + offered.keySet());
            assertTrue(offered.get(e.getKey()).containsAll(e.getValue()),
                    "'" + e.getKey() + "' offers " + offered.get(e.getKey()) + ", missing some of " + e.getValue());
        }
    }

    /** troff as text: font changes dropped, escaped hyphens and quotes restored. */
    static String text(String troff) {
        return troff.replaceAll("\\\\f[BIRP]", "").replace("\\-", "-").replace("\\(aq", "'").replace("\\&", "");
    }

    @Test
    void aManPageForEveryCommandWithEveryOptionAndArgument() {
        List<CommandSpec> commands = commands();
        CommandSpec root = commands.get(0);
        for (CommandSpec c : commands) {
            Run r = c == root ? run("man") : run("man", c.qualifiedName(" ").substring(root.name().length() + 1));
            assertEquals(0, r.code(), c.qualifiedName() + ": " + r.err());
            String page = text(r.out());
            String title = c.qualifiedName("-").toUpperCase(java.util.Locale.ROOT);
            assertTrue(page.contains(".TH \"" + title + "\" \"1\""), c.qualifiedName() + " has a title: " + page);
            assertTrue(page.contains(c.qualifiedName("-") + " - "), "NAME line of " + c.qualifiedName());
            for (OptionSpec o : options(c)) {
                for (String name : o.names()) assertTrue(page.contains(name), c.qualifiedName() + " page names " + name);
            }
            for (PositionalParamSpec p : c.positionalParameters()) {
                if (!p.hidden()) assertTrue(page.contains(p.paramLabel()), c.qualifiedName() + " page names " + p.paramLabel());
            }
            for (String sub : subcommandNames(c)) {
                assertTrue(page.contains("\n" + sub + "\n"), c.qualifiedName() + " page lists " + sub);
            }
        }
    }

    @Test
    void manWritesEveryPageToADirectory(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("man1");
        Run r = run("man", "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        Set<String> expected = commands().stream().map(c -> c.qualifiedName("-") + ".1").collect(Collectors.toSet());
        try (var files = Files.list(out)) {
            assertEquals(expected, files.map(f -> f.getFileName().toString()).collect(Collectors.toSet()));
        }
        assertEquals(expected.size(), r.out().lines().count(), r.out());
        assertEquals(run("man", "info").out(), Files.readString(out.resolve("gatelens-info.1")));
    }

    @Test
    void manOfAnUnknownCommandIsAUsageError() {
        Run r = run("man", "nosuch");
        assertEquals(ExitCodes.USAGE_OR_UNREADABLE, r.code());
        assertTrue(r.err().contains("nosuch"), r.err());
        assertEquals(ExitCodes.USAGE_OR_UNREADABLE, run("man", "-o", "x", "info").code());
    }
}
