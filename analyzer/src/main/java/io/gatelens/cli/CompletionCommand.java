package io.gatelens.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * Prints the shell completion script picocli generates from gatelens's own command tree, so a
 * new command or option completes without anyone editing a script.
 */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Prints a completion script for bash or zsh, generated from gatelens's commands and options.",
                "Load it with: source <(gatelens completion bash)"})
final class CompletionCommand implements Callable<Integer> {
    enum Shell { bash, zsh }

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SHELL", description = "bash or zsh.")
    Shell shell;

    @Override
    public Integer call() {
        // One script serves both: picocli's script turns on zsh's bashcompinit when zsh sources it.
        CommandLine root = spec.root().commandLine();
        spec.commandLine().getOut().print(AutoComplete.bash(spec.root().name(), root));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
