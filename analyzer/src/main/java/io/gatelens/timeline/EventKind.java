package io.gatelens.timeline;

/** What a timeline line says happened. */
public enum EventKind {
    /** The client's SYN (a retransmitted one is {@link #RETRANSMISSION}). */
    SYN,
    /** The server's SYN-ACK. */
    SYN_ACK,
    /** A request head: its text is the request line. */
    REQUEST,
    /** A request body, summarised: bytes, segments, first and last frame. */
    REQUEST_BODY,
    /** A response head: its text is the status line. */
    RESPONSE,
    /** A response body, summarised. */
    RESPONSE_BODY,
    /** WebSocket frames in one direction, summarised (counts by kind, bytes), or a close frame. */
    WEBSOCKET,
    FIN,
    RST,
    /** A segment sent again (its bytes were sent before). */
    RETRANSMISSION,
    /** The sender advertised a zero receive window: the other side must stop sending. */
    ZERO_WINDOW,
    /** Bytes the capture lost (reassembly gap). */
    GAP,
    /** No frame on the connection for a long while (the text says how long). */
    SILENCE,
    /** Bytes that are not HTTP, or events gatelens summarises without a kind of their own. */
    OTHER
}
