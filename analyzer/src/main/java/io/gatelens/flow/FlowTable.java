package io.gatelens.flow;

import io.gatelens.capture.Frame;
import io.gatelens.capture.decode.DecodedPacket;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * Assigns each TCP segment to its connection and hands each connection on when it is done, so
 * memory holds only the connections still live, however long the capture.
 *
 * <p>A connection is done when it has ended (FIN both ways, or RST) and seen no frame for
 * {@link #ENDED_LINGER_NANOS} of capture time, when it has seen no frame for
 * {@link #IDLE_TIMEOUT_NANOS} (counted), or at {@link #finish()}. The live table is capped:
 * past {@code maxLive} the connection that ended longest ago goes first; when none has ended, the
 * least recently active ones are released early (a sixty-fourth of the table at a time), and
 * that is counted and reported, since a later frame of one starts a new connection with guessed
 * roles.
 */
public final class FlowTable {
    public static final int DEFAULT_MAX_LIVE = 100_000;
    /**
     * Late ACKs and retransmitted FINs still belong to the old connection for a while. Half of
     * Linux's 60 s TIME_WAIT covers them in practice; a full table releases ended connections
     * sooner, before any live one.
     */
    static final long ENDED_LINGER_NANOS = 30_000_000_000L;
    /**
     * A connection with no frame for this long (capture time) is let go, ended or not, and
     * counted: Zeek's tcp_inactivity_timeout (5 min). It is longer than nginx's and HAProxy's
     * keep-alive timeouts (75 s, and 60 s for nginx's upstream keep-alive), so only connections
     * the capture lost the end of, or very quiet WebSockets, reach it; a long live capture then
     * does not hold them forever.
     */
    public static final long IDLE_TIMEOUT_NANOS = 300_000_000_000L;
    /** How often (capture time) the table is swept for idle connections: one scan, not one per frame. */
    static final long IDLE_SWEEP_NANOS = 10_000_000_000L;

    private final int maxLive;
    private final Consumer<Connection> done;
    // Not access-ordered: keeping an LRU list up to date costs cache misses on every segment,
    // and the order is only needed when the table is full (see makeRoom).
    private final ConnectionMap live = new ConnectionMap();
    private final ArrayDeque<Connection> ended = new ArrayDeque<>();
    private final ConnectionKey probe = new ConnectionKey();
    private Connection last;
    private boolean lastFromClient;
    private long nextId;
    private long releasedEarly;
    private long limitHitAtFrame;
    private long expiredIdle;
    private long nextSweep = Long.MIN_VALUE;

    public FlowTable(Consumer<Connection> done) {
        this(DEFAULT_MAX_LIVE, done);
    }

    public FlowTable(int maxLive, Consumer<Connection> done) {
        if (maxLive < 1) throw new IllegalArgumentException("maxLive must be at least 1");
        this.maxLive = maxLive;
        this.done = done;
    }

    /** Counts the segment on its connection and returns that connection. */
    public Connection observe(Frame frame, DecodedPacket p) {
        long now = frame.epochNanos();
        releaseLingering(now);
        if (now >= nextSweep) expireIdle(now);
        probe.set(p);
        // Segments often come in runs per connection: the last one found is checked first.
        Connection c = last != null && !last.released && probe.equals(last.key) ? last : live.get(probe);
        if (c != null && p.syn() && !p.ackFlag() && startsNewConnection(c, p)) {
            release(c);
            c = null;
        }
        if (c == null) {
            if (live.size() >= maxLive) makeRoom(frame);
            c = open(p);
            c.key = probe.copy();
            // The client sent this packet (or received it): it is the lower endpoint when the sender is.
            c.clientIsLo = c.sentByClient(p) == probe.srcIsLo();
            live.put(c);
        }
        last = c;
        lastFromClient = probe.srcIsLo() == c.clientIsLo;
        boolean wasEnded = c.ended();
        c.count(lastFromClient, frame.number(), frame.epochNanos(), p.flags(), p.seq(), p.payloadWireLength());
        if (!wasEnded && c.ended()) ended.addLast(c);
        return c;
    }

    /** Releases every connection still held, in id order: call once at the end of the capture. */
    public void finish() {
        List<Connection> rest = live.values();
        rest.sort(Comparator.comparingLong(Connection::id));
        live.clear();
        ended.clear();
        for (Connection c : rest) {
            c.released = true;
            done.accept(c);
        }
    }

    /** Releases the connection that ended longest ago or, failing that, the least recently active ones. */
    private void makeRoom(Frame frame) {
        while (!ended.isEmpty()) {
            Connection c = ended.pollFirst();
            if (!c.released) {
                release(c);
                return;
            }
        }
        if (limitHitAtFrame == 0) limitHitAtFrame = frame.number();
        // The least recently active go first, a batch at a time: a flood of new connections then
        // costs one sort per batch instead of a scan of the table per connection.
        List<Connection> all = live.values();
        all.sort(Comparator.comparingLong(c -> c.lastFrame));
        int batch = Math.max(1, all.size() / 64);
        for (int i = 0; i < batch; i++) {
            releasedEarly++;
            release(all.get(i));
        }
    }

    /** Lets go of connections silent for {@link #IDLE_TIMEOUT_NANOS}, in id order. */
    private void expireIdle(long now) {
        boolean first = nextSweep == Long.MIN_VALUE;
        nextSweep = now + IDLE_SWEEP_NANOS;
        if (first || live.size() == 0) return;
        List<Connection> idle = null;
        for (Connection c : live.values()) {
            if (now - c.lastNanos > IDLE_TIMEOUT_NANOS) {
                if (idle == null) idle = new ArrayList<>();
                idle.add(c);
            }
        }
        if (idle == null) return;
        idle.sort(Comparator.comparingLong(Connection::id));
        for (Connection c : idle) {
            if (!c.ended()) expiredIdle++;
            release(c);
        }
    }

    private void releaseLingering(long now) {
        while (!ended.isEmpty()) {
            Connection c = ended.peekFirst();
            if (c.released) {
                ended.pollFirst();
            } else if (now - c.lastNanos > ENDED_LINGER_NANOS) {
                ended.pollFirst();
                release(c);
            } else {
                return;
            }
        }
    }

    private void release(Connection c) {
        if (c.released) return;
        c.released = true;
        live.remove(c);
        done.accept(c);
    }

    /**
     * A SYN on a known 4-tuple is a new connection when the old one has ended or the SYN carries
     * another initial sequence number; a retransmitted SYN (same ISN) is not.
     */
    private static boolean startsNewConnection(Connection c, DecodedPacket p) {
        if (c.ended()) return true;
        return c.clientIsn >= 0 && p.seq() != c.clientIsn && c.sentByClient(p);
    }

    private Connection open(DecodedPacket p) {
        Endpoint src = new Endpoint(p.srcAddr(), p.addressLength(), p.srcPort());
        Endpoint dst = new Endpoint(p.dstAddr(), p.addressLength(), p.dstPort());
        long id = nextId++;
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

    /** Whether the segment {@link #observe} last counted was sent by its connection's client. */
    public boolean lastSentByClient() {
        return lastFromClient;
    }

    /** Connections seen so far (the next id). */
    public long connectionCount() { return nextId; }

    /** Connections held now. */
    public int liveCount() { return live.size(); }

    public int maxLive() { return maxLive; }

    /** Connections released before they were done because the table was full. */
    public long releasedEarly() { return releasedEarly; }

    public boolean limitHit() { return limitHitAtFrame > 0; }

    /** Connections let go after {@link #IDLE_TIMEOUT_NANOS} without a frame, before they ended. */
    public long expiredIdle() { return expiredIdle; }

    public long limitHitAtFrame() { return limitHitAtFrame; }
}
