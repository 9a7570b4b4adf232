package io.gatelens.pipeline;

import io.gatelens.anomaly.Anomaly;
import io.gatelens.anomaly.AnomalySink;
import io.gatelens.flow.Connection;
import io.gatelens.http.HttpConnection;
import io.gatelens.http.HttpLimits;
import io.gatelens.http.RequestHead;
import io.gatelens.http.ResponseHead;
import io.gatelens.http.Transaction;
import io.gatelens.http.TransactionEnd;
import io.gatelens.tcp.StreamListener;
import io.gatelens.ws.HandshakeResult;
import io.gatelens.ws.WebSocketHandshake;
import io.gatelens.ws.WebSocketSession;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Builds each connection's HTTP analysis: an {@link HttpConnection} whose upgrades to WebSocket
 * are read by a {@link WebSocketSession}, and whose exchanges come out as {@link TransactionRow}s.
 */
public final class HttpWiring {
    private final HttpLimits limits;
    private final Consumer<TransactionRow> rows;
    private final Consumer<Anomaly> connectionAnomalies;

    HttpWiring(HttpLimits limits, Consumer<TransactionRow> rows, Consumer<Anomaly> connectionAnomalies) {
        this.limits = limits;
        this.rows = rows;
        this.connectionAnomalies = connectionAnomalies;
    }

    /** A wiring whose sinks are given per connection (see {@link #listenerFor(Connection, Consumer, Consumer)}). */
    public HttpWiring(HttpLimits limits) {
        this(limits, r -> { }, a -> { });
    }

    StreamListener listenerFor(Connection c) {
        return listenerFor(c, rows, connectionAnomalies);
    }

    /** The connection's HTTP analysis, handing its exchanges and its other anomalies to these sinks. */
    public StreamListener listenerFor(Connection c, Consumer<TransactionRow> rowSink, Consumer<Anomaly> anomalySink) {
        WebSocketState ws = new WebSocketState();
        AnomalySink sink = anomalySink::accept;
        return new HttpConnection(c.id(), t -> rowSink.accept(row(c, t, ws)), sink, limits,
                (id, request, response) -> ws.start(id, request, response));
    }

    private static TransactionRow row(Connection c, Transaction t, WebSocketState ws) {
        RequestHead req = t.request();
        if (req == null || !WebSocketHandshake.isUpgradeRequest(req.method(), req.headers())) {
            return new TransactionRow(c, t, null, null, List.of());
        }
        if (t.end() == TransactionEnd.WEBSOCKET_UPGRADED && ws.session != null) {
            // Upgraded exchanges are handed on when the connection closes: the session is over.
            return new TransactionRow(c, t, ws.handshake, ws.session.summary(), List.copyOf(ws.anomalies));
        }
        // Answered without a 101 (or not answered): the check still says what the request carried.
        ResponseHead resp = t.response();
        HandshakeResult h = WebSocketHandshake.check(req.method(), req.headers(),
                resp == null ? -1 : resp.status(), resp == null ? null : resp.headers());
        return new TransactionRow(c, t, h, null, List.of());
    }

    /** The WebSocket session of one connection (a connection upgrades once at most). */
    private static final class WebSocketState {
        HandshakeResult handshake;
        WebSocketSession session;
        final List<Anomaly> anomalies = new ArrayList<>();

        StreamListener start(long connection, RequestHead request, ResponseHead response) {
            if (request == null || !WebSocketHandshake.isUpgradeRequest(request.method(), request.headers())) {
                return null;
            }
            handshake = WebSocketHandshake.check(request.method(), request.headers(), response.status(),
                    response.headers());
            handshake.report(anomalies::add, connection, response.frame(), response.nanos(), response.streamOffset());
            session = new WebSocketSession(connection, handshake, anomalies::add);
            return session;
        }
    }
}
