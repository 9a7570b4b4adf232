package io.gatelens.capture.decode;

/**
 * The IP and TCP layers of one frame, filled in place by {@link PacketDecoder} and reused for the
 * next frame: nothing here outlives the next decode. Addresses are 16-byte arrays; an IPv4
 * address uses the first 4 bytes and {@link #ipVersion()} is 4. Sequence numbers are the raw
 * 32-bit values as unsigned longs; relative numbering is the analyzer's job.
 */
public final class DecodedPacket {
    public static final int FLAG_FIN = 0x01;
    public static final int FLAG_SYN = 0x02;
    public static final int FLAG_RST = 0x04;
    public static final int FLAG_PSH = 0x08;
    public static final int FLAG_ACK = 0x10;
    public static final int FLAG_URG = 0x20;
    public static final int FLAG_ECE = 0x40;
    public static final int FLAG_CWR = 0x80;

    public static final int MAX_SACK_BLOCKS = 4;

    // --- outcome
    SkipReason skipReason = SkipReason.NONE;

    // --- link
    int vlanCount;
    int vlanId = -1;

    // --- IP
    int ipVersion;
    final byte[] srcAddr = new byte[16];
    final byte[] dstAddr = new byte[16];
    int ttl;
    /** IPv4 protocol, or the last IPv6 next-header value reached (6 for TCP). */
    int ipProtocol = -1;
    /**
     * True when the IP length field was 0 and the length was taken from the capture: segmentation
     * offload (TSO/GSO) super-packets captured on the sending host, and IPv6 jumbograms / Linux
     * BIG TCP, carry 0 there.
     */
    boolean ipLengthInferred;
    /** True when the segment came from IP fragments put back together (frame = last fragment). */
    boolean reassembled;
    int fragmentCount;
    /** Incomplete datagrams given up (reassembly timeout) while decoding this frame. */
    int expiredDatagrams;

    // --- TCP
    int srcPort;
    int dstPort;
    long seq;
    long ack;
    int flags;
    int window;
    int tcpHeaderLength;
    int mss = -1;
    int windowScale = -1;
    boolean sackPermitted;
    int sackBlockCount;
    final long[] sackBlocks = new long[2 * MAX_SACK_BLOCKS];
    boolean hasTimestamps;
    long tsVal;
    long tsEcr;

    // --- payload: a view into payloadBuffer
    private static final byte[] NO_BYTES = new byte[0];
    byte[] payloadBuffer = NO_BYTES;
    int payloadOffset;
    /** Payload bytes present in the capture. */
    int payloadLength;
    /** Payload bytes the segment carried on the wire (from the IP length); more when cut by snaplen. */
    int payloadWireLength;

    /** Clears everything for the next decode. */
    public void reset() {
        skipReason = SkipReason.NONE;
        vlanCount = 0;
        vlanId = -1;
        ipVersion = 0;
        ttl = 0;
        ipProtocol = -1;
        ipLengthInferred = false;
        reassembled = false;
        fragmentCount = 0;
        expiredDatagrams = 0;
        srcPort = dstPort = 0;
        seq = ack = 0;
        flags = window = tcpHeaderLength = 0;
        mss = -1;
        windowScale = -1;
        sackPermitted = false;
        sackBlockCount = 0;
        hasTimestamps = false;
        tsVal = tsEcr = 0;
        payloadBuffer = NO_BYTES;
        payloadOffset = payloadLength = payloadWireLength = 0;
    }

    public SkipReason skipReason() { return skipReason; }
    public boolean isTcp() { return skipReason == SkipReason.NONE; }
    public int vlanCount() { return vlanCount; }
    public int vlanId() { return vlanId; }
    public int ipVersion() { return ipVersion; }
    public int addressLength() { return ipVersion == 6 ? 16 : 4; }
    /** Backing array: read only the first {@link #addressLength()} bytes; do not keep it. */
    public byte[] srcAddr() { return srcAddr; }
    public byte[] dstAddr() { return dstAddr; }
    public int ttl() { return ttl; }
    public int ipProtocol() { return ipProtocol; }
    public boolean ipLengthInferred() { return ipLengthInferred; }
    public boolean reassembled() { return reassembled; }
    /** Frames that carried parts of a reassembled datagram, duplicates included. */
    public int fragmentCount() { return fragmentCount; }
    /**
     * Incomplete datagrams whose reassembly timed out while this frame was decoded, whatever
     * this frame itself was. Their frames were reported {@link SkipReason#FRAGMENT_HELD} earlier.
     */
    public int expiredDatagrams() { return expiredDatagrams; }
    public int srcPort() { return srcPort; }
    public int dstPort() { return dstPort; }
    public long seq() { return seq; }
    public long ack() { return ack; }
    public int flags() { return flags; }
    public boolean syn() { return (flags & FLAG_SYN) != 0; }
    public boolean fin() { return (flags & FLAG_FIN) != 0; }
    public boolean rst() { return (flags & FLAG_RST) != 0; }
    public boolean ackFlag() { return (flags & FLAG_ACK) != 0; }
    public int window() { return window; }
    public int tcpHeaderLength() { return tcpHeaderLength; }
    public int mss() { return mss; }
    public int windowScale() { return windowScale; }
    public boolean sackPermitted() { return sackPermitted; }
    public int sackBlockCount() { return sackBlockCount; }
    /** Left edge of SACK block i (raw sequence number). */
    public long sackLeft(int i) { return sackBlocks[2 * i]; }
    public long sackRight(int i) { return sackBlocks[2 * i + 1]; }
    public boolean hasTimestamps() { return hasTimestamps; }
    public long tsVal() { return tsVal; }
    public long tsEcr() { return tsEcr; }
    public byte[] payloadBuffer() { return payloadBuffer; }
    public int payloadOffset() { return payloadOffset; }
    public int payloadLength() { return payloadLength; }
    public int payloadWireLength() { return payloadWireLength; }
    public boolean payloadCut() { return payloadLength < payloadWireLength; }
}
