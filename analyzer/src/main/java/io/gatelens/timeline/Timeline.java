package io.gatelens.timeline;

import io.gatelens.finding.Finding;

import java.util.List;

/**
 * What {@code gatelens timeline} shows, and one swim-lane picture of the HTML report: the lanes
 * (the client-to-proxy connection first, then the upstream connections behind it, in id order)
 * on one time axis, and the findings that cite their frames.
 *
 * @param lanes    at least one
 * @param findings with their number in {@code analyze}'s output order (1-based), so that
 *                 {@code --finding N} and the report refer to the same one
 * @param note     what the selection could not do (several exchanges matched, only one leg in the
 *                 capture), or null
 */
public record Timeline(List<Lane> lanes, List<Numbered> findings, String note) {
    public record Numbered(int number, Finding finding) {}

    public Timeline {
        lanes = List.copyOf(lanes);
        findings = List.copyOf(findings);
    }

    /** Time of the earliest event: the zero of relative times. */
    public long startNanos() {
        long start = Long.MAX_VALUE;
        for (Lane l : lanes) {
            if (!l.events().isEmpty()) start = Math.min(start, l.events().get(0).nanos());
        }
        return start == Long.MAX_VALUE ? 0 : start;
    }
}
