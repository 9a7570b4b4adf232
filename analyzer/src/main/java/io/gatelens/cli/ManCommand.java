package io.gatelens.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Prints or installs the man pages. They are made at build time from the command definitions:
 * picocli-codegen's ManPageGenerator writes AsciiDoc for every command and Asciidoctor's manpage
 * backend turns it into troff (analyzer/pom.xml); both stay out of the runtime jar, which only
 * carries the pages, one per command, as {@code man/gatelens[-COMMAND].1} beside this class.
 */
@Command(name = "man", mixinStandardHelpOptions = true,
        description = {"Prints the man page of gatelens, or of one of its commands, as troff.",
                "Read it with: gatelens man info | man -l -",
                "With -o DIR, writes every page into DIR instead, e.g. a man1 directory on MANPATH."})
final class ManCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-o", "--output-dir"}, paramLabel = "DIR",
            description = "Write all pages (gatelens.1, gatelens-COMMAND.1) here, creating it if needed, "
                    + "and list the files written.")
    Path dir;

    @Parameters(index = "0", arity = "0..1", paramLabel = "COMMAND", completionCandidates = CommandNames.class,
            description = "The command whose page to print; without it, gatelens's own page.")
    String command;

    @Override
    public Integer call() throws IOException {
        Map<String, CommandLine.Model.CommandSpec> pages = pages(spec.root());
        PrintWriter out = spec.commandLine().getOut();
        if (dir != null) {
            if (command != null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "-o writes every page: give no COMMAND");
            }
            Files.createDirectories(dir);
            for (String name : pages.keySet()) {
                Path file = dir.resolve(name + ".1");
                Files.write(file, page(name));
                out.println(file);
            }
            out.flush();
            return ExitCodes.OK;
        }
        String name = command == null ? spec.root().name() : spec.root().name() + "-" + command.replace(' ', '-');
        if (!pages.containsKey(name)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "no command '" + command
                    + "'; pages exist for: " + String.join(", ", pages.keySet()));
        }
        out.print(new String(page(name), StandardCharsets.UTF_8));
        out.flush();
        return ExitCodes.OK;
    }

    /** The commands' names for shell completion, read from Main's declaration (completion cannot reach the spec). */
    static final class CommandNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(Main.class.getAnnotation(Command.class).subcommands())
                    .map(c -> c.getAnnotation(Command.class).name()).iterator();
        }
    }

    /**
     * The page of each visible command from {@code root} down, by file name: the command's
     * qualified name joined with '-', as ManPageGenerator names them.
     */
    static Map<String, CommandLine.Model.CommandSpec> pages(CommandLine.Model.CommandSpec root) {
        Map<String, CommandLine.Model.CommandSpec> pages = new LinkedHashMap<>();
        List<CommandLine.Model.CommandSpec> todo = new ArrayList<>(List.of(root));
        while (!todo.isEmpty()) {
            CommandLine.Model.CommandSpec c = todo.remove(0);
            if (c.usageMessage().hidden()) continue;
            pages.putIfAbsent(c.qualifiedName("-"), c);
            for (CommandLine sub : c.subcommands().values()) todo.add(sub.getCommandSpec());
        }
        return pages;
    }

    private static byte[] page(String name) throws IOException {
        try (InputStream in = ManCommand.class.getResourceAsStream("man/" + name + ".1")) {
            if (in == null) {
                throw new IllegalStateException("this gatelens was built without the man page of " + name
                        + " (they are made in Maven's process-classes phase)");
            }
            return in.readAllBytes();
        }
    }
}
