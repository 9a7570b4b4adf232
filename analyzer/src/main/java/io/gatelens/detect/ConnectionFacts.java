package io.gatelens.detect;

import io.gatelens.flow.Connection;
import io.gatelens.pipeline.TransactionRow;
import io.gatelens.tcp.Direction;

/**
 * What one connection showed at the TCP level, kept for the detectors: the handshake, each
 * side's first and last data, FIN and RST, TLS bytes, the worst retransmission burst and
 * zero-window stall, and where the previous exchange ended. A fixed set of numbers, whatever the
 * number of exchanges: a 10,000-request keep-alive connection costs what a single request does.
 *
 * <p>"Client" and "server" are the connection's roles: on a proxy's upstream leg the client is
 * the proxy. Frames are 1-based capture frame numbers, -1 when not seen; times are epoch nanos.
 */
public final class ConnectionFacts {
    static final int C2S = 0, S2C = 1;

    final Connection connection;
    final String upstream;

    // --- handshake
    long synFrame = -1, synNanos;
    long lastSynFrame = -1, lastSynNanos;
    int synRetransmissions;
    long synAckFrame = -1, synAckNanos;
    long synBeforeSynAckNanos = -1;

    /** What one side sent: the client's bytes ({@link #client}) or the server's ({@link #server}). */
    public static final class Side {
        long firstDataFrame = -1, firstDataNanos;
        long lastDataFrame = -1, lastDataNanos;
        /** Stream bytes so far (gaps included): the next offset. */
        long bytes;
        long finFrame = -1, finNanos;
        long rstFrame = -1, rstNanos;
        long tlsFrame = -1, tlsNanos;
        /** Start of this side's latest run of data after the other side spoke: the start of its latest turn. */
        long turnFrame = -1, turnNanos, turnOffset;
        // Retransmissions: the current run, the largest one, and all.
        long runFirstFrame = -1, runFirstNanos, runLastFrame, runLastNanos;
        int runCount;
        long burstFirstFrame = -1, burstFirstNanos, burstLastFrame, burstLastNanos;
        int burstCount;
        long retransmissions;
        // Zero windows this side advertised (it stopped reading): the open one and the longest.
        long zeroSinceFrame = -1, zeroSinceNanos;
        long stallFrame = -1, stallNanos, stallEndFrame = -1, stallDurationNanos;

        public long firstDataFrame() { return firstDataFrame; }
        public long finFrame() { return finFrame; }
        public long resetFrame() { return rstFrame; }
        /** The first TLS record this side sent where HTTP was expected, or -1. */
        public long tlsFrame() { return tlsFrame; }
        public long bytes() { return bytes; }
    }

    final Side client = new Side();
    final Side server = new Side();

    /** The server's last data before the client's first FIN or RST (-1: none, or no close yet). */
    long serverDataBeforeClientCloseFrame = -1;
    long serverDataBeforeClientCloseNanos;

    // --- exchanges
    int exchanges;
    long previousEndFrame = -1, previousEndNanos;
    /** Shortest time from a request's last byte to its response's first on this connection; -1: none answered yet. */
    long fastestAnswerNanos = -1;
    /** Client bytes when the previous exchange ended: more since means a request is under way. */
    long clientBytesAtPreviousEnd;
    /** Causes already reported on this connection, one bit per {@link Cause} ordinal. */
    long emitted;
    /** An exchange whose response head exceeded the proxy's buffer, judged once the proxy's reaction is known. */
    TransactionRow bigHead;
    int bigHeadIndex;

    ConnectionFacts(Connection connection) {
        this.connection = connection;
        this.upstream = connection.server().toString();
    }

    static int index(Direction d) {
        return d == Direction.CLIENT_TO_SERVER ? C2S : S2C;
    }

    Side side(int s) {
        return s == C2S ? client : server;
    }

    public Connection connection() { return connection; }

    /** The server endpoint as "ip:port". */
    public String upstream() { return upstream; }

    /** The client's first SYN, or -1 (capture began after it). */
    public long synFrame() { return synFrame; }
    public long synAckFrame() { return synAckFrame; }
    public int synRetransmissions() { return synRetransmissions; }

    /** SYN to SYN/ACK at the capture point, -1 when either was missed: about one round trip when captured near the client. */
    public long handshakeRttNanos() {
        return synAckFrame < 0 || synBeforeSynAckNanos < 0 ? -1 : synAckNanos - synBeforeSynAckNanos;
    }

    public Side side(Direction d) { return d == Direction.CLIENT_TO_SERVER ? client : server; }

    /** Exchanges handed on so far. */
    public int exchanges() { return exchanges; }

    /** Frame of the side's first FIN or RST, whichever came first; -1 if neither. */
    long closeFrame(int s) {
        Side d = side(s);
        if (d.finFrame < 0) return d.rstFrame;
        if (d.rstFrame < 0) return d.finFrame;
        return Math.min(d.finFrame, d.rstFrame);
    }

    long closeNanos(int s) {
        Side d = side(s);
        long f = closeFrame(s);
        if (f < 0) return -1;
        return f == d.finFrame ? d.finNanos : d.rstNanos;
    }

    /** The side's first close was a RST rather than a FIN. */
    boolean closedByReset(int s) {
        Side d = side(s);
        return d.rstFrame >= 0 && (d.finFrame < 0 || d.rstFrame < d.finFrame);
    }

    boolean emitted(Cause c) {
        return (emitted & (1L << c.ordinal())) != 0;
    }
}
