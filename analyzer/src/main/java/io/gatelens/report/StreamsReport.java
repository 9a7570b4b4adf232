package io.gatelens.report;

import com.fasterxml.jackson.core.JsonGenerator;
import io.gatelens.flow.Connection;
import io.gatelens.pipeline.StreamSummary;
import io.gatelens.tcp.Direction;
import io.gatelens.tcp.TcpStats;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.function.Consumer;

/** The TCP view of each connection, as a table or JSON Lines, written row by row. */
public abstract class StreamsReport implements Consumer<StreamSummary>, AutoCloseable {
    public static StreamsReport text(PrintWriter out) {
        return new Text(out);
    }

    public static StreamsReport json(PrintWriter out) {
        return new JsonLines(out);
    }

    @Override
    public abstract void close();

    static String millis(long nanos) {
        return nanos < 0 ? "-" : Times.millisText(nanos);
    }

    private static final class Text extends StreamsReport {
        private static final String FORMAT = "%5s  %-21s  %-21s  %7s  %9s  %9s  %13s  %9s  %6s  %9s  %s%n";
        private final PrintWriter out;

        Text(PrintWriter out) {
            this.out = out;
            out.printf(FORMAT, "id", "client", "server", "frames", "retrans", "out-order", "gaps (bytes)",
                    "zero-win", "syn-rt", "rtt ms", "end");
        }

        @Override
        public void accept(StreamSummary row) {
            Connection c = row.connection();
            TcpStats s = row.stats();
            TcpStats.Side a = s.side(Direction.CLIENT_TO_SERVER), b = s.side(Direction.SERVER_TO_CLIENT);
            out.printf(FORMAT, c.id(), c.client(), c.server(), c.frames(),
                    a.retransmittedSegments() + b.retransmittedSegments(),
                    a.outOfOrderSegments() + b.outOfOrderSegments(),
                    (a.gaps() + b.gaps()) + " (" + (a.gapBytes() + b.gapBytes()) + ")",
                    a.zeroWindows() + b.zeroWindows(), s.synRetransmissions(), millis(s.handshakeRttNanos()),
                    c.end().id() + (a.limitHit() || b.limitHit() ? " (reassembly cap hit)" : ""));
        }

        @Override
        public void close() {
            out.flush();
        }
    }

    private static final class JsonLines extends StreamsReport {
        private final JsonRows rows;

        JsonLines(PrintWriter out) {
            this.rows = new JsonRows(out);
        }

        @Override
        public void accept(StreamSummary row) {
            Connection c = row.connection();
            TcpStats s = row.stats();
            rows.row(g -> {
                g.writeNumberField("connection", c.id());
                g.writeStringField("client", c.client().toString());
                g.writeStringField("server", c.server().toString());
                g.writeNumberField("frames", c.frames());
                g.writeStringField("start", Times.iso(c.firstNanos()));
                g.writeNumberField("duration_s", Times.seconds(c.durationNanos()));
                JsonRows.millis(g, "handshake_rtt_ms", s.handshakeRttNanos());
                JsonRows.millis(g, "syn_to_synack_ms", s.synToSynAckNanos());
                JsonRows.millis(g, "synack_to_ack_ms", s.synAckToAckNanos());
                g.writeNumberField("syn_retransmissions", s.synRetransmissions());
                g.writeNumberField("synack_retransmissions", s.synAckRetransmissions());
                for (Direction d : Direction.values()) side(g, d, s.side(d));
                g.writeStringField("end", c.end().id());
            });
        }

        private static void side(JsonGenerator g, Direction d, TcpStats.Side s) throws IOException {
            g.writeObjectFieldStart(d.id());
            g.writeNumberField("segments", s.segments());
            g.writeNumberField("payload_bytes", s.payloadBytes());
            g.writeNumberField("delivered_bytes", s.deliveredBytes());
            g.writeNumberField("retransmissions", s.retransmittedSegments());
            g.writeNumberField("out_of_order", s.outOfOrderSegments());
            g.writeNumberField("gaps", s.gaps());
            g.writeNumberField("gap_bytes", s.gapBytes());
            g.writeNumberField("overlap_conflicts", s.overlapConflicts());
            g.writeNumberField("zero_windows", s.zeroWindows());
            g.writeNumberField("zero_window_probes", s.zeroWindowProbes());
            g.writeNumberField("keepalives", s.keepAlives());
            g.writeBooleanField("fin", s.finSeen());
            g.writeBooleanField("rst", s.rstSeen());
            g.writeBooleanField("limit_hit", s.limitHit());
            g.writeEndObject();
        }

        @Override
        public void close() {
            rows.close();
        }
    }
}
