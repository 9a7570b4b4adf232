package io.gatelens.capture.decode;

/**
 * Bounds on the IP fragments a {@link PacketDecoder} holds while waiting for the rest of their
 * datagram. A fragment that would exceed a bound is dropped (reported as
 * {@link SkipReason#FRAGMENT_DROPPED}); datagrams older than the timeout are given up (reported
 * through {@link DecodedPacket#expiredDatagrams()}).
 *
 * @param maxDatagrams incomplete datagrams held at once; each may take up to 64 KiB of buffer
 * @param maxBytes     fragment payload bytes held across all incomplete datagrams
 * @param timeoutNanos capture-time age, from a datagram's first fragment, after which it is given
 *                     up; Linux's default ipfrag_time is 30 s
 */
public record ReassemblyLimits(int maxDatagrams, long maxBytes, long timeoutNanos) {
    /** 64 datagrams, 4 MiB (Linux's default ipfrag_high_thresh), 30 s. */
    public static final ReassemblyLimits DEFAULT =
            new ReassemblyLimits(64, 4L << 20, 30_000_000_000L);

    // The slot table is allocated up front, so its size must stay modest.
    static final int MAX_DATAGRAMS_LIMIT = 65_536;

    public ReassemblyLimits {
        if (maxDatagrams < 0 || maxDatagrams > MAX_DATAGRAMS_LIMIT) {
            throw new IllegalArgumentException("maxDatagrams must be 0.." + MAX_DATAGRAMS_LIMIT + ": " + maxDatagrams);
        }
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must be >= 0: " + maxBytes);
        }
        if (timeoutNanos < 0) {
            throw new IllegalArgumentException("timeoutNanos must be >= 0: " + timeoutNanos);
        }
    }
}
