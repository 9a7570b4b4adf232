package io.gatelens.detect;

import io.gatelens.anomaly.Anomaly;
import io.gatelens.finding.Finding;
import io.gatelens.flow.Connection;
import io.gatelens.flow.FlowTable;
import io.gatelens.http.HttpLimits;
import io.gatelens.pipeline.Passes;
import io.gatelens.pipeline.TransactionRow;
import io.gatelens.tcp.TcpStats;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Everything one diagnosis pass handed its sink, checking the order the sink's contract promises. */
final class Collected implements DiagnosisSink {
    final List<TransactionRow> rows = new ArrayList<>();
    final List<Finding> findings = new ArrayList<>();
    final List<Anomaly> anomalies = new ArrayList<>();
    final Map<Long, Connection> closed = new HashMap<>();
    final List<UpstreamTimings> upstreams = new ArrayList<>();
    private boolean finished;

    static Collected run(Path file) throws IOException {
        return run(file, DetectOptions.DEFAULT);
    }

    static Collected run(Path file, DetectOptions options) throws IOException {
        Collected c = new Collected();
        Passes.diagnose(file, FlowTable.DEFAULT_MAX_LIVE, HttpLimits.DEFAULT, options, c);
        return c;
    }

    @Override
    public void exchange(TransactionRow row) {
        assertFalse(closed.containsKey(row.connection().id()), "exchange after its connection closed");
        rows.add(row);
    }

    @Override
    public void finding(Finding f) {
        if (f.cause().failure()) {
            assertFalse(closed.containsKey(f.connection()), "finding after its connection closed: " + f);
        }
        findings.add(f);
    }

    @Override
    public void anomaly(Anomaly a) {
        anomalies.add(a);
    }

    @Override
    public void connectionClosed(Connection c, TcpStats stats) {
        assertNull(closed.put(c.id(), c), "closed twice: " + c.id());
        assertFalse(finished);
    }

    @Override
    public void upstream(UpstreamTimings timings) {
        finished = true;
        upstreams.add(timings);
    }

    /** Findings on connections whose server listens on {@code port}. */
    List<Finding> onServerPort(int port) {
        List<Finding> out = new ArrayList<>();
        for (Finding f : findings) {
            Connection c = closed.get(f.connection());
            if (c != null && c.server().port() == port) out.add(f);
        }
        return out;
    }

    List<Finding> of(Cause cause) {
        return findings.stream().filter(f -> f.cause() == cause).toList();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Finding f : findings) {
            sb.append(f.cause().id()).append(' ').append(f.severity().id()).append(" c").append(f.connection())
                    .append(' ').append(f.request()).append(' ').append(java.util.Arrays.toString(f.frames()))
                    .append("\n    ").append(f.explanation()).append("\n    hint: ").append(f.hint()).append('\n');
        }
        return sb.toString();
    }
}
