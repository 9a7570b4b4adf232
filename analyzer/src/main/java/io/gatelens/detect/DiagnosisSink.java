package io.gatelens.detect;

import io.gatelens.anomaly.Anomaly;
import io.gatelens.finding.Finding;
import io.gatelens.flow.Connection;
import io.gatelens.pipeline.TransactionRow;
import io.gatelens.tcp.TcpStats;

/**
 * What the diagnosis pass hands on, for every connection, before anyone knows which leg it is on
 * (the proxy package decides that from the exchanges). Per connection, calls come in time order:
 * each exchange, then the findings about it; findings about the connection as a whole (a refused
 * connect, a TLS mismatch, a retransmission burst); then {@link #connectionClosed} once. After
 * the last connection, the predictors that need every connection of an upstream (keep-alive idle
 * near the upstream's close time, a response near the proxy's timeout) and {@link #upstream} per
 * server endpoint.
 */
public interface DiagnosisSink {
    /** An exchange has completed (or ended in failure). */
    void exchange(TransactionRow row);

    /** A detector's conclusion about this connection's server, not yet tied to a client response. */
    void finding(Finding f);

    /** A protocol anomaly outside any exchange. */
    default void anomaly(Anomaly a) {}

    /** The connection is over (or the capture is); its counters are final. */
    void connectionClosed(Connection c, TcpStats stats);

    /**
     * The timeouts one server endpoint showed over all its connections, once per endpoint at the
     * end of the pass (after its predictor findings).
     */
    default void upstream(UpstreamTimings timings) {}
}
