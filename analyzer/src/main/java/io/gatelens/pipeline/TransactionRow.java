package io.gatelens.pipeline;

import io.gatelens.anomaly.Anomaly;
import io.gatelens.flow.Connection;
import io.gatelens.http.Transaction;
import io.gatelens.ws.HandshakeResult;
import io.gatelens.ws.WebSocketSummary;

import java.util.List;

/**
 * One exchange with its connection, and for a WebSocket upgrade the handshake check and what
 * happened on the upgraded connection. {@code handshake} is null unless the request asked for a
 * WebSocket; {@code webSocket} is null unless a 101 answered it; {@code webSocketAnomalies} are
 * those found after the 101.
 */
public record TransactionRow(Connection connection, Transaction transaction, HandshakeResult handshake,
                             WebSocketSummary webSocket, List<Anomaly> webSocketAnomalies) {
}
