package io.gatelens.tcp;

/**
 * Memory caps of the reassembler, each per connection and direction, so a hostile or lossy
 * capture costs bounded memory. Hitting a hold cap is reported ({@code TCP_BUFFER_LIMIT}) and
 * turns the oldest hole into a gap; the retained cap only limits how far back retransmitted
 * bytes can be compared with the first copy.
 *
 * @param maxHeldBytes    bytes held beyond a hole, waiting for it to fill. Default 2 MiB: more
 *                        than a full receive window on loopback and common paths.
 * @param maxHeldSegments separate pieces held beyond holes; bounds the bookkeeping that many tiny
 *                        segments would cost. Default 16384.
 * @param maxRetainedBytes delivered bytes kept until the peer ACKs them, to compare
 *                        retransmissions against. Default 256 KiB; 0 turns the comparison off.
 */
public record TcpLimits(int maxHeldBytes, int maxHeldSegments, int maxRetainedBytes) {
    public static final TcpLimits DEFAULT = new TcpLimits(2 << 20, 16384, 256 << 10);

    public TcpLimits {
        if (maxHeldBytes < 0 || maxHeldSegments < 1 || maxRetainedBytes < 0) {
            throw new IllegalArgumentException("TCP limits must be non-negative (and at least one held segment)");
        }
    }
}
