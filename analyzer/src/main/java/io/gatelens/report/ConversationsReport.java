package io.gatelens.report;

import io.gatelens.flow.Connection;

import java.io.PrintWriter;
import java.util.function.Consumer;

/**
 * Writes one row per TCP connection as each is handed over, as a table or JSON Lines, so no list
 * of connections is kept.
 */
public abstract class ConversationsReport implements Consumer<Connection>, AutoCloseable {
    public static ConversationsReport text(PrintWriter out) {
        return new Text(out);
    }

    public static ConversationsReport json(PrintWriter out) {
        return new JsonLines(out);
    }

    @Override
    public abstract void close();

    private static final class Text extends ConversationsReport {
        // Wide enough for any IPv4 endpoint; IPv6 rows stretch their column rather than cut it.
        private static final String FORMAT = "%5s  %-21s  %-21s  %7s  %12s  %12s  %-30s  %12s  %s%n";
        private final PrintWriter out;

        Text(PrintWriter out) {
            this.out = out;
            out.printf(FORMAT, "id", "client", "server", "frames", "bytes c>s", "bytes s>c", "start",
                    "duration_s", "end");
        }

        @Override
        public void accept(Connection c) {
            out.printf(FORMAT, c.id(), c.client(), c.server(), c.frames(), c.clientPayloadBytes(),
                    c.serverPayloadBytes(), Times.iso(c.firstNanos()), Times.secondsText(c.durationNanos()),
                    c.end().id() + (c.rolesFromSyn() ? "" : " (roles guessed: no SYN)"));
        }

        @Override
        public void close() {
            out.flush();
        }
    }

    private static final class JsonLines extends ConversationsReport {
        private final JsonRows rows;

        JsonLines(PrintWriter out) {
            this.rows = new JsonRows(out);
        }

        @Override
        public void accept(Connection c) {
            rows.row(g -> {
                g.writeNumberField("connection", c.id());
                g.writeStringField("client", c.client().toString());
                g.writeStringField("server", c.server().toString());
                g.writeBooleanField("roles_from_syn", c.rolesFromSyn());
                g.writeNumberField("frames", c.frames());
                g.writeNumberField("client_frames", c.clientFrames());
                g.writeNumberField("server_frames", c.serverFrames());
                g.writeNumberField("client_bytes", c.clientPayloadBytes());
                g.writeNumberField("server_bytes", c.serverPayloadBytes());
                g.writeStringField("start", Times.iso(c.firstNanos()));
                g.writeNumberField("duration_s", Times.seconds(c.durationNanos()));
                g.writeNumberField("first_frame", c.firstFrame());
                g.writeNumberField("last_frame", c.lastFrame());
                g.writeNumberField("syn_count", c.synCount());
                g.writeStringField("end", c.end().id());
            });
        }

        @Override
        public void close() {
            rows.close();
        }
    }
}
