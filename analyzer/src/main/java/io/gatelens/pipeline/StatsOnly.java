package io.gatelens.pipeline;

import io.gatelens.anomaly.Anomaly;
import io.gatelens.flow.Connection;
import io.gatelens.tcp.Direction;
import io.gatelens.tcp.StreamListener;
import io.gatelens.tcp.TcpStats;

import java.util.function.Consumer;

/** A stream listener that ignores the bytes and hands on the connection's TCP statistics. */
final class StatsOnly implements StreamListener {
    private final Connection connection;
    private final Consumer<StreamSummary> sink;

    StatsOnly(Connection connection, Consumer<StreamSummary> sink) {
        this.connection = connection;
        this.sink = sink;
    }

    @Override public void data(Direction dir, byte[] buf, int off, int len, long streamOffset, long frame, long nanos) { }
    @Override public void gap(Direction dir, long streamOffset, long length, long frame, long nanos) { }
    @Override public void fin(Direction dir, long frame, long nanos) { }
    @Override public void reset(Direction dir, boolean afterFin, long frame, long nanos) { }
    @Override public void anomaly(Anomaly a) { }

    @Override
    public void closed(TcpStats stats) {
        sink.accept(new StreamSummary(connection, stats));
    }
}
