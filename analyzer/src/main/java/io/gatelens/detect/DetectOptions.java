package io.gatelens.detect;

/**
 * What the detectors assume about the proxy, and their thresholds. Every one is a documented
 * default that a command-line option can override; none is hidden in a detector.
 *
 * @param proxyBufferSize         bytes the proxy buffers for a response head: a larger head is
 *                                {@code header_too_big}. 4096: nginx's proxy_buffer_size (one
 *                                memory page) on x86-64
 * @param responseTimeoutMinNanos the shortest wait for a response after which the proxy's close
 *                                is taken for a timeout ({@code response_timeout}); shorter waits
 *                                are more likely a client that went away. 900 ms, so that a 1 s
 *                                timeout measured at the capture point still counts
 * @param keepAliveRaceNanos      how close after the request the upstream's FIN or RST must come
 *                                on a reused connection to be a keep-alive race rather than a
 *                                failure of that request; twice the connection's handshake
 *                                round trip is added, since the FIN and the request cross in
 *                                flight. 10 ms
 * @param keepAliveRaceMaxNanos   on a connection where the upstream has been slower than that
 *                                to answer, the window stretches to the fastest answer it gave
 *                                on the connection, up to this: a close sooner than the upstream
 *                                ever got as far as answering came before a handler had the
 *                                request (an upstream under load takes a while to act on its idle
 *                                timer too). 50 ms
 * @param keepAliveMinIdleNanos   the shortest idle time taken for a keep-alive timeout: an
 *                                upstream that closes sooner after its last response closes after
 *                                the response rather than timing out an idle connection, and a
 *                                reset on a connection idle for less is not a keep-alive race
 *                                (unless the upstream's FIN came before the request). 100 ms, far
 *                                below any server's keep-alive timeout (gunicorn's 2 s is among
 *                                the shortest defaults)
 * @param connectTimeoutMinNanos  an unanswered SYN that was never retransmitted is a
 *                                {@code connect_timeout} only when the capture went on this long
 *                                after it; otherwise the capture may just have ended. 1 s
 * @param retransmissionBurst     retransmitted segments one way within {@code burstWindowNanos}
 *                                that make a {@code retransmission_burst}. 3
 * @param burstWindowNanos        1 s
 * @param zeroWindowStallNanos    how long a zero receive window must last to be a
 *                                {@code zero_window_stall}. 500 ms
 * @param nearRatio               how close to an observed limit counts as near: a keep-alive
 *                                reuse after this fraction of the upstream's idle-close time, a
 *                                response after this fraction of the proxy's timeout. 0.8
 * @param proxyReadTimeoutNanos   the proxy's response timeout when known from its configuration
 *                                (nginx proxy_read_timeout, HAProxy timeout server, Envoy route
 *                                timeout); 0 when unknown, and then only timeouts seen in the
 *                                capture count
 * @param wsEarlyCloseNanos       a WebSocket reset or closed without a close frame within this time
 *                                of its 101 is {@code ws_reset_after_upgrade} at error severity;
 *                                later, a warning. 1 s
 * @param maxUpstreams            upstream endpoints whose timings are kept at once (keep-alive
 *                                idle times, timeouts); past it the least recently seen is
 *                                reported early and dropped. 4096
 */
public record DetectOptions(int proxyBufferSize, long responseTimeoutMinNanos, long keepAliveRaceNanos,
                            long keepAliveRaceMaxNanos, long keepAliveMinIdleNanos, long connectTimeoutMinNanos, int retransmissionBurst, long burstWindowNanos,
                            long zeroWindowStallNanos, double nearRatio, long proxyReadTimeoutNanos,
                            long wsEarlyCloseNanos, int maxUpstreams) {
    public static final DetectOptions DEFAULT = new DetectOptions(4096, 900_000_000L, 10_000_000L, 50_000_000L, 100_000_000L,
            1_000_000_000L, 3, 1_000_000_000L, 500_000_000L, 0.8, 0, 1_000_000_000L, 4096);

    public DetectOptions {
        if (proxyBufferSize < 1 || responseTimeoutMinNanos < 0 || keepAliveRaceNanos < 0
                || keepAliveRaceMaxNanos < keepAliveRaceNanos || keepAliveMinIdleNanos < 0
                || connectTimeoutMinNanos < 0
                || retransmissionBurst < 1 || burstWindowNanos < 0 || zeroWindowStallNanos < 0
                || !(nearRatio > 0 && nearRatio <= 1) || proxyReadTimeoutNanos < 0 || wsEarlyCloseNanos < 0
                || maxUpstreams < 1) {
            throw new IllegalArgumentException("detect options out of range");
        }
    }

    /** The defaults with another proxy buffer size (the {@code --proxy-buffer-size} option). */
    public DetectOptions withProxyBufferSize(int bytes) {
        return new DetectOptions(bytes, responseTimeoutMinNanos, keepAliveRaceNanos, keepAliveRaceMaxNanos,
                keepAliveMinIdleNanos, connectTimeoutMinNanos,
                retransmissionBurst, burstWindowNanos, zeroWindowStallNanos, nearRatio, proxyReadTimeoutNanos,
                wsEarlyCloseNanos, maxUpstreams);
    }

    /** The same with the proxy's configured response timeout (0: unknown). */
    public DetectOptions withProxyReadTimeoutNanos(long nanos) {
        return new DetectOptions(proxyBufferSize, responseTimeoutMinNanos, keepAliveRaceNanos, keepAliveRaceMaxNanos,
                keepAliveMinIdleNanos, connectTimeoutMinNanos,
                retransmissionBurst, burstWindowNanos, zeroWindowStallNanos, nearRatio, nanos,
                wsEarlyCloseNanos, maxUpstreams);
    }
}
