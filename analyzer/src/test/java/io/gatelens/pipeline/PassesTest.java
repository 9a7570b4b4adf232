package io.gatelens.pipeline;

import io.gatelens.anomaly.Anomaly;
import io.gatelens.capture.LinkType;
import io.gatelens.capture.file.PcapWriter;
import io.gatelens.flow.FlowTable;
import io.gatelens.tcp.Direction;
import io.gatelens.tcp.StreamListener;
import io.gatelens.tcp.TcpLimits;
import io.gatelens.tcp.TcpStats;
import io.gatelens.testing.TcpFrames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.gatelens.testing.TcpFrames.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

class PassesTest {
    /**
     * A connection's analysis ends with the connection (FIN both ways or RST), not with the flow
     * table's linger: otherwise a busy capture holds every parser for the linger time and memory
     * grows with the file (seen on the 2 GB benchmark capture).
     */
    @Test
    void streamsAreFinishedWhenTheConnectionEndsNotAtTheEndOfTheCapture(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("two.pcap");
        TcpFrames f = new TcpFrames();
        try (OutputStream os = Files.newOutputStream(file);
             PcapWriter w = new PcapWriter(os, LinkType.ETHERNET.code(), 262144, true)) {
            long t = 1_700_000_000_000_000_000L;
            w.write(f.segment(t, "10.0.0.1", 40000, "10.0.0.2", 80, SYN, 100, 0, 0));
            w.write(f.segment(t + 1, "10.0.0.2", 80, "10.0.0.1", 40000, SYN | ACK, 900, 101, 0));
            w.write(f.segment(t + 2, "10.0.0.1", 40000, "10.0.0.2", 80, PSH | ACK, 101, 901, 10));
            w.write(f.segment(t + 3, "10.0.0.1", 40000, "10.0.0.2", 80, FIN | ACK, 111, 901, 0));
            w.write(f.segment(t + 4, "10.0.0.2", 80, "10.0.0.1", 40000, FIN | ACK, 901, 112, 0));
            w.write(f.segment(t + 5, "10.0.0.1", 40000, "10.0.0.2", 80, ACK, 112, 902, 0)); // late: ignored
            w.write(f.segment(t + 6, "10.0.0.1", 40001, "10.0.0.2", 80, PSH | ACK, 1, 1, 5)); // mid-stream
        }
        List<String> events = new ArrayList<>();
        Passes.streams(file, FlowTable.DEFAULT_MAX_LIVE, TcpLimits.DEFAULT, c -> new StreamListener() {
            @Override public void data(Direction d, byte[] b, int o, int l, long off, long fr, long n) {
                events.add("data " + c.id() + " " + l);
            }
            @Override public void gap(Direction d, long off, long l, long fr, long n) { events.add("gap " + c.id()); }
            @Override public void fin(Direction d, long fr, long n) { events.add("fin " + c.id()); }
            @Override public void reset(Direction d, boolean afterFin, long fr, long n) { events.add("rst " + c.id()); }
            @Override public void anomaly(Anomaly a) { }
            @Override public void closed(TcpStats s) { events.add("closed " + c.id()); }
        }, c -> { });
        assertEquals(List.of("data 0 10", "fin 0", "fin 0", "closed 0", "data 1 5", "closed 1"), events);
    }
}
