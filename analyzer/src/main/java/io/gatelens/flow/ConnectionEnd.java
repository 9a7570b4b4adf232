package io.gatelens.flow;

/** How a connection ended, or had got to when the capture stopped. */
public enum ConnectionEnd {
    /** Both sides sent FIN. */
    CLOSED,
    RESET_BY_CLIENT,
    RESET_BY_SERVER,
    /** The SYN was answered by RST: nothing listened (Zeek's REJ). */
    REFUSED,
    /** SYN (and its retransmissions) with no answer at all in the capture. */
    SYN_UNANSWERED,
    /** Only the client sent FIN. */
    HALF_CLOSED_BY_CLIENT,
    /** Only the server sent FIN. */
    HALF_CLOSED_BY_SERVER,
    /** Neither FIN nor RST seen. */
    OPEN;

    /** Made once: ids are written for every row of a report. */
    private final String id = name().toLowerCase(java.util.Locale.ROOT);

    public String id() { return id; }
}
