package io.gatelens.http;

/** How a direction's byte stream stopped. */
public enum EndKind {
    /** The sender's FIN: everything it sent has arrived. */
    FIN,
    /** A reset: bytes in flight may never have been sent. */
    RESET,
    /** The capture stopped; the connection may well have gone on. */
    CAPTURE_END
}
