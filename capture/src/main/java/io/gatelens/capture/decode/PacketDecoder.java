package io.gatelens.capture.decode;

import static io.gatelens.capture.bytes.Bytes.u16be;
import static io.gatelens.capture.bytes.Bytes.u32be;
import static io.gatelens.capture.bytes.Bytes.u32le;
import static io.gatelens.capture.bytes.Bytes.u8;

import io.gatelens.capture.Frame;

/**
 * Decodes a frame's link, IP and TCP headers into a reused {@link DecodedPacket}. Holds IPv4 and
 * IPv6 fragments until their datagram is whole. One instance per packet source; not thread-safe.
 *
 * <p>Every outcome is a return value: no input makes this throw, and the normal path allocates
 * nothing. Only TCP datagrams are reassembled; fragments of anything else are {@code NOT_TCP}
 * as soon as the protocol is visible (in every IPv4 fragment; in the IPv6 fragment header).
 */
public final class PacketDecoder {
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_IPV6 = 0x86DD;
    private static final int ETHERTYPE_8021Q = 0x8100;
    private static final int ETHERTYPE_8021AD = 0x88A8;
    /** Pre-standard QinQ outer tag, still emitted by some switches. */
    private static final int ETHERTYPE_QINQ_OLD = 0x9100;

    private static final int PROTO_HOP_BY_HOP = 0;
    private static final int PROTO_TCP = 6;
    private static final int PROTO_ROUTING = 43;
    private static final int PROTO_FRAGMENT = 44;
    private static final int PROTO_AH = 51;
    private static final int PROTO_DEST_OPTS = 60;

    /** Every extension header is at least 8 bytes, so the chain is bounded anyway; belt and braces. */
    private static final int MAX_EXTENSION_HEADERS = 64;

    private final FragmentReassembler reassembler;

    public PacketDecoder() {
        this(ReassemblyLimits.DEFAULT);
    }

    public PacketDecoder(ReassemblyLimits limits) {
        this.reassembler = new FragmentReassembler(limits);
    }

    /** Incomplete datagrams held now; at the end of a capture these never completed. */
    public int heldDatagrams() {
        return reassembler.heldDatagrams();
    }

    /** Fragment payload bytes held now. */
    public long heldBytes() {
        return reassembler.heldBytes();
    }

    /** Drops every incomplete datagram (end of capture); returns how many there were. */
    public int discardHeldFragments() {
        return reassembler.clear();
    }

    /**
     * Fills {@code out} from {@code frame}; returns true when it holds a TCP segment, false with
     * {@code out.skipReason()} saying why not.
     */
    public boolean decode(Frame frame, DecodedPacket out) {
        out.reset();
        long now = frame.epochNanos();
        out.expiredDatagrams = reassembler.expire(now);
        SkipReason reason = decodeLink(frame, now, out);
        out.skipReason = reason;
        return reason == SkipReason.NONE;
    }

    private SkipReason decodeLink(Frame frame, long now, DecodedPacket out) {
        byte[] b = frame.buffer();
        int off = frame.offset();
        int len = frame.capturedLength();
        if (b == null || off < 0 || len < 0 || off > b.length) {
            return SkipReason.TRUNCATED_LINK_HEADER;
        }
        // A source never hands out a length past its buffer; clamp rather than trust it.
        int end = off + Math.min(len, b.length - off);
        switch (frame.linkType()) {
            case ETHERNET:
                if (end - off < 14) {
                    return SkipReason.TRUNCATED_LINK_HEADER;
                }
                return etherType(b, off + 14, end, u16be(b, off + 12), now, out);
            case LINUX_SLL:
                if (end - off < 16) {
                    return SkipReason.TRUNCATED_LINK_HEADER;
                }
                return etherType(b, off + 16, end, u16be(b, off + 14), now, out);
            case LINUX_SLL2:
                if (end - off < 20) {
                    return SkipReason.TRUNCATED_LINK_HEADER;
                }
                return etherType(b, off + 20, end, u16be(b, off), now, out);
            case NULL:
                if (end - off < 4) {
                    return SkipReason.TRUNCATED_LINK_HEADER;
                }
                // Written in the capturing host's byte order, which the file does not record.
                int family = addressFamily(u32le(b, off));
                if (family == 0) {
                    family = addressFamily(u32be(b, off));
                }
                return byFamily(family, b, off + 4, end, now, out);
            case LOOP:
                if (end - off < 4) {
                    return SkipReason.TRUNCATED_LINK_HEADER;
                }
                return byFamily(addressFamily(u32be(b, off)), b, off + 4, end, now, out);
            case RAW:
                return rawIp(b, off, end, 0, now, out);
            case IPV4:
                return rawIp(b, off, end, 4, now, out);
            case IPV6:
                return rawIp(b, off, end, 6, now, out);
            default:
                return SkipReason.UNKNOWN_LINK_TYPE;
        }
    }

