package io.gatelens.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import io.gatelens.anomaly.Anomaly;
import io.gatelens.flow.Connection;
import io.gatelens.http.RequestHead;
import io.gatelens.http.Transaction;
import io.gatelens.pipeline.TransactionRow;
import io.gatelens.ws.HandshakeResult;
import io.gatelens.ws.WebSocketSummary;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * One line per HTTP exchange, as a table or JSON Lines, written as each exchange completes; plus
 * the anomalies that fall outside any exchange. Captured strings are escaped before printing.
 */
public abstract class TransactionsReport implements AutoCloseable {
    public static TransactionsReport text(PrintWriter out) {
        return new Text(out);
    }

    public static TransactionsReport json(PrintWriter out) {
        return new JsonLines(out);
    }

    /**
     * The same report, formatted and written on a second thread while the pass goes on. Rows are
     * finished exchanges that no longer change, so handing them over is safe.
     */
    public static TransactionsReport offThread(TransactionsReport report) {
        return new OffThread(report);
    }

    public abstract void transaction(TransactionRow row);

    public abstract void anomaly(Anomaly a);

    @Override
    public abstract void close();

    /** Time from the last request byte to the first response byte, or -1. */
    static long ttfbNanos(Transaction t) {
        return t.responseFirstNanos() >= 0 && t.requestLastNanos() >= 0
                ? t.responseFirstNanos() - t.requestLastNanos() : -1;
    }

    /** Time from the first request byte to the last response byte, or -1. */
    static long totalNanos(Transaction t) {
        return t.responseLastNanos() >= 0 && t.requestFirstNanos() >= 0
                ? t.responseLastNanos() - t.requestFirstNanos() : -1;
    }

    /** WebSocket outcome for the row, or null when the request was not a WebSocket upgrade. */
    static String webSocketOutcome(TransactionRow row) {
        if (row.webSocket() != null) return row.webSocket().outcome().id();
        HandshakeResult h = row.handshake();
        if (h == null) return null;
        if (h.status() < 0) return "no_answer";
        if (h.status() == 101) return "upgraded";
        // A proxy that dropped Upgrade/Connection makes the upstream answer an ordinary request.
        return h.requestHasUpgrade() && h.requestHasConnectionUpgrade() ? "rejected" : "rejected_upgrade_headers_missing";
    }

    static List<Anomaly> anomalies(TransactionRow row) {
        List<Anomaly> all = new ArrayList<>(row.transaction().anomalies());
        all.addAll(row.webSocketAnomalies());
        return all;
    }

    private static final class Text extends TransactionsReport {
        private static final String FORMAT = "%5s  %-21s  %-21s  %-40s  %6s  %9s  %9s  %9s  %9s  %s%n";
        private final PrintWriter out;

        Text(PrintWriter out) {
            this.out = out;
            out.printf(FORMAT, "conn", "client", "server", "request", "status", "req bytes", "resp bytes",
                    "ttfb ms", "total ms", "end");
        }

        @Override
        public void transaction(TransactionRow row) {
            Transaction t = row.transaction();
            Connection c = row.connection();
            RequestHead r = t.request();
            String request = r == null ? "(request not captured)" : Text.clip(Escape.text(r.method() + " " + r.target()), 40);
            StringBuilder end = new StringBuilder(t.end().id());
            if (t.resetBy() != null) end.append(" by ").append(t.resetBy() == io.gatelens.tcp.Direction.CLIENT_TO_SERVER ? "client" : "server");
            String ws = webSocketOutcome(row);
            if (ws != null) end.append(", websocket ").append(ws);
            List<Anomaly> anomalies = anomalies(row);
            if (!anomalies.isEmpty()) {
                end.append(" [");
                for (int i = 0; i < anomalies.size() && i < 3; i++) {
                    if (i > 0) end.append(", ");
                    end.append(anomalies.get(i).code().id()).append(" @").append(anomalies.get(i).frame());
                }
                if (anomalies.size() > 3) end.append(", +").append(anomalies.size() - 3);
                end.append(']');
            }
            out.printf(FORMAT, c.id(), c.client(), c.server(), request, t.status() < 0 ? "-" : t.status(),
                    t.requestBodyBytes(), t.responseBodyBytes(), StreamsReport.millis(ttfbNanos(t)),
                    StreamsReport.millis(totalNanos(t)), end);
        }

