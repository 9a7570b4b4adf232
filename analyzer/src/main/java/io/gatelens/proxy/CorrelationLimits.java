package io.gatelens.proxy;

/**
 * What the correlation holds at most, so memory does not grow with the capture.
 *
 * @param horizonNanos  how long (capture time) an exchange waits in the window for the other leg:
 *                      longer than the proxy's longest timeout (nginx's proxy_read_timeout is 60 s
 *                      by default), since a 504 and the upstream's late answer come that far apart
 * @param maxPending    exchanges held at once; past it the oldest is judged early (counted and
 *                      reported), which can leave a late partner unmatched. About 450 bytes each
 *                      (the compact record, its request line and its place in two indexes)
 * @param maxParked     exchanges held past maxPending until the horizon: failed client-facing
 *                      ones, for the upstream answer that comes after the proxy's 504, and
 *                      upstream attempts with findings, for the client response that comes later
 * @param maxCandidates exchanges looked at per match (same request line, or, for a connect
 *                      failure, any): bounds the work when thousands of identical requests overlap
 * @param maxEndpoints  server endpoints told apart; the rest are counted together
 */
public record CorrelationLimits(long horizonNanos, int maxPending, int maxParked, int maxCandidates,
                                int maxEndpoints) {
    /** The horizon of a file's analysis, in seconds (for help texts). */
    public static final long DEFAULT_HORIZON_SECONDS = 120;
    public static final CorrelationLimits DEFAULT =
            new CorrelationLimits(DEFAULT_HORIZON_SECONDS * 1_000_000_000L, 5_000, 10_000, 1_024, 4_096);

    public CorrelationLimits {
        if (horizonNanos < 0 || maxPending < 1 || maxParked < 0 || maxCandidates < 1 || maxEndpoints < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    /**
     * The same with another horizon: a live analysis judges after a short settle time instead, so
     * that findings come out while it happens.
     */
    public CorrelationLimits withHorizonNanos(long nanos) {
        return new CorrelationLimits(nanos, maxPending, maxParked, maxCandidates, maxEndpoints);
    }

    /** The same looking at fewer exchanges per match. */
    public CorrelationLimits withMaxCandidates(int n) {
        return new CorrelationLimits(horizonNanos, maxPending, maxParked, n, maxEndpoints);
    }
}