    /** 4 or 6 for the AF_ values of IP on Linux, the BSDs and macOS; 0 for anything else. */
    private static int addressFamily(long af) {
        if (af == 2) {
            return 4;
        }
        // AF_INET6: 10 Linux, 24 OpenBSD/NetBSD, 28 FreeBSD, 30 macOS.
        if (af == 10 || af == 24 || af == 28 || af == 30) {
            return 6;
        }
        return 0;
    }

    private SkipReason byFamily(int version, byte[] b, int p, int end, long now, DecodedPacket out) {
        if (version == 0) {
            return SkipReason.NOT_IP;
        }
        return rawIp(b, p, end, version, now, out);
    }

    private SkipReason etherType(byte[] b, int p, int end, int type, long now, DecodedPacket out) {
        // Each tag consumes 4 bytes, so the frame length bounds this loop.
        while (type == ETHERTYPE_8021Q || type == ETHERTYPE_8021AD || type == ETHERTYPE_QINQ_OLD) {
            if (end - p < 4) {
                return SkipReason.TRUNCATED_LINK_HEADER;
            }
            if (out.vlanCount == 0) {
                out.vlanId = u16be(b, p) & 0x0fff;
            }
            out.vlanCount++;
            type = u16be(b, p + 2);
            p += 4;
        }
        if (type == ETHERTYPE_IPV4) {
            return ipv4(b, p, end, now, out);
        }
        if (type == ETHERTYPE_IPV6) {
            return ipv6(b, p, end, now, out);
        }
        return SkipReason.NOT_IP;
    }

    /** {@code expected} is 4 or 6 when the link says which, 0 when the version nibble decides. */
    private SkipReason rawIp(byte[] b, int p, int end, int expected, long now, DecodedPacket out) {
        if (p >= end) {
            return SkipReason.TRUNCATED_IP_HEADER;
        }
        int version = u8(b, p) >>> 4;
        if (expected != 0 && version != expected) {
            return SkipReason.BAD_IP_HEADER;
        }
        if (version == 4) {
            return ipv4(b, p, end, now, out);
        }
        if (version == 6) {
            return ipv6(b, p, end, now, out);
        }
        return SkipReason.NOT_IP;
    }

    private SkipReason ipv4(byte[] b, int p, int end, long now, DecodedPacket out) {
        int avail = end - p;
        if (avail < 20) {
            return SkipReason.TRUNCATED_IP_HEADER;
        }
        if ((u8(b, p) >>> 4) != 4) {
            return SkipReason.BAD_IP_HEADER;
        }
        int headerLength = (u8(b, p) & 0x0f) * 4;
        if (headerLength < 20) {
            return SkipReason.BAD_IP_HEADER;
        }
        if (headerLength > avail) {
            return SkipReason.TRUNCATED_IP_HEADER;
        }
        out.ipVersion = 4;
        out.ttl = u8(b, p + 8);
        out.ipProtocol = u8(b, p + 9);
        System.arraycopy(b, p + 12, out.srcAddr, 0, 4);
        System.arraycopy(b, p + 16, out.dstAddr, 0, 4);
        int totalLength = u16be(b, p + 2);
        if (totalLength == 0) {
            // TSO super-packet captured before the NIC split it (Wireshark treats it the same).
            totalLength = avail;
            out.ipLengthInferred = true;
        } else if (totalLength < headerLength) {
            return SkipReason.BAD_IP_HEADER;
        }
        // Bytes past totalLength are link padding (Ethernet's 60-byte minimum), not payload.
        int capEnd = p + Math.min(totalLength, avail);
        int payloadWire = totalLength - headerLength;
        int fragField = u16be(b, p + 6);
        boolean more = (fragField & 0x2000) != 0;
        int fragOffset = (fragField & 0x1fff) << 3;
        if (out.ipProtocol != PROTO_TCP) {
            return SkipReason.NOT_TCP;
        }
        if (more || fragOffset != 0) {
            if (capEnd - (p + headerLength) < payloadWire) {
                return SkipReason.FRAGMENT_DROPPED; // the snaplen cut it: the datagram cannot be whole
            }
            int r = reassembler.add(4, PROTO_TCP, u16be(b, p + 4), out.srcAddr, out.dstAddr, 4, now,
                    b, p + headerLength, payloadWire, fragOffset, more);
            return afterFragment(r, PROTO_TCP, out);
        }
        return tcp(b, p + headerLength, capEnd, payloadWire, out);
    }

