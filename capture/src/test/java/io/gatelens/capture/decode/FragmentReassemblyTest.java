package io.gatelens.capture.decode;

import static io.gatelens.capture.decode.TestPackets.*;
import static org.junit.jupiter.api.Assertions.*;

import io.gatelens.capture.Frame;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FragmentReassemblyTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long T0 = 1_700_000_000L * SECOND;

    private final DecodedPacket out = new DecodedPacket();

    /** A segment of 20 header + 1480 payload bytes, payload bytes numbered so misplacement shows. */
    private static final byte[] PAYLOAD = numbered(1480);
    private static final byte[] SEGMENT = tcp(43210, 8080, 0xDEADBEEFL, 1, DecodedPacket.FLAG_ACK, 1000,
            new byte[0], PAYLOAD);

    private static byte[] numbered(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7 + i / 256);
        }
        return b;
    }

    /** An IPv4 fragment of {@code datagram}[from, from+len) over Ethernet. */
    private static byte[] v4frag(byte[] datagram, int protocol, int id, int from, int len, boolean more) {
        byte[] part = Arrays.copyOfRange(datagram, from, from + len);
        return ethernet(0x0800, ipv4(protocol, id, (more ? 0x2000 : 0) | (from / 8), 61, new byte[0], part));
    }

    private static byte[] v4frag(int id, int from, int len, boolean more) {
        return v4frag(SEGMENT, 6, id, from, len, more);
    }

    private static byte[] v6frag(byte[] fragmentable, int next, long id, int from, int len, boolean more) {
        byte[] part = Arrays.copyOfRange(fragmentable, from, from + len);
        return ethernet(0x86DD, ipv6(44, 64, cat(fragmentHeader(next, from, more, id), part)));
    }

    private static SkipReason decode(PacketDecoder d, byte[] frame, long time, DecodedPacket out) {
        d.decode(frame(LT_ETHERNET, frame, frame.length, time), out);
        return out.skipReason();
    }

    private SkipReason decode(PacketDecoder d, byte[] frame, long time) {
        return decode(d, frame, time, out);
    }

    private void assertWholeSegment(int fragments) {
        assertEquals(SkipReason.NONE, out.skipReason());
        assertTrue(out.reassembled());
        assertEquals(fragments, out.fragmentCount());
        assertEquals(43210, out.srcPort());
        assertEquals(8080, out.dstPort());
        assertEquals(0xDEADBEEFL, out.seq());
        assertEquals(PAYLOAD.length, out.payloadLength());
        assertEquals(PAYLOAD.length, out.payloadWireLength());
        assertArrayEquals(PAYLOAD, payloadOf(out));
    }

    @Test
    void inOrder() {
        PacketDecoder d = new PacketDecoder();
        assertEquals(SkipReason.FRAGMENT_HELD, decode(d, v4frag(1, 0, 504, true), T0));
        assertEquals(4, out.ipVersion());
        assertEquals(1, d.heldDatagrams());
        assertEquals(504, d.heldBytes());
        assertEquals(SkipReason.FRAGMENT_HELD, decode(d, v4frag(1, 504, 504, true), T0 + 1));
        assertEquals(SkipReason.NONE, decode(d, v4frag(1, 1008, 492, false), T0 + 2));
        assertWholeSegment(3);
        assertEquals(61, out.ttl());
        assertArrayEquals(V4_SRC, addr(out.srcAddr(), 4));
        assertEquals(0, d.heldDatagrams());
        assertEquals(0, d.heldBytes());
    }

    @Test
    void reassembledPayloadLivesInTheDecodersBufferNotTheFrames() {
        PacketDecoder d = new PacketDecoder();
        decode(d, v4frag(1, 0, 800, true), T0);
        Frame last = frame(LT_ETHERNET, v4frag(1, 800, 700, false));
        assertTrue(d.decode(last, out));
        assertNotSame(last.buffer(), out.payloadBuffer());
        assertEquals(20, out.payloadOffset());
        assertArrayEquals(PAYLOAD, payloadOf(out));
    }

    @Test
    void outOfOrder() {
        PacketDecoder d = new PacketDecoder();
        assertEquals(SkipReason.FRAGMENT_HELD, decode(d, v4frag(2, 1008, 492, false), T0));
        assertEquals(SkipReason.FRAGMENT_HELD, decode(d, v4frag(2, 0, 504, true), T0));
        assertEquals(SkipReason.NONE, decode(d, v4frag(2, 504, 504, true), T0));
        assertWholeSegment(3);
    }

    @Test
    void duplicatedFragmentCountsButDoesNotDisturb() {
        PacketDecoder d = new PacketDecoder();
        decode(d, v4frag(3, 0, 504, true), T0);
        assertEquals(SkipReason.FRAGMENT_HELD, decode(d, v4frag(3, 0, 504, true), T0));
        assertEquals(504, d.heldBytes());
        decode(d, v4frag(3, 504, 504, true), T0);
        assertEquals(SkipReason.NONE, decode(d, v4frag(3, 1008, 492, false), T0));
        assertWholeSegment(4);
    }

    @Test
    void overlappingFragmentsFirstCopyWins() {
        PacketDecoder d = new PacketDecoder();
        // A rogue copy of bytes 496..1007 with different contents arrives after the genuine first part.
        byte[] rogue = SEGMENT.clone();
        Arrays.fill(rogue, 496, 1008, (byte) 0x5A);
        assertEquals(SkipReason.FRAGMENT_HELD, decode(d, v4frag(4, 0, 504, true), T0));
        assertEquals(SkipReason.FRAGMENT_HELD,
                decode(d, v4frag(rogue, 6, 4, 496, 512, true), T0));
        assertEquals(1008, d.heldBytes()); // only 504..1007 were new
        assertEquals(SkipReason.FRAGMENT_HELD, decode(d, v4frag(4, 504, 504, true), T0));
        assertEquals(SkipReason.NONE, decode(d, v4frag(4, 1008, 492, false), T0));
        assertTrue(out.reassembled());
        byte[] got = payloadOf(out);
        // 496..503 (segment offsets) came from the first fragment; 504..1007 from the rogue one.
        assertArrayEquals(Arrays.copyOfRange(SEGMENT, 20, 504), Arrays.copyOfRange(got, 0, 484));
        for (int i = 504; i < 1008; i++) {
            assertEquals(0x5A, got[i - 20], "segment byte " + i);
        }
        assertArrayEquals(Arrays.copyOfRange(SEGMENT, 1008, 1500), Arrays.copyOfRange(got, 988, 1480));
    }

    @Test
    void incompleteIsHeldThenExpiresAtTheTimeout() {
        ReassemblyLimits limits = new ReassemblyLimits(8, 1 << 20, 30 * SECOND);
        PacketDecoder d = new PacketDecoder(limits);
        assertEquals(SkipReason.FRAGMENT_HELD, decode(d, v4frag(5, 0, 504, true), T0));
        assertEquals(SkipReason.FRAGMENT_HELD, decode(d, v4frag(6, 0, 504, true), T0 + 10 * SECOND));
        // At exactly 30 s both are still held; a fragment then still completes datagram 5.
        assertEquals(SkipReason.FRAGMENT_HELD, decode(d, v4frag(5, 504, 504, true), T0 + 30 * SECOND));
        assertEquals(0, out.expiredDatagrams());
        assertEquals(SkipReason.NONE, decode(d, v4frag(5, 1008, 492, false), T0 + 30 * SECOND));
        assertWholeSegment(3);
        // Datagram 6 expires 1 ns after its 30 s, reported on whatever frame comes then.
        assertEquals(SkipReason.NOT_IP, decode(d, ethernet(0x0806, filled(28, 0)), T0 + 40 * SECOND));
        assertEquals(0, out.expiredDatagrams());
        assertEquals(1, d.heldDatagrams());
        assertEquals(SkipReason.NOT_IP, decode(d, ethernet(0x0806, filled(28, 0)), T0 + 40 * SECOND + 1));
        assertEquals(1, out.expiredDatagrams());
        assertEquals(0, d.heldDatagrams());
        assertEquals(0, d.heldBytes());
        // Its late fragments start afresh and are held again.
        assertEquals(SkipReason.FRAGMENT_HELD, decode(d, v4frag(6, 1008, 492, false), T0 + 41 * SECOND));
        assertEquals(1, d.heldDatagrams());
    }

    @Test
    void expiryUsesCaptureTimeAndToleratesTimeGoingBackwards() {
        PacketDecoder d = new PacketDecoder(new ReassemblyLimits(8, 1 << 20, 30 * SECOND));
        decode(d, v4frag(7, 0, 504, true), T0);
        decode(d, v4frag(7, 504, 504, true), T0 - 100 * SECOND);
        assertEquals(0, out.expiredDatagrams());
        assertEquals(SkipReason.NONE, decode(d, v4frag(7, 1008, 492, false), T0 + SECOND));
        assertWholeSegment(3);
    }

    @Test
    void datagramLimitBothSides() {
        int n = 5;
        PacketDecoder d = new PacketDecoder(new ReassemblyLimits(n, 1 << 20, 30 * SECOND));
        for (int id = 0; id < n; id++) {
            assertEquals(SkipReason.FRAGMENT_HELD, decode(d, v4frag(100 + id, 0, 504, true), T0), "datagram " + id);
        }
        assertEquals(n, d.heldDatagrams());
        assertEquals(SkipReason.FRAGMENT_DROPPED, decode(d, v4frag(100 + n, 0, 504, true), T0));
        assertEquals(n, d.heldDatagrams());
        // Held datagrams still take their fragments.
        decode(d, v4frag(100, 504, 504, true), T0);
        assertEquals(SkipReason.NONE, decode(d, v4frag(100, 1008, 492, false), T0));
        assertWholeSegment(3);
        // ... and the slot it freed is usable again.
        assertEquals(SkipReason.FRAGMENT_HELD, decode(d, v4frag(100 + n, 0, 504, true), T0));
    }

    @Test
    void zeroDatagramsMeansEveryFragmentIsDropped() {
        PacketDecoder d = new PacketDecoder(new ReassemblyLimits(0, 1 << 20, SECOND));
        assertEquals(SkipReason.FRAGMENT_DROPPED, decode(d, v4frag(1, 0, 504, true), T0));
    }

    @Test
    void byteLimitBothSides() {
        PacketDecoder d = new PacketDecoder(new ReassemblyLimits(16, 1008, 30 * SECOND));
        assertEquals(SkipReason.FRAGMENT_HELD, decode(d, v4frag(1, 0, 504, true), T0));
        assertEquals(SkipReason.FRAGMENT_HELD, decode(d, v4frag(2, 0, 504, true), T0));
        assertEquals(1008, d.heldBytes());
        assertEquals(SkipReason.FRAGMENT_DROPPED, decode(d, v4frag(3, 0, 8, true), T0));
        assertEquals(2, d.heldDatagrams());
        assertEquals(1008, d.heldBytes());
    }

    @Test
    void byteLimitFreedOnCompletion() {
        PacketDecoder d = new PacketDecoder(new ReassemblyLimits(16, 1500, 30 * SECOND));
        decode(d, v4frag(1, 0, 1008, true), T0);
        assertEquals(SkipReason.NONE, decode(d, v4frag(1, 1008, 492, false), T0));
        assertEquals(0, d.heldBytes());
        assertEquals(SkipReason.FRAGMENT_HELD, decode(d, v4frag(2, 0, 1008, true), T0));
    }

    @Test
    void datagramsAreKeptApartByIdAndAddresses() {
        PacketDecoder d = new PacketDecoder();
        decode(d, v4frag(8, 0, 504, true), T0);
        decode(d, v4frag(9, 504, 504, true), T0);
        byte[] otherSource = v4frag(8, 1008, 492, false);
        otherSource[14 + 12 + 3] = 99; // 10.0.0.99
        assertEquals(SkipReason.FRAGMENT_HELD, decode(d, otherSource, T0));
        assertEquals(3, d.heldDatagrams());
        assertEquals(SkipReason.FRAGMENT_HELD, decode(d, v4frag(8, 504, 504, true), T0));
        assertEquals(SkipReason.NONE, decode(d, v4frag(8, 1008, 492, false), T0));
        assertWholeSegment(3);
        assertEquals(2, d.heldDatagrams());
        assertEquals(2, d.discardHeldFragments());
        assertEquals(0, d.heldDatagrams());
        assertEquals(0, d.heldBytes());
    }

    @Test
    void nonTcpFragmentsAreNotTcpAtOnce() {
        PacketDecoder d = new PacketDecoder();
        byte[] udp = numbered(1200);
        assertEquals(SkipReason.NOT_TCP, decode(d, v4frag(udp, 17, 1, 0, 600, true), T0));
        assertEquals(SkipReason.NOT_TCP, decode(d, v4frag(udp, 17, 1, 600, 600, false), T0));
        assertEquals(17, out.ipProtocol());
        assertEquals(0, d.heldDatagrams());
    }

    @Test
    void malformedFragmentsAreDropped() {
        PacketDecoder d = new PacketDecoder();
        // Non-last fragment whose length is not a multiple of 8.
        assertEquals(SkipReason.FRAGMENT_DROPPED, decode(d, v4frag(1, 0, 500, true), T0));
        assertEquals(0, d.heldDatagrams());
        // Fragment past 65535 bytes (ping of death): offset 65528 + 16.
        byte[] pod = ethernet(0x0800, ipv4(6, 2, 8191, 64, new byte[0], filled(16, 1)));
        assertEquals(SkipReason.FRAGMENT_DROPPED, decode(d, pod, T0));
        // Empty fragment.
        byte[] empty = ethernet(0x0800, ipv4(6, 3, 0x2000 | 4, 64, new byte[0], new byte[0]));
        assertEquals(SkipReason.FRAGMENT_DROPPED, decode(d, empty, T0));
        assertEquals(0, d.heldDatagrams());
    }

    @Test
    void lastFragmentsThatDisagreeDropTheDatagram() {
        PacketDecoder d = new PacketDecoder();
        assertEquals(SkipReason.FRAGMENT_HELD, decode(d, v4frag(1, 1008, 492, false), T0));
        assertEquals(SkipReason.FRAGMENT_DROPPED, decode(d, v4frag(1, 504, 300, false), T0));
        assertEquals(0, d.heldDatagrams());
        // A non-last fragment reaching past the known end.
        decode(d, v4frag(2, 504, 300, false), T0);
        assertEquals(SkipReason.FRAGMENT_DROPPED, decode(d, v4frag(2, 0, 1008, true), T0));
        assertEquals(0, d.heldDatagrams());
    }

    @Test
    void snaplenCutFragmentIsDropped() {
        PacketDecoder d = new PacketDecoder();
        byte[] f = v4frag(1, 0, 504, true);
        d.decode(frame(LT_ETHERNET, f, f.length - 1, T0), out);
        assertEquals(SkipReason.FRAGMENT_DROPPED, out.skipReason());
        assertEquals(0, d.heldDatagrams());
    }

    @Test
    void ipv6FragmentsOutOfOrder() {
        PacketDecoder d = new PacketDecoder();
        long id = 0xCAFEF00DL;
        assertEquals(SkipReason.FRAGMENT_HELD, decode(d, v6frag(SEGMENT, 6, id, 1200, 300, false), T0));
        assertEquals(6, out.ipVersion());
        assertEquals(SkipReason.FRAGMENT_HELD, decode(d, v6frag(SEGMENT, 6, id, 0, 600, true), T0));
        // Same id, other destination: another datagram.
        byte[] other = v6frag(SEGMENT, 6, id, 600, 600, true);
        other[14 + 39] = 3;
        assertEquals(SkipReason.FRAGMENT_HELD, decode(d, other, T0));
        assertEquals(SkipReason.NONE, decode(d, v6frag(SEGMENT, 6, id, 600, 600, true), T0));
        assertWholeSegment(3);
        assertArrayEquals(V6_DST, addr(out.dstAddr(), 16));
        assertEquals(1, d.heldDatagrams());
    }

    @Test
    void ipv6FragmentWithExtensionHeadersOnBothSides() {
        PacketDecoder d = new PacketDecoder();
        // Unfragmentable part: hop-by-hop before the fragment header; fragmentable part starts
        // with destination options, then TCP.
        byte[] fragmentable = cat(ext8(6, 1), SEGMENT);
        int cut = 512;
        for (int i = 0; i < 2; i++) {
            boolean first = i == 0;
            int from = first ? 0 : cut;
            int len = first ? cut : fragmentable.length - cut;
            byte[] part = Arrays.copyOfRange(fragmentable, from, from + len);
            byte[] pkt = ethernet(0x86DD, ipv6(0, 64, cat(ext8(44, 0), fragmentHeader(60, from, first, 77), part)));
            SkipReason r = decode(d, pkt, T0);
            assertEquals(first ? SkipReason.FRAGMENT_HELD : SkipReason.NONE, r);
        }
        assertWholeSegment(2);
    }

    @Test
    void ipv6FragmentsOfUdpAreNotTcp() {
        PacketDecoder d = new PacketDecoder();
        assertEquals(SkipReason.NOT_TCP, decode(d, v6frag(numbered(1000), 17, 5, 0, 504, true), T0));
        assertEquals(17, out.ipProtocol());
        assertEquals(SkipReason.NOT_TCP, decode(d, v6frag(numbered(1000), 17, 5, 504, 496, false), T0));
        assertEquals(0, d.heldDatagrams());
    }

    @Test
    void ipv6FragmentLimitsApplyToo() {
        PacketDecoder d = new PacketDecoder(new ReassemblyLimits(1, 1 << 20, SECOND));
        assertEquals(SkipReason.FRAGMENT_HELD, decode(d, v6frag(SEGMENT, 6, 1, 0, 600, true), T0));
        assertEquals(SkipReason.FRAGMENT_DROPPED, decode(d, v6frag(SEGMENT, 6, 2, 0, 600, true), T0));
    }

    @Test
    void nestedFragmentHeaderInReassembledDataIsBad() {
        PacketDecoder d = new PacketDecoder();
        // Directly nested: known at once not to lead anywhere useful.
        assertEquals(SkipReason.NOT_TCP, decode(d, v6frag(SEGMENT, 44, 8, 0, 600, true), T0));
        // Behind destination options: only visible once reassembled.
        byte[] fragmentable = cat(ext8(44, 0), fragmentHeader(6, 0, true, 1), SEGMENT);
        assertEquals(SkipReason.FRAGMENT_HELD, decode(d, v6frag(fragmentable, 60, 9, 0, 600, true), T0));
        assertEquals(SkipReason.BAD_IP_HEADER,
                decode(d, v6frag(fragmentable, 60, 9, 600, fragmentable.length - 600, false), T0));
        assertTrue(out.reassembled());
    }

    @Test
    void bigDatagramAcrossManyFragments() {
        byte[] big = tcp(1, 2, 3, 4, DecodedPacket.FLAG_ACK, 5, new byte[0], numbered(65_000));
        PacketDecoder d = new PacketDecoder();
        int step = 1480;
        int frames = 0;
        boolean done = false;
        for (int from = 0; from < big.length; from += step) {
            int len = Math.min(step, big.length - from);
            boolean more = from + len < big.length;
            frames++;
            done = decode(d, v4frag(big, 6, 10, from, len, more), T0) == SkipReason.NONE;
            assertEquals(!more, done);
        }
        assertTrue(out.reassembled());
        assertEquals(frames, out.fragmentCount());
        assertEquals(65_000, out.payloadLength());
        assertArrayEquals(numbered(65_000), payloadOf(out));
    }
}
