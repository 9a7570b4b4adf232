package io.gatelens.pipeline;

import io.gatelens.anomaly.Anomaly;
import io.gatelens.detect.DiagnosisSink;
import io.gatelens.http.HttpLimits;
import io.gatelens.tcp.Direction;
import io.gatelens.tcp.StreamListener;
import io.gatelens.tcp.TcpLimits;
import io.gatelens.tcp.TcpStats;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Test stand-in for the diagnosis pass (issue #4, branch detect) without detectors: every
 * exchange, every anomaly outside one, and every connection's end, in the order the pass hands
 * them on. Tests put their own findings in between.
 */
public final class StandInDiagnosis {
    private StandInDiagnosis() {}

    public static Passes.Result run(Path file, DiagnosisSink sink) throws IOException {
        HttpWiring http = new HttpWiring(HttpLimits.DEFAULT, sink::exchange, sink::anomaly);
        return Passes.streams(file, 100_000, TcpLimits.DEFAULT, c -> {
            StreamListener inner = http.listenerFor(c);
            return new StreamListener() {
                @Override public void data(Direction d, byte[] b, int o, int l, long off, long fr, long n) {
                    inner.data(d, b, o, l, off, fr, n);
                }
                @Override public void gap(Direction d, long off, long l, long fr, long n) { inner.gap(d, off, l, fr, n); }
                @Override public void fin(Direction d, long fr, long n) { inner.fin(d, fr, n); }
                @Override public void reset(Direction d, boolean afterFin, long fr, long n) { inner.reset(d, afterFin, fr, n); }
                @Override public void anomaly(Anomaly a) { inner.anomaly(a); }
                @Override public void closed(TcpStats stats) {
                    inner.closed(stats); // the last exchanges first, then the end
                    sink.connectionClosed(c, stats);
                }
            };
        }, c -> { });
    }
}
