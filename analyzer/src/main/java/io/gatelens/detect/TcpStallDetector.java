package io.gatelens.detect;

import io.gatelens.anomaly.Severity;

import static io.gatelens.detect.ConnectionFacts.C2S;

/**
 * Predictors on one connection: a burst of retransmissions (loss: responses arrive late and can
 * cross the proxy's timeout) and a long zero-window stall (a side stopped reading). Warnings, not
 * causes.
 */
final class TcpStallDetector implements Detector {
    @Override
    public void closed(ConnectionFacts c, Findings out) {
        DetectOptions o = out.options();
        for (int s = 0; s < 2; s++) {
            ConnectionFacts.Side d = c.side(s);
            String sender = s == C2S ? "the proxy" : "the upstream";
            if (d.burstCount >= o.retransmissionBurst()) {
                Proof p = new Proof()
                        .add(d.burstFirstFrame, d.burstFirstNanos, "first retransmission of the burst")
                        .add(d.burstLastFrame, d.burstLastNanos, "last retransmission of the burst");
                String specific = sender.substring(0, 1).toUpperCase() + sender.substring(1) + " retransmitted "
                        + d.burstCount + " segments within " + Proof.duration(d.burstLastNanos - d.burstFirstNanos)
                        + " (" + d.retransmissions + " on the connection): segments were lost between the two."
                        + " Each loss costs at least a retransmission timeout (200 ms or more on Linux).";
                out.add(Cause.RETRANSMISSION_BURST, Severity.WARNING, null, specific, null, d.burstFirstNanos, p.list());
            }
            if (d.stallFrame >= 0 && d.stallDurationNanos >= o.zeroWindowStallNanos()) {
                Proof p = new Proof()
                        .add(d.stallFrame, d.stallNanos, sender + " advertises a zero window")
                        .add(d.stallEndFrame, d.stallNanos + d.stallDurationNanos, sender + " opens its window again");
                String what = s == C2S
                        ? "the proxy stopped reading the upstream's response (its buffers were full: the proxy's client reads"
                        + " slowly, or the proxy does not buffer responses)"
                        : "the upstream stopped reading what the proxy sent (a request body it does not consume, or an"
                        + " overloaded upstream)";
                String specific = "For " + Proof.duration(d.stallDurationNanos) + (d.stallEndFrame < 0 ? " (until the end)" : "")
                        + " " + what + ": its receive window stayed at zero.";
                out.add(Cause.ZERO_WINDOW_STALL, Severity.WARNING, null, specific, null, d.stallNanos, p.list());
            }
        }
    }
}
