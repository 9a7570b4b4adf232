package io.gatelens.tcp;

import io.gatelens.anomaly.AnomalySink;

/**
 * Receives one connection's two byte streams from the reassembler, each in sequence order, with
 * the frame and time of the segment that carried the bytes. Stream offsets count bytes from the
 * start of that direction (after the SYN, or from the first byte seen when the capture began
 * mid-connection), gaps included, so they never go backwards. Buffers are only valid during the
 * call.
 */
public interface StreamListener extends AnomalySink {
    /** In-order bytes, new to this direction. */
    void data(Direction dir, byte[] buf, int off, int len, long streamOffset, long frame, long nanos);

    /**
     * Bytes the capture never saw; the stream continues after them. {@code frame} is the frame
     * that proved them missing (a later segment, an ACK beyond them, or the end).
     */
    void gap(Direction dir, long streamOffset, long length, long frame, long nanos);

    /** The sender's FIN, in stream order (after all its bytes). */
    void fin(Direction dir, long frame, long nanos);

    /** The sender reset the connection; {@code afterFin}: it had already sent its FIN. */
    void reset(Direction dir, boolean afterFin, long frame, long nanos);

    /** Nothing more comes on this connection: it is over, or the capture is. */
    void closed(TcpStats stats);

    /**
     * A handshake, retransmission or window event of {@code dir}'s sender (see
     * {@link SegmentEvent}); the frame is the segment that showed it. Only listeners that judge
     * the TCP behaviour need these.
     */
    default void segment(SegmentEvent event, Direction dir, long frame, long nanos) {
    }
}