    private SkipReason ipv6(byte[] b, int p, int end, long now, DecodedPacket out) {
        int avail = end - p;
        if (avail < 40) {
            return SkipReason.TRUNCATED_IP_HEADER;
        }
        if ((u8(b, p) >>> 4) != 6) {
            return SkipReason.BAD_IP_HEADER;
        }
        out.ipVersion = 6;
        out.ttl = u8(b, p + 7);
        System.arraycopy(b, p + 8, out.srcAddr, 0, 16);
        System.arraycopy(b, p + 24, out.dstAddr, 0, 16);
        int payloadLength = u16be(b, p + 4);
        int next = u8(b, p + 6);
        out.ipProtocol = next;
        if (payloadLength == 0) {
            // Jumbogram (RFC 2675) or a Linux BIG TCP / GSO packet: the length is whatever was
            // captured. The Jumbo Payload option itself is skipped like any hop-by-hop option.
            payloadLength = avail - 40;
            out.ipLengthInferred = true;
        }
        int start = p + 40;
        int capEnd = start + Math.min(payloadLength, avail - 40);
        return ipv6Chain(b, start, capEnd, start + payloadLength, next, true, now, out);
    }

    /**
     * Walks the next-header chain from {@code p}. {@code wireEnd} is where the payload ends on the
     * wire, {@code capEnd} where the captured bytes end ({@code <= wireEnd}).
     */
    private SkipReason ipv6Chain(byte[] b, int p, int capEnd, int wireEnd, int next,
                                 boolean fragmentAllowed, long now, DecodedPacket out) {
        for (int i = 0; i < MAX_EXTENSION_HEADERS; i++) {
            out.ipProtocol = next;
            switch (next) {
                case PROTO_TCP:
                    return tcp(b, p, capEnd, wireEnd - p, out);
                case PROTO_HOP_BY_HOP:
                case PROTO_ROUTING:
                case PROTO_DEST_OPTS:
                case PROTO_AH: {
                    if (wireEnd - p < 8) {
                        return SkipReason.BAD_IP_HEADER;
                    }
                    if (capEnd - p < 8) {
                        return SkipReason.TRUNCATED_IP_HEADER;
                    }
                    // AH counts 4-byte units minus 2 (RFC 4302); the others 8-byte units minus 1.
                    int length = next == PROTO_AH ? (u8(b, p + 1) + 2) * 4 : (u8(b, p + 1) + 1) * 8;
                    if (length > wireEnd - p) {
                        return SkipReason.BAD_IP_HEADER;
                    }
                    if (length > capEnd - p) {
                        return SkipReason.TRUNCATED_IP_HEADER;
                    }
                    next = u8(b, p);
                    p += length;
                    break;
                }
                case PROTO_FRAGMENT: {
                    if (!fragmentAllowed || wireEnd - p < 8) {
                        return SkipReason.BAD_IP_HEADER; // a fragment inside a reassembled one, or short
                    }
                    if (capEnd - p < 8) {
                        return SkipReason.TRUNCATED_IP_HEADER;
                    }
                    int fragNext = u8(b, p);
                    int field = u16be(b, p + 2);
                    int fragOffset = field & 0xfff8;
                    boolean more = (field & 1) != 0;
                    long id = u32be(b, p + 4);
                    p += 8;
                    if (fragOffset == 0 && !more) {
                        // Atomic fragment: processed as if unfragmented (RFC 6946).
                        next = fragNext;
                        fragmentAllowed = false;
                        break;
                    }
                    out.ipProtocol = fragNext;
                    if (!mayLeadToTcp(fragNext)) {
                        return SkipReason.NOT_TCP;
                    }
                    if (capEnd < wireEnd) {
                        return SkipReason.FRAGMENT_DROPPED; // cut by the snaplen
                    }
                    int r = reassembler.add(6, 0, id, out.srcAddr, out.dstAddr, 16, now,
                            b, p, wireEnd - p, fragOffset, more);
                    return afterFragment(r, fragNext, out);
                }
                default:
                    // 59 (no next header), UDP, ICMPv6, ESP (payload encrypted), ...
                    return SkipReason.NOT_TCP;
            }
        }
        return SkipReason.BAD_IP_HEADER;
    }

