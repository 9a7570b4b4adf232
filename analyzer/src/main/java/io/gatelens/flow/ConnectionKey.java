package io.gatelens.flow;

import io.gatelens.capture.decode.DecodedPacket;

/**
 * The unordered 4-tuple of a TCP connection. One mutable instance probes the table for every
 * packet (no allocation); {@link #copy()} makes the stored key when a connection is new.
 * Endpoints are kept in a canonical order so both directions find the same entry.
 */
final class ConnectionKey {
    private long loHi, loLo, hiHi, hiLo;
    private int loPort, hiPort;
    private int version;
    private int hash;
    /** The packet this key was last set from was sent by the lower endpoint. */
    private boolean srcIsLo;

    /** Sets this key from a packet. */
    void set(DecodedPacket p) {
        version = p.ipVersion();
        byte[] src = p.srcAddr();
        byte[] dst = p.dstAddr();
        long sHi, sLo, dHi, dLo;
        if (p.addressLength() == 16) {
            sHi = word8(src, 0);
            sLo = word8(src, 8);
            dHi = word8(dst, 0);
            dLo = word8(dst, 8);
        } else {
            sHi = 0;
            sLo = word4(src, 0);
            dHi = 0;
            dLo = word4(dst, 0);
        }
        int c = Long.compareUnsigned(sHi, dHi);
        if (c == 0) c = Long.compareUnsigned(sLo, dLo);
        if (c == 0) c = Integer.compare(p.srcPort(), p.dstPort());
        srcIsLo = c <= 0;
        if (srcIsLo) {
            loHi = sHi; loLo = sLo; loPort = p.srcPort();
            hiHi = dHi; hiLo = dLo; hiPort = p.dstPort();
        } else {
            loHi = dHi; loLo = dLo; loPort = p.dstPort();
            hiHi = sHi; hiLo = sLo; hiPort = p.srcPort();
        }
        long h = version;
        h = h * 0x9E3779B97F4A7C15L + loHi;
        h = h * 0x9E3779B97F4A7C15L + loLo;
        h = h * 0x9E3779B97F4A7C15L + hiHi;
        h = h * 0x9E3779B97F4A7C15L + hiLo;
        h = h * 0x9E3779B97F4A7C15L + ((long) loPort << 16 | hiPort);
        // Finish with a full mix (MurmurHash3's fmix64): without it the ports, the only part
        // that differs between most connections, sat in the low bits unmixed, and the table's
        // bins filled up and turned into trees that non-comparable keys walk one by one.
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        hash = (int) (h ^ (h >>> 32));
    }

    private static long word8(byte[] b, int at) {
        return (word4(b, at) << 32) | word4(b, at + 4);
    }

    private static long word4(byte[] b, int at) {
        return (b[at] & 0xffL) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    /** Whether the packet the key was last set from came from its lower endpoint (see {@link Connection#clientIsLo}). */
    boolean srcIsLo() {
        return srcIsLo;
    }

    /** True when the key stored at {@code words[at]} (see {@link #store}) is this one. */
    boolean matches(long[] words, int at) {
        return words[at] == loHi && words[at + 1] == loLo && words[at + 2] == hiHi && words[at + 3] == hiLo
                && words[at + 4] == ((long) loPort << 16 | hiPort) && words[at + 5] == version;
    }

    void store(long[] words, int at) {
        words[at] = loHi;
        words[at + 1] = loLo;
        words[at + 2] = hiHi;
        words[at + 3] = hiLo;
        words[at + 4] = (long) loPort << 16 | hiPort;
        words[at + 5] = version;
    }

    ConnectionKey copy() {
        ConnectionKey k = new ConnectionKey();
        k.loHi = loHi; k.loLo = loLo; k.hiHi = hiHi; k.hiLo = hiLo;
        k.loPort = loPort; k.hiPort = hiPort; k.version = version; k.hash = hash;
        return k;
    }

    @Override
    public int hashCode() { return hash; }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConnectionKey k && k.hash == hash && k.version == version
                && k.loHi == loHi && k.loLo == loLo && k.hiHi == hiHi && k.hiLo == hiLo
                && k.loPort == loPort && k.hiPort == hiPort;
    }
}
