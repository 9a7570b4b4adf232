package io.gatelens.cli;

/** The one map of exit codes; README documents the same table. */
public final class ExitCodes {
    /** Read to the end; nothing wrong found. */
    public static final int OK = 0;
    /** Problems found in the traffic (used by the diagnosing commands). */
    public static final int PROBLEMS_FOUND = 1;
    /** Bad usage, or the input could not be read at all (missing, not a capture). */
    public static final int USAGE_OR_UNREADABLE = 2;
    /** The input is damaged part-way: results cover only the frames before the damage. */
    public static final int INPUT_DAMAGED = 3;
    /** A bug in gatelens, not in the input (EX_SOFTWARE from sysexits.h). */
    public static final int INTERNAL_ERROR = 70;

    private ExitCodes() {}
}
