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
            String sender = s == C2S ? "the proxy" : "the upstream";
            if (c.burstCount[s] >= o.retransmissionBurst()) {
                Proof p = new Proof()
                        .add(c.burstFirstFrame[s], c.burstFirstNanos[s], "first retransmission of the burst")
                        .add(c.burstLastFrame[s], c.burstLastNanos[s], "last retransmission of the burst");
                String specific = sender.substring(0, 1).toUpperCase() + sender.substring(1) + " retransmitted "
                        + c.burstCount[s] + " segments within " + Proof.duration(c.burstLastNanos[s] - c.burstFirstNanos[s])
                        + " (" + c.retransmissions[s] + " on the connection): segments were lost between the two."
                        + " Each loss costs at least a retransmission timeout (200 ms or more on Linux).";
                out.add(Cause.RETRANSMISSION_BURST, Severity.WARNING, null, specific, null, c.burstFirstNanos[s], p.list());
            }
            if (c.stallFrame[s] >= 0 && c.stallDurationNanos[s] >= o.zeroWindowStallNanos()) {
                Proof p = new Proof()
                        .add(c.stallFrame[s], c.stallNanos[s], sender + " advertises a zero window")
                        .add(c.stallEndFrame[s], c.stallNanos[s] + c.stallDurationNanos[s], sender + " opens its window again");
                String what = s == C2S
                        ? "the proxy stopped reading the upstream's response (its buffers were full: the proxy's client reads"
                        + " slowly, or the proxy does not buffer responses)"
                        : "the upstream stopped reading what the proxy sent (a request body it does not consume, or an"
                        + " overloaded upstream)";
                String specific = "For " + Proof.duration(c.stallDurationNanos[s]) + (c.stallEndFrame[s] < 0 ? " (until the end)" : "")
                        + " " + what + ": its receive window stayed at zero.";
                out.add(Cause.ZERO_WINDOW_STALL, Severity.WARNING, null, specific, null, c.stallNanos[s], p.list());
            }
        }
    }
}
