package io.gatelens.http;

import java.util.Locale;

/** How one request/response exchange ended. Ids are stable: they are part of the JSON output. */
public enum TransactionEnd {
    /** Request and response both complete. */
    COMPLETE,
    /** A reset ended the exchange before its response was complete ({@code resetBy} says who). */
    CONNECTION_RESET,
    /** A FIN (either side) came before a complete response, and no reset. */
    CLOSED_EARLY,
    /** The response head came but its body stopped short at a FIN. */
    BODY_TRUNCATED,
    /** The response body's framing broke (bad chunk line): where it ends cannot be told. */
    BODY_MALFORMED,
    /** A capture gap fell inside the exchange. */
    CUT_BY_GAP,
    /** 101 to a WebSocket upgrade: later bytes are WebSocket. */
    WEBSOCKET_UPGRADED,
    /** 101 to another protocol. */
    UPGRADED,
    /** 2xx to CONNECT: later bytes are a tunnel. */
    TUNNEL,
    /** The capture ended while the response was arriving. */
    CAPTURE_ENDED,
    /** The capture ended with the request still waiting for an answer. */
    NO_RESPONSE;

    /** Made once: ids are written for every row of a report. */
    private final String id = name().toLowerCase(Locale.ROOT);

    public String id() { return id; }
}
