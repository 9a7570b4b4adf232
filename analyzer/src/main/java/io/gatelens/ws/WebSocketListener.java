package io.gatelens.ws;

import io.gatelens.anomaly.AnomalySink;

/** Receives what a {@link WebSocketFrameParser} finds: each complete frame, and anomalies. */
public interface WebSocketListener extends AnomalySink {
    /** {@code f} is reused by the parser: valid only during the call. */
    void frame(WebSocketFrame f);
}
