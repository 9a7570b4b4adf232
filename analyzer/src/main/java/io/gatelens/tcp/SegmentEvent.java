package io.gatelens.tcp;

/**
 * Things a segment showed that carry no stream bytes but matter to a diagnosis: the handshake
 * (a refused or unanswered connect is only SYNs and a RST), retransmitted data, and the receive
 * window closing and opening again. Reported once each, in capture order, by
 * {@link StreamListener#segment}; the streams view counts the same things in {@link TcpStats}.
 */
public enum SegmentEvent {
    /** The client's first SYN. */
    SYN,
    /** A SYN again with the same initial sequence number: the first one went unanswered. */
    SYN_RETRANSMITTED,
    /** The server's first SYN/ACK. */
    SYN_ACK,
    SYN_ACK_RETRANSMITTED,
    /** A segment carrying bytes already seen (delivered or held beyond a hole). */
    RETRANSMISSION,
    /** The sender advertised a zero receive window after a non-zero one: it stopped reading. */
    ZERO_WINDOW,
    /** The sender advertised a window again after a zero one. */
    WINDOW_OPENED
}
