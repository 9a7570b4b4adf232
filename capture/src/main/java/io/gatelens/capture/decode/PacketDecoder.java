package io.gatelens.capture.decode;

import io.gatelens.capture.Frame;

/**
 * Decodes a frame's link, IP and TCP headers into a reused {@link DecodedPacket}. Holds IPv4 and
 * IPv6 fragments until their datagram is whole. One instance per packet source; not thread-safe.
 */
public final class PacketDecoder {
    /**
     * Fills {@code out} from {@code frame}; returns true when it holds a TCP segment, false with
     * {@code out.skipReason()} saying why not.
     */
    public boolean decode(Frame frame, DecodedPacket out) {
        out.reset();
        out.skipReason = SkipReason.UNKNOWN_LINK_TYPE;
        return false; // filled in by the decoder work
    }
}
