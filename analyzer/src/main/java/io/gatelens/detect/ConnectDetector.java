package io.gatelens.detect;

import static io.gatelens.detect.ConnectionFacts.C2S;
import static io.gatelens.detect.ConnectionFacts.S2C;

/** connect_refused (SYN answered by RST) and connect_timeout (SYNs with no answer at all). */
final class ConnectDetector implements Detector {
    @Override
    public void closed(ConnectionFacts c, Findings out) {
        if (c.synFrame < 0 || c.synAckFrame >= 0 || c.server.firstDataFrame >= 0) return;
        int port = c.connection.server().port();
        Proof p = new Proof().add(c.synFrame, c.synNanos, "SYN to " + c.upstream);
        String syns = c.synRetransmissions == 0 ? "its SYN"
                : "its SYN (sent " + (c.synRetransmissions + 1) + " times over " + Proof.duration(c.lastSynNanos - c.synNanos) + ")";
        if (c.synRetransmissions > 0) p.add(c.lastSynFrame, c.lastSynNanos, "SYN sent again (no answer yet)");
        if (c.server.rstFrame >= 0) {
            p.add(c.server.rstFrame, c.server.rstNanos, "RST: connection refused");
            String specific = "The connection to " + c.upstream + " was refused: " + syns + " was answered by a RST "
                    + Proof.duration(c.server.rstNanos - c.lastSynNanos) + " later. Nothing listens on port " + port
                    + " (the upstream is down or restarting, or the port is wrong), or a firewall rejects the connection.";
            out.add(Cause.CONNECT_REFUSED, null, specific, null, c.server.rstNanos, p.list());
            return;
        }
        if (c.server.finFrame >= 0 || c.client.firstDataFrame >= 0) return;
        long since = out.clock() - c.lastSynNanos;
        if (c.synRetransmissions == 0 && since < out.options().connectTimeoutMinNanos()) return;
        String specific = "The connection to " + c.upstream + " was never answered: " + syns
                + " got neither SYN/ACK nor RST, and nothing came back in the " + Proof.duration(since)
                + " the capture went on after the last SYN. The upstream host is down or unreachable, or a firewall"
                + " drops the SYNs; the proxy gives up when its connect timeout expires.";
        out.add(Cause.CONNECT_TIMEOUT, null, specific, null, c.lastSynNanos, p.list());
    }
}
