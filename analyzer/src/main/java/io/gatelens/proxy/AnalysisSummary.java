package io.gatelens.proxy;

import io.gatelens.detect.Cause;
import io.gatelens.detect.UpstreamTimings;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * What the whole capture came to, once every exchange has been judged: the counts of the report's
 * headline, the roles as finally decided, one row per upstream, and what the window's caps did.
 *
 * @param exchanges        every exchange on every connection
 * @param clientExchanges  those on the client leg (to a proxy listener)
 * @param client5xx        client-facing 5xx by status
 * @param clientFailures   client-facing exchanges that failed: a 5xx, no valid response, a cut body
 * @param causes           findings reported per cause, most frequent first
 * @param clientLegFindingsDropped detector findings about the proxy itself as a server (see
 *                         {@link ProxyCorrelator}), not reported
 */
public record AnalysisSummary(long exchanges, long clientExchanges, long upstreamExchanges,
                              SortedMap<Integer, Long> client5xx, long clientFailures,
                              Map<Cause, Long> causes, long errors, long warnings, long infos,
                              long clientLegFindingsDropped, long anomalies,
                              List<RoleDecision> roles, List<String> unmatchedGiven,
                              List<Upstream> upstreams, Window window) {

    /**
     * One upstream endpoint. {@code timeouts}: connects never answered plus response timeouts
     * found; time to first byte from the last request byte to the first response byte, in
     * nanoseconds, -1 when no response came.
     */
    public record Upstream(String endpoint, long connections, long refused, long resets, long timeouts,
                           long exchanges, long status5xx, long ttfbCount, long ttfbP50, long ttfbP95, long ttfbP99,
                           Timeouts inferred) {
    }

    /**
     * Timeouts inferred from the capture for one upstream (issue #4), in nanoseconds, -1 when
     * none was seen or the observations scatter (see {@link UpstreamTimings#inferred}); each with
     * the number of observations behind it.
     *
     * @param upstreamIdleClose the upstream closed keep-alive connections after this much idle time: its keep-alive timeout
     * @param proxyIdleClose    the proxy closed idle keep-alive connections after this long: its keep-alive timeout to the upstream
     * @param proxyGiveUp       the proxy closed while waiting this long for a response: its read timeout
     */
    public record Timeouts(long upstreamIdleClose, long upstreamIdleCloses, long proxyIdleClose, long proxyIdleCloses,
                           long proxyGiveUp, long proxyGiveUps) {
        public static final Timeouts NONE = new Timeouts(-1, 0, -1, 0, -1, 0);

        static Timeouts of(UpstreamTimings t) {
            if (t == null) return NONE;
            return new Timeouts(t.inferredUpstreamIdleClose(), t.upstreamIdleCloses(), t.inferredProxyIdleClose(),
                    t.proxyIdleCloses(), t.inferredProxyGiveUp(), t.proxyGiveUps());
        }

        public boolean any() {
            return upstreamIdleCloses + proxyIdleCloses + proxyGiveUps > 0;
        }
    }

    /**
     * @param oneLegPending exchanges the window holds while no client leg has been seen
     * @param peakPending  most exchanges held at once (window and parked)
     * @param parked       exchanges that waited out the horizon outside the full window: failed
     *                     client-facing ones and upstream attempts with findings
     * @param decidedEarly exchanges judged before their horizon because the window (and for a
     *                     parked kind, the parked list) was full, once a client leg was seen
     *                     (before that, or without one, there is nothing to tie)
     * @param endpointsOverflowed server endpoints past the cap, counted together
     */
    public record Window(long horizonNanos, int maxPending, int oneLegPending, int maxParked, long peakPending, long parked,
                         long decidedEarly, long endpointsOverflowed) {
    }

    public long findings() {
        return errors + warnings + infos;
    }
}
