package io.gatelens.proxy;

import java.util.Locale;

/**
 * How one server endpoint's role was decided, for the report.
 *
 * @param endpoint "ip:port"
 * @param reason   in plain words: "given with --proxy", "guessed from 6 mirrored requests", ...
 */
public record RoleDecision(String endpoint, Role role, How how, String reason) {
    /** Strongest first: the order in which the evidence is consulted. */
    public enum How {
        /** Named with --proxy or --upstream. */
        GIVEN,
        /** Requests on one endpoint repeated on another while the first waited: see {@link Roles}. */
        MIRRORED,
        /** Only one leg: what the bytes say (forwarding headers, a proxy's own error response). */
        MARKED,
        /** Nothing to go on: taken as an upstream, the common single-leg capture. */
        ASSUMED;

        /** Made once: ids are written for every row of a report. */
        private final String id = name().toLowerCase(Locale.ROOT);

        public String id() { return id; }
    }
}
