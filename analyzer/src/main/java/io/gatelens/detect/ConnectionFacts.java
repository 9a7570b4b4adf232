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

    // --- per direction, [C2S] and [S2C]
    final long[] firstDataFrame = {-1, -1};
    final long[] firstDataNanos = new long[2];
    final long[] lastDataFrame = {-1, -1};
    final long[] lastDataNanos = new long[2];
    /** Stream bytes so far (gaps included): the next offset. */
    final long[] bytes = new long[2];
    final long[] finFrame = {-1, -1};
    final long[] finNanos = new long[2];
    final long[] rstFrame = {-1, -1};
    final long[] rstNanos = new long[2];
    final long[] tlsFrame = {-1, -1};
    final long[] tlsNanos = new long[2];
    /** Start of this side's latest run of data after the other side spoke: the start of its latest turn. */
    final long[] turnFrame = {-1, -1};
    final long[] turnNanos = new long[2];
    final long[] turnOffset = new long[2];

    /** The server's last data before the client's first FIN or RST (-1: none, or no close yet). */
    long serverDataBeforeClientCloseFrame = -1;
    long serverDataBeforeClientCloseNanos;

    // --- retransmission bursts per direction: the current run and the largest one
    final long[] runFirstFrame = {-1, -1};
    final long[] runFirstNanos = new long[2];
    final long[] runLastFrame = new long[2];
    final long[] runLastNanos = new long[2];
    final int[] runCount = new int[2];
    final long[] burstFirstFrame = {-1, -1};
    final long[] burstFirstNanos = new long[2];
    final long[] burstLastFrame = new long[2];
    final long[] burstLastNanos = new long[2];
    final int[] burstCount = new int[2];
    final long[] retransmissions = new long[2];

    // --- zero windows per direction (the sender stopped reading): the open one and the longest
    final long[] zeroSinceFrame = {-1, -1};
    final long[] zeroSinceNanos = new long[2];
    final long[] stallFrame = {-1, -1};
    final long[] stallNanos = new long[2];
    final long[] stallEndFrame = {-1, -1};
    final long[] stallDurationNanos = new long[2];

    // --- exchanges
    int exchanges;
    long previousEndFrame = -1, previousEndNanos;
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

    static int side(Direction d) {
        return d == Direction.CLIENT_TO_SERVER ? C2S : S2C;
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

    public long finFrame(Direction d) { return finFrame[side(d)]; }
    public long resetFrame(Direction d) { return rstFrame[side(d)]; }
    public long tlsFrame(Direction d) { return tlsFrame[side(d)]; }
    public long firstDataFrame(Direction d) { return firstDataFrame[side(d)]; }
    public long bytes(Direction d) { return bytes[side(d)]; }

    /** Exchanges handed on so far. */
    public int exchanges() { return exchanges; }

    /** Frame of the side's first FIN or RST, whichever came first; -1 if neither. */
    long closeFrame(int s) {
        if (finFrame[s] < 0) return rstFrame[s];
        if (rstFrame[s] < 0) return finFrame[s];
        return Math.min(finFrame[s], rstFrame[s]);
    }

    long closeNanos(int s) {
        long f = closeFrame(s);
        if (f < 0) return -1;
        return f == finFrame[s] ? finNanos[s] : rstNanos[s];
    }

    /** The side's first close was a RST rather than a FIN. */
    boolean closedByReset(int s) {
        return rstFrame[s] >= 0 && (finFrame[s] < 0 || rstFrame[s] < finFrame[s]);
    }

    boolean emitted(Cause c) {
        return (emitted & (1L << c.ordinal())) != 0;
    }
}
