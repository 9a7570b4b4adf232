package io.gatelens.timeline;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Builds timelines from a capture in two streaming passes: the diagnosis (findings, and which
 * client-facing exchange each upstream exchange is tied to) decides which connections to show;
 * the second pass records the events of those connections only, so memory is bounded by the
 * selection, not by the file.
 */
public final class Timelines {
    /** Events kept per lane; past it the lane says how many were left out. */
    public static final int MAX_EVENTS_PER_LANE = 2_000;
    /** Upstream connections shown behind one client connection. */
    public static final int MAX_LANES = 16;

    private Timelines() {}

    /**
     * The timeline {@code gatelens timeline} prints. Throws {@link IllegalArgumentException} with a
     * message for the user when the selector matches nothing (no such connection, request or
     * finding number).
     */
    public static Timeline one(Path file, Selector selector) throws IOException {
        throw new UnsupportedOperationException("being written");
    }

    /**
     * One timeline per client-facing failure with a finding (both legs where the capture has
     * them), in {@code analyze}'s order, at most {@code max}: the HTML report's swim lanes.
     */
    public static List<Timeline> forFailures(Path file, int max) throws IOException {
        throw new UnsupportedOperationException("being written");
    }
}