    private static boolean mayLeadToTcp(int next) {
        return next == PROTO_TCP || next == PROTO_HOP_BY_HOP || next == PROTO_ROUTING
                || next == PROTO_DEST_OPTS || next == PROTO_AH;
    }

    private SkipReason afterFragment(int result, int next, DecodedPacket out) {
        if (result == FragmentReassembler.HELD) {
            return SkipReason.FRAGMENT_HELD;
        }
        if (result != FragmentReassembler.COMPLETE) {
            return SkipReason.FRAGMENT_DROPPED;
        }
        out.reassembled = true;
        out.fragmentCount = reassembler.assembledFragments();
        byte[] a = reassembler.assembled();
        int n = reassembler.assembledLength();
        if (out.ipVersion == 4) {
            return tcp(a, 0, n, n, out);
        }
        return ipv6Chain(a, 0, n, n, next, false, 0, out);
    }

    /**
     * {@code wireLength} is the segment's length per the IP header; {@code capEnd - p} bytes of it
     * were captured.
     */
    private static SkipReason tcp(byte[] b, int p, int capEnd, int wireLength, DecodedPacket out) {
        out.ipProtocol = PROTO_TCP;
        int avail = capEnd - p;
        if (avail >= 4) {
            out.srcPort = u16be(b, p);
            out.dstPort = u16be(b, p + 2);
        }
        if (avail < 20) {
            return wireLength < 20 ? SkipReason.BAD_TCP_HEADER : SkipReason.TRUNCATED_TCP_HEADER;
        }
        out.seq = u32be(b, p + 4);
        out.ack = u32be(b, p + 8);
        int headerLength = (u8(b, p + 12) >>> 4) * 4;
        if (headerLength < 20 || headerLength > wireLength) {
            return SkipReason.BAD_TCP_HEADER;
        }
        out.tcpHeaderLength = headerLength;
        if (headerLength > avail) {
            return SkipReason.TRUNCATED_TCP_HEADER;
        }
        out.flags = u8(b, p + 13);
        out.window = u16be(b, p + 14);
        options(b, p + 20, p + headerLength, out);
        out.payloadBuffer = b;
        out.payloadOffset = p + headerLength;
        out.payloadLength = avail - headerLength;
        out.payloadWireLength = wireLength - headerLength;
        return SkipReason.NONE;
    }

    /** RFC 9293 option layout. A malformed option ends parsing; what came before stands. */
    private static void options(byte[] b, int i, int end, DecodedPacket out) {
        while (i < end) {
            int kind = u8(b, i);
            if (kind == 0) {
                return; // end of option list
            }
            if (kind == 1) {
                i++; // no-operation padding
                continue;
            }
            if (end - i < 2) {
                return;
            }
            int length = u8(b, i + 1);
            if (length < 2 || length > end - i) {
                return;
            }
            switch (kind) {
                case 2: // MSS
                    if (length != 4) {
                        return;
                    }
                    out.mss = u16be(b, i + 2);
                    break;
                case 3: // window scale (RFC 7323); the raw shift, even above the 14 allowed
                    if (length != 3) {
                        return;
                    }
                    out.windowScale = u8(b, i + 2);
                    break;
                case 4: // SACK permitted (RFC 2018)
                    if (length != 2) {
                        return;
                    }
                    out.sackPermitted = true;
                    break;
                case 5: { // SACK blocks
                    int blocks = (length - 2) / 8;
                    if (blocks == 0 || (length - 2) % 8 != 0) {
                        return;
                    }
                    blocks = Math.min(blocks, DecodedPacket.MAX_SACK_BLOCKS);
                    for (int k = 0; k < blocks; k++) {
                        out.sackBlocks[2 * k] = u32be(b, i + 2 + 8 * k);
                        out.sackBlocks[2 * k + 1] = u32be(b, i + 6 + 8 * k);
                    }
                    out.sackBlockCount = blocks;
                    break;
                }
                case 8: // timestamps (RFC 7323)
                    if (length != 10) {
                        return;
                    }
                    out.hasTimestamps = true;
                    out.tsVal = u32be(b, i + 2);
                    out.tsEcr = u32be(b, i + 6);
                    break;
                default:
                    break; // skipped by its length
            }
            i += length;
        }
    }
}