        private static String clip(String s, int width) {
            return s.length() <= width ? s : s.substring(0, width - 1) + "…";
        }

        @Override
        public void anomaly(Anomaly a) {
            out.printf("%5s  anomaly %s at frame %d (%s, stream offset %d): %s%n", a.connection(), a.code().id(),
                    a.frame(), a.direction() == null ? "-" : a.direction().arrow(), a.streamOffset(),
                    Escape.text(a.detail() == null ? a.code().summary() : a.detail()));
        }

        @Override
        public void close() {
            out.flush();
        }
    }

    private static final class JsonLines extends TransactionsReport {
        private final JsonRows rows;

        JsonLines(PrintWriter out) {
            this.rows = new JsonRows(out);
        }

        @Override
        public void transaction(TransactionRow row) {
            Transaction t = row.transaction();
            Connection c = row.connection();
            RequestHead r = t.request();
            rows.row(g -> {
                g.writeFieldName(TYPE);
                g.writeString(TRANSACTION);
                g.writeFieldName(CONNECTION);
                g.writeNumber(c.id());
                g.writeFieldName(INDEX);
                g.writeNumber(t.index());
                g.writeFieldName(CLIENT);
                g.writeString(c.client().toString());
                g.writeFieldName(SERVER);
                g.writeString(c.server().toString());
                g.writeFieldName(METHOD);
                g.writeString(r == null ? null : r.method());
                g.writeFieldName(TARGET);
                g.writeString(r == null ? null : r.target());
                g.writeFieldName(HOST);
                g.writeString(r == null ? null : r.headers().get("Host"));
                g.writeFieldName(STATUS);
                if (t.status() < 0) g.writeNull();
                else g.writeNumber(t.status());
                g.writeFieldName(REASON);
                g.writeString(t.response() == null ? null : t.response().reason());
                g.writeFieldName(INTERIM);
                g.writeStartArray();
                for (int s : t.interimStatuses()) g.writeNumber(s);
                g.writeEndArray();
                g.writeFieldName(REQUEST_BYTES);
                g.writeNumber(t.requestBodyBytes());
                g.writeFieldName(RESPONSE_BYTES);
                g.writeNumber(t.responseBodyBytes());
                JsonRows.frame(g, REQUEST_FRAME, t.requestFirstFrame());
                JsonRows.frame(g, RESPONSE_FRAME, t.responseFirstFrame());
                g.writeFieldName(START);
                if (t.requestFirstNanos() >= 0) g.writeString(Times.iso(t.requestFirstNanos()));
                else g.writeNull();
                JsonRows.millis(g, TTFB_MS, ttfbNanos(t));
                JsonRows.millis(g, TOTAL_MS, totalNanos(t));
                g.writeFieldName(END);
                g.writeString(t.end().id());
                g.writeFieldName(RESET_BY);
                g.writeString(t.resetBy() == null ? null
                        : t.resetBy() == io.gatelens.tcp.Direction.CLIENT_TO_SERVER ? "client" : "server");
                writeWebSocket(g, row);
                g.writeFieldName(ANOMALIES);
                g.writeStartArray();
                List<Anomaly> own = t.anomalies();
                List<Anomaly> ws = row.webSocketAnomalies();
                for (int i = 0, n = own.size() + ws.size(); i < n; i++) {
                    g.writeStartObject();
                    anomalyFields(g, i < own.size() ? own.get(i) : ws.get(i - own.size()));
                    g.writeEndObject();
                }
                g.writeEndArray();
            });
        }

