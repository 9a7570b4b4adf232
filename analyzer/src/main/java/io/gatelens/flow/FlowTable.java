package io.gatelens.flow;

import io.gatelens.capture.Frame;
import io.gatelens.capture.decode.DecodedPacket;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Assigns each TCP segment to its connection. The table is capped: past {@code maxConnections}
 * new connections are not tracked, their frames are counted as untracked, and
 * {@link #limitHit()} says so.
 */
public final class FlowTable {
    public static final int DEFAULT_MAX_CONNECTIONS = 1_000_000;

    private final int maxConnections;
    private final Map<ConnectionKey, Connection> current = new HashMap<>();
    private final List<Connection> all = new ArrayList<>();
    private final ConnectionKey probe = new ConnectionKey();
    private long untrackedFrames;
    private long limitHitAtFrame;

    public FlowTable() {
        this(DEFAULT_MAX_CONNECTIONS);
    }

    public FlowTable(int maxConnections) {
        this.maxConnections = maxConnections;
    }

    /** Counts the segment on its connection and returns it, or null when the table is full. */
    public Connection observe(Frame frame, DecodedPacket p) {
        boolean srcIsLo = probe.set(p);
        Connection c = current.get(probe);
        boolean newSyn = p.syn() && !p.ackFlag();
        if (c != null && newSyn && startsNewConnection(c, p)) {
            c = null;
        }
        if (c == null) {
            if (all.size() >= maxConnections) {
                untrackedFrames++;
                if (limitHitAtFrame == 0) limitHitAtFrame = frame.number();
                return null;
            }
            c = open(frame, p);
            current.put(probe.copy(), c);
            all.add(c);
        }
        count(c, frame, p);
        return c;
    }

    /**
     * A SYN on a known 4-tuple is a new connection when the old one has ended or the SYN carries
     * another initial sequence number; a retransmitted SYN (same ISN) is not.
     */
    private static boolean startsNewConnection(Connection c, DecodedPacket p) {
        if (c.ended()) return true;
        return c.clientIsn >= 0 && p.seq() != c.clientIsn && isFromClient(c, p);
    }

    private Connection open(Frame frame, DecodedPacket p) {
        Endpoint src = new Endpoint(p.srcAddr(), p.addressLength(), p.srcPort());
        Endpoint dst = new Endpoint(p.dstAddr(), p.addressLength(), p.dstPort());
        long id = all.size();
        if (p.syn()) {
            // SYN alone comes from the client; SYN-ACK from the server.
            return p.ackFlag() ? new Connection(id, dst, src, true) : new Connection(id, src, dst, true);
        }
        return serverIsSource(p) ? new Connection(id, dst, src, false) : new Connection(id, src, dst, false);
    }

    /**
     * No SYN seen (capture started mid-connection): the lower port is taken as the server's, since
     * listening ports are usually below the ephemeral range; on equal ports, the receiver of the
     * first frame seen.
     */
    static boolean serverIsSource(DecodedPacket p) {
        return p.srcPort() < p.dstPort();
    }

    private static boolean isFromClient(Connection c, DecodedPacket p) {
        return p.srcPort() == c.client().port() && c.client().addressEquals(p.srcAddr(), p.addressLength());
    }

    private static void count(Connection c, Frame frame, DecodedPacket p) {
        boolean fromClient = isFromClient(c, p);
        if (c.frames == 0) {
            c.firstNanos = frame.epochNanos();
            c.firstFrame = frame.number();
        }
        c.frames++;
        c.lastNanos = frame.epochNanos();
        c.lastFrame = frame.number();
        int len = p.payloadWireLength();
        if (fromClient) {
            c.clientFrames++;
            c.clientPayloadBytes += len;
            if (p.syn() && !p.ackFlag()) {
                c.synCount++;
                if (c.clientIsn < 0) c.clientIsn = p.seq();
            }
            if (p.fin()) c.clientFin = true;
            if (p.rst()) c.clientRst = true;
        } else {
            c.serverFrames++;
            c.serverPayloadBytes += len;
            c.serverSpoke = true;
            if (p.syn() && p.ackFlag()) c.synAckSeen = true;
            if (p.fin()) c.serverFin = true;
            if (p.rst()) {
                if (!c.clientRst) c.serverResetFirst = true;
                c.serverRst = true;
            }
        }
    }

    /** Every connection seen, in id order. */
    public List<Connection> connections() {
        return all;
    }

    public long untrackedFrames() { return untrackedFrames; }

    public boolean limitHit() { return limitHitAtFrame > 0; }

    public long limitHitAtFrame() { return limitHitAtFrame; }

    public int maxConnections() { return maxConnections; }
}
