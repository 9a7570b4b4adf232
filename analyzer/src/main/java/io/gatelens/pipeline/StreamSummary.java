package io.gatelens.pipeline;

import io.gatelens.flow.Connection;
import io.gatelens.tcp.TcpStats;

/** One connection with what the reassembler counted on it: a row of `gatelens streams`. */
public record StreamSummary(Connection connection, TcpStats stats) {
    public long id() {
        return connection.id();
    }
}
