package io.gatelens.proxy;

/**
 * Everything kept about one server endpoint (the side that accepted connections): the evidence
 * for its role and the counters the report shows. Counted whatever the role turns out to be; the
 * report picks the rows by the final roles.
 */
final class ServerEndpoint {
    final String text;
    final String address;
    final int port;

    /** Set when --proxy / --upstream names it. */
    Role given;
    String givenAs;

    /**
     * Mirrored requests with this endpoint as the first leg (front) or as the second (back);
     * "same": the second leg was opened from the first leg's server address.
     */
    long frontSame, backSame, frontOther, backOther;
    long upstreamMarks, proxyMarks;
    String upstreamMark, proxyMark;

    long exchanges;
    /** Exchanges a client of this endpoint would call failed: see {@link Pending#failed()}. */
    long failures;
    long[] status5xx;
    long connections, refused, resets, synUnanswered, responseTimeouts;
    LatencyHistogram ttfb;
    /** The timeouts its connections showed, handed on at the end of the pass; null until then. */
    io.gatelens.detect.UpstreamTimings timings;

    ServerEndpoint(String text, String address, int port) {
        this.text = text;
        this.address = address;
        this.port = port;
    }

    void status(int status) {
        if (status < 500 || status > 599) return;
        if (status5xx == null) status5xx = new long[100];
        status5xx[status - 500]++;
    }

    void ttfb(long nanos) {
        if (nanos < 0) return;
        if (ttfb == null) ttfb = new LatencyHistogram();
        ttfb.record(nanos);
    }
}
