package io.gatelens.tcp;

/**
 * What the reassembler counted on one connection, for the streams view. Filled in while the
 * connection is live and handed over once, in {@link StreamListener#closed(TcpStats)}.
 */
public final class TcpStats {
    /** Counters for the bytes one side sent. */
    public static final class Side {
        long segments;
        long payloadBytes;
        long deliveredBytes;
        long retransmittedSegments;
        long outOfOrderSegments;
        long gaps;
        long gapBytes;
        long overlapConflicts;
        long zeroWindows;
        long keepAlives;
        long zeroWindowProbes;
        boolean limitHit;
        boolean finSeen;
        boolean rstSeen;

        /** TCP segments this side sent, pure ACKs included. */
        public long segments() { return segments; }
        /** Payload bytes as on the wire (tcp.len), retransmissions included. */
        public long payloadBytes() { return payloadBytes; }
        /** Bytes handed to the listener: each stream byte at most once. */
        public long deliveredBytes() { return deliveredBytes; }
        /** Segments carrying at least one byte already seen (delivered or held). */
        public long retransmittedSegments() { return retransmittedSegments; }
        /** Segments that arrived beyond a hole and had to be held. */
        public long outOfOrderSegments() { return outOfOrderSegments; }
        public long gaps() { return gaps; }
        public long gapBytes() { return gapBytes; }
        /** Segments whose bytes disagreed with bytes first seen at the same offsets. */
        public long overlapConflicts() { return overlapConflicts; }
        /** Segments this side sent advertising a zero receive window. */
        public long zeroWindows() { return zeroWindows; }
        public long keepAlives() { return keepAlives; }
        /** Probes sent while the peer advertised a zero window. */
        public long zeroWindowProbes() { return zeroWindowProbes; }
        /** A hold cap of {@link TcpLimits} was hit in this direction. */
        public boolean limitHit() { return limitHit; }
        public boolean finSeen() { return finSeen; }
        public boolean rstSeen() { return rstSeen; }
    }

    private final long connectionId;
    final Side clientToServer = new Side();
    final Side serverToClient = new Side();
    int synRetransmissions;
    int synAckRetransmissions;
    long synToSynAckNanos = -1;
    long synAckToAckNanos = -1;

    /** Nothing counted, connection id -1: for driving a listener without a reassembler (tests). */
    public TcpStats() {
        this(-1);
    }

    public TcpStats(long connectionId) {
        this.connectionId = connectionId;
    }

    public long connectionId() { return connectionId; }

    public Side side(Direction dir) {
        return dir == Direction.CLIENT_TO_SERVER ? clientToServer : serverToClient;
    }

    /** SYNs sent again with the same initial sequence number. */
    public int synRetransmissions() { return synRetransmissions; }
    public int synAckRetransmissions() { return synAckRetransmissions; }

    /** From the last SYN before it to the first SYN/ACK; -1 when either was not seen. */
    public long synToSynAckNanos() { return synToSynAckNanos; }

    /** From the last SYN/ACK before it to the ACK completing the handshake; -1 when not seen. */
    public long synAckToAckNanos() { return synAckToAckNanos; }

    /** The whole handshake as seen at the capture point; -1 when a part is missing. */
    public long handshakeRttNanos() {
        return synToSynAckNanos < 0 || synAckToAckNanos < 0 ? -1 : synToSynAckNanos + synAckToAckNanos;
    }
}
