package io.gatelens.ws;

import java.util.Locale;

/** How a WebSocket connection ended, as far as the capture shows. Ids are part of the JSON output. */
public enum WebSocketOutcome {
    /** Close frames both ways: the closing handshake of RFC 6455 section 7. */
    CLOSED_CLEANLY,
    /** One side sent a close frame, the other never answered with one before the end. */
    CLOSED_ONE_WAY,
    /** A RST with no close frame from either side. */
    RESET_AFTER_UPGRADE,
    /** A direction's frames could not be followed to its end: it ended inside a frame, or a capture gap stopped the parsing. */
    TRUNCATED,
    /** A FIN with no close frame from either side. */
    CLOSED_WITHOUT_CLOSE_FRAME,
    /** Nothing ended it before the capture did. */
    OPEN_AT_END;

    /** Made once: ids are written for every row of a report. */
    private final String id = name().toLowerCase(Locale.ROOT);

    public String id() { return id; }
}
