package io.gatelens.detect;

/**
 * The timeouts one server endpoint's connections showed, inferred from the capture (issue #4:
 * "when the proxy closes idle or waiting connections at a steady interval, report the interval
 * as the proxy's configured timeout, and the upstream's observed keep-alive idle-close time
 * likewise"). Durations in nanoseconds, -1 when never seen. Handed to
 * {@link DiagnosisSink#upstream} once per endpoint at the end of the pass.
 *
 * @param upstream            the server endpoint, "ip:port"
 * @param connections         connections to it
 * @param upstreamIdleCloses  times it closed (FIN) a keep-alive connection that sat idle after an exchange
 * @param upstreamIdleCloseMin shortest such idle time; with {@code upstreamIdleCloseMax} close
 *                            together, that is its keep-alive timeout
 * @param advertisedKeepAlive the smallest {@code Keep-Alive: timeout=N} it announced
 * @param proxyIdleCloses     times the client side (the proxy) closed an idle keep-alive connection
 * @param proxyGiveUps        times the client side closed while waiting for a response (a timeout)
 * @param proxyGiveUpMin      shortest such wait, from the request's last byte
 * @param longestReuseIdle    longest idle time before a connection was used again
 * @param slowestResponse     longest time to first response byte among responses that came in time
 */
public record UpstreamTimings(String upstream, long connections,
                              long upstreamIdleCloses, long upstreamIdleCloseMin, long upstreamIdleCloseMax,
                              long advertisedKeepAlive,
                              long proxyIdleCloses, long proxyIdleCloseMin, long proxyIdleCloseMax,
                              long proxyGiveUps, long proxyGiveUpMin, long proxyGiveUpMax,
                              long longestReuseIdle, long slowestResponse) {

    /** The upstream closed idle connections at a steady interval: at least twice, within 10 % (or 50 ms). */
    public boolean steadyUpstreamIdleClose() {
        return steady(upstreamIdleCloses, upstreamIdleCloseMin, upstreamIdleCloseMax);
    }

    public boolean steadyProxyIdleClose() {
        return steady(proxyIdleCloses, proxyIdleCloseMin, proxyIdleCloseMax);
    }

    public boolean steadyProxyGiveUp() {
        return steady(proxyGiveUps, proxyGiveUpMin, proxyGiveUpMax);
    }

    /**
     * The timeout the observations point to, for a report: the shortest when they agree (one
     * observation, or several that are {@link #steady}), -1 when there is none or they scatter
     * (then no single configured timeout explains them).
     */
    public static long inferred(long count, long min, long max) {
        if (count < 1 || min < 0) return -1;
        return count == 1 || steady(count, min, max) ? min : -1;
    }

    public long inferredUpstreamIdleClose() { return inferred(upstreamIdleCloses, upstreamIdleCloseMin, upstreamIdleCloseMax); }

    public long inferredProxyIdleClose() { return inferred(proxyIdleCloses, proxyIdleCloseMin, proxyIdleCloseMax); }

    public long inferredProxyGiveUp() { return inferred(proxyGiveUps, proxyGiveUpMin, proxyGiveUpMax); }

    static boolean steady(long count, long min, long max) {
        return count >= 2 && min >= 0 && max - min <= Math.max(50_000_000L, max / 10);
    }
}