        // A transactions row's field names, encoded once: the generator copies their bytes.
        private static final SerializedString TYPE = new SerializedString("type"),
                TRANSACTION = new SerializedString("transaction"), CONNECTION = new SerializedString("connection"),
                INDEX = new SerializedString("index"), CLIENT = new SerializedString("client"),
                SERVER = new SerializedString("server"), METHOD = new SerializedString("method"),
                TARGET = new SerializedString("target"), HOST = new SerializedString("host"),
                STATUS = new SerializedString("status"), REASON = new SerializedString("reason"),
                INTERIM = new SerializedString("interim"), REQUEST_BYTES = new SerializedString("request_bytes"),
                RESPONSE_BYTES = new SerializedString("response_bytes"),
                REQUEST_FRAME = new SerializedString("request_frame"),
                RESPONSE_FRAME = new SerializedString("response_frame"), START = new SerializedString("start"),
                TTFB_MS = new SerializedString("ttfb_ms"), TOTAL_MS = new SerializedString("total_ms"),
                END = new SerializedString("end"), RESET_BY = new SerializedString("reset_by"),
                ANOMALIES = new SerializedString("anomalies");

        private static void writeWebSocket(JsonGenerator g, TransactionRow row) throws IOException {
            String outcome = webSocketOutcome(row);
            if (outcome == null) {
                g.writeNullField("websocket");
                return;
            }
            g.writeObjectFieldStart("websocket");
            g.writeStringField("outcome", outcome);
            HandshakeResult h = row.handshake();
            g.writeBooleanField("request_has_upgrade", h.requestHasUpgrade());
            g.writeBooleanField("request_has_connection_upgrade", h.requestHasConnectionUpgrade());
            if (h.upgraded()) g.writeBooleanField("accept_valid", !h.hasProblem(io.gatelens.anomaly.AnomalyCode.WS_BAD_ACCEPT));
            WebSocketSummary ws = row.webSocket();
            if (ws != null) {
                for (io.gatelens.tcp.Direction d : io.gatelens.tcp.Direction.values()) {
                    g.writeObjectFieldStart(d.id());
                    g.writeNumberField("frames", ws.frames(d));
                    g.writeNumberField("payload_bytes", ws.payloadBytes(d));
                    if (ws.closeSent(d)) {
                        g.writeNumberField("close_code", ws.closeCode(d));
                        g.writeNumberField("close_frame", ws.closeFrame(d));
                    }
                    g.writeEndObject();
                }
                JsonRows.frame(g, "outcome_frame", ws.outcomeFrame());
            }
            g.writeEndObject();
        }

        private static void anomalyFields(JsonGenerator g, Anomaly a) throws IOException {
            g.writeStringField("code", a.code().id());
            g.writeStringField("severity", a.code().severity().id());
            g.writeNumberField("connection", a.connection());
            g.writeStringField("direction", a.direction() == null ? null : a.direction().id());
            JsonRows.frame(g, "frame", a.frame());
            g.writeNumberField("offset", a.streamOffset());
            g.writeStringField("detail", a.detail());
        }

        @Override
        public void anomaly(Anomaly a) {
            rows.row(g -> {
                g.writeStringField("type", "anomaly");
                anomalyFields(g, a);
            });
        }

        @Override
        public void close() {
            rows.close();
        }
    }

    private static final class OffThread extends TransactionsReport {
        private final TransactionsReport inner;
        private final RenderThread render = new RenderThread("gatelens-render");

        OffThread(TransactionsReport inner) {
            this.inner = inner;
        }

        @Override
        public void transaction(TransactionRow row) {
            render.submit(() -> inner.transaction(row));
        }

        @Override
        public void anomaly(Anomaly a) {
            render.submit(() -> inner.anomaly(a));
        }

        @Override
        public void close() {
            try {
                render.close();
            } finally {
                inner.close();
            }
        }
    }
}
