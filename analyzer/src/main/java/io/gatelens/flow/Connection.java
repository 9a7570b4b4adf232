package io.gatelens.flow;

/**
 * One TCP connection and what was counted on it. Ids are 0-based in order of first frame, with a
 * new id for a new SYN on a 4-tuple whose connection has ended, as Wireshark's tcp.stream.
 */
public final class Connection {
    private final long id;
    private final Endpoint client;
    private final Endpoint server;
    /** How the roles were decided: from a SYN, or guessed from the ports. */
    private final boolean rolesFromSyn;

    ConnectionKey key;
    /**
     * The client is the lower endpoint of the key's canonical order: a segment's direction is
     * then known from the key the table looked it up with, without comparing addresses again.
     */
    boolean clientIsLo;
    boolean released;
    /** The stream reassembler's state, kept here so each segment finds it without a map lookup. */
    private Object reassembly;
    private boolean analysisFinished;

    long frames;
    long clientFrames;
    long serverFrames;
    long clientPayloadBytes;
    long serverPayloadBytes;
    long firstNanos;
    long lastNanos;
    long firstFrame;
    long lastFrame;
    long clientIsn = -1;
    int synCount;
    boolean synAckSeen;
    boolean serverSpoke;
    boolean clientFin;
    boolean serverFin;
    boolean clientRst;
    boolean serverRst;
    /** Which came first, when both sides reset (rare, but the first is the one that matters). */
    boolean serverResetFirst;

    Connection(long id, Endpoint client, Endpoint server, boolean rolesFromSyn) {
        this.id = id;
        this.client = client;
        this.server = server;
        this.rolesFromSyn = rolesFromSyn;
    }

    /**
     * A new connection with this one's id, endpoints and roles and nothing counted yet: for a
     * thread that analyses the connection beside the pass, which {@link #count}s each segment on
     * it as it gets to it, so it sees the counters as they were at that segment.
     */
    public Connection shadow() {
        return new Connection(id, client, server, rolesFromSyn);
    }

    /** A copy of this connection with everything counted so far, fixed: for another thread to read. */
    public Connection frozenCopy() {
        Connection c = shadow();
        c.copyCountsFrom(this);
        return c;
    }

    /** Takes every count of {@code other} (a {@link #frozenCopy()} of the same connection). */
    public void copyCountsFrom(Connection other) {
        frames = other.frames;
        clientFrames = other.clientFrames;
        serverFrames = other.serverFrames;
        clientPayloadBytes = other.clientPayloadBytes;
        serverPayloadBytes = other.serverPayloadBytes;
        firstNanos = other.firstNanos;
        lastNanos = other.lastNanos;
        firstFrame = other.firstFrame;
        lastFrame = other.lastFrame;
        clientIsn = other.clientIsn;
        synCount = other.synCount;
        synAckSeen = other.synAckSeen;
        serverSpoke = other.serverSpoke;
        clientFin = other.clientFin;
        serverFin = other.serverFin;
        clientRst = other.clientRst;
        serverRst = other.serverRst;
        serverResetFirst = other.serverResetFirst;
    }

    /** Sets the last frame and its time (a shadow's, as the connection's were at an event). */
    public void lastSeen(long frame, long nanos) {
        lastFrame = frame;
        lastNanos = nanos;
    }

    /** Counts one segment: its frame number and time, TCP flags ({@link io.gatelens.capture.decode.DecodedPacket}'s), sequence number and payload length. */
    public void count(boolean fromClient, long frame, long nanos, int flags, long seq, int payloadWireLength) {
        boolean syn = (flags & io.gatelens.capture.decode.DecodedPacket.FLAG_SYN) != 0;
        boolean ack = (flags & io.gatelens.capture.decode.DecodedPacket.FLAG_ACK) != 0;
        boolean fin = (flags & io.gatelens.capture.decode.DecodedPacket.FLAG_FIN) != 0;
        boolean rst = (flags & io.gatelens.capture.decode.DecodedPacket.FLAG_RST) != 0;
        if (frames == 0) {
            firstNanos = nanos;
            firstFrame = frame;
        }
        frames++;
        lastNanos = nanos;
        lastFrame = frame;
        if (fromClient) {
            clientFrames++;
            clientPayloadBytes += payloadWireLength;
            if (syn && !ack) {
                synCount++;
                if (clientIsn < 0) clientIsn = seq;
            }
            if (fin) clientFin = true;
            if (rst) clientRst = true;
        } else {
            serverFrames++;
            serverPayloadBytes += payloadWireLength;
            serverSpoke = true;
            if (syn && ack) synAckSeen = true;
            if (fin) serverFin = true;
            if (rst) {
                if (!clientRst) serverResetFirst = true;
                serverRst = true;
            }
        }
    }

    public long id() { return id; }
    public Endpoint client() { return client; }
    public Endpoint server() { return server; }
    public boolean rolesFromSyn() { return rolesFromSyn; }
    public long frames() { return frames; }
    public long clientFrames() { return clientFrames; }
    public long serverFrames() { return serverFrames; }
    /** TCP payload bytes the client sent, as on the wire (tcp.len), retransmissions included. */
    public long clientPayloadBytes() { return clientPayloadBytes; }
    public long serverPayloadBytes() { return serverPayloadBytes; }
    public long firstNanos() { return firstNanos; }
    public long lastNanos() { return lastNanos; }
    public long firstFrame() { return firstFrame; }
    public long lastFrame() { return lastFrame; }
    public long durationNanos() { return lastNanos - firstNanos; }
    public int synCount() { return synCount; }

    /** True when the packet was sent by this connection's client. */
    public boolean sentByClient(io.gatelens.capture.decode.DecodedPacket p) {
        return p.srcPort() == client.port() && client.addressEquals(p.srcAddr(), p.addressLength());
    }

    /** FIN both ways, or a reset: the connection is over, though late segments may still come. */
    public boolean ended() {
        return clientRst || serverRst || (clientFin && serverFin);
    }

    /** Opaque to the flow table: the tcp package's per-connection state, or null. */
    public Object reassembly() {
        return reassembly;
    }

    public void reassembly(Object state) {
        reassembly = state;
    }

    /** The analysis above the flow table has finished with this connection (see Passes). */
    public boolean analysisFinished() {
        return analysisFinished;
    }

    public void finishAnalysis() {
        analysisFinished = true;
    }

    public ConnectionEnd end() {
        if (clientRst || serverRst) {
            boolean server = serverRst && (!clientRst || serverResetFirst);
            if (server && synCount > 0 && !synAckSeen && serverPayloadBytes == 0) return ConnectionEnd.REFUSED;
            return server ? ConnectionEnd.RESET_BY_SERVER : ConnectionEnd.RESET_BY_CLIENT;
        }
        if (clientFin && serverFin) return ConnectionEnd.CLOSED;
        if (synCount > 0 && !serverSpoke) return ConnectionEnd.SYN_UNANSWERED;
        if (clientFin) return ConnectionEnd.HALF_CLOSED_BY_CLIENT;
        if (serverFin) return ConnectionEnd.HALF_CLOSED_BY_SERVER;
        return ConnectionEnd.OPEN;
    }
}
