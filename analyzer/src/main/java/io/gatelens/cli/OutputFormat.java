package io.gatelens.cli;

import picocli.CommandLine.Option;

/** The --format option shared by commands that print rows. */
public final class OutputFormat {
    public enum Kind { text, json }

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text (for people) or json (JSON Lines, one object per line). Default: ${DEFAULT-VALUE}.")
    Kind kind = Kind.text;

    public boolean json() { return kind == Kind.json; }
}
