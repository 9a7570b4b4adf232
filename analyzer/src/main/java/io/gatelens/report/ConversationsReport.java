package io.gatelens.report;

import com.fasterxml.jackson.core.JsonGenerator;
import io.gatelens.flow.Connection;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;

/** One row per TCP connection, as a table or JSON Lines. */
public final class ConversationsReport {
    private final List<Connection> connections;

    public ConversationsReport(List<Connection> connections) {
        this.connections = connections;
    }

    public void writeText(PrintWriter out) {
        int cw = "client".length(), sw = "server".length();
        for (Connection c : connections) {
            cw = Math.max(cw, c.client().toString().length());
            sw = Math.max(sw, c.server().toString().length());
        }
        String fmt = "%5s  %-" + cw + "s  %-" + sw + "s  %7s  %12s  %12s  %-30s  %12s  %s%n";
        out.printf(fmt, "id", "client", "server", "frames", "bytes c>s", "bytes s>c", "start", "duration_s", "end");
        for (Connection c : connections) {
            out.printf(fmt, c.id(), c.client(), c.server(), c.frames(), c.clientPayloadBytes(),
                    c.serverPayloadBytes(), Times.iso(c.firstNanos()), Times.secondsText(c.durationNanos()),
                    c.end().id() + (c.rolesFromSyn() ? "" : " (roles guessed: no SYN)"));
        }
    }

    public void writeJson(PrintWriter out) throws IOException {
        try (JsonGenerator g = Json.lines(out)) {
            for (Connection c : connections) {
                g.writeStartObject();
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
                g.writeEndObject();
            }
        }
        if (!connections.isEmpty()) out.println();
    }
}
