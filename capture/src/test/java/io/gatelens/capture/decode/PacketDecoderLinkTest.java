package io.gatelens.capture.decode;

import static io.gatelens.capture.decode.TestPackets.*;
import static org.junit.jupiter.api.Assertions.*;

import io.gatelens.capture.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PacketDecoderLinkTest {
    private final PacketDecoder decoder = new PacketDecoder();
    private final DecodedPacket out = new DecodedPacket();

    private static final byte[] HELLO = ascii("GET / HTTP/1.1\r\n");
    private static final byte[] V4 = ipv4(tcp(HELLO));
    private static final byte[] V6 = ipv6(6, 57, tcp(HELLO));

    private void assertV4Tcp(Frame f) {
        assertTrue(decoder.decode(f, out), () -> "skip: " + out.skipReason());
        assertEquals(SkipReason.NONE, out.skipReason());
        assertEquals(4, out.ipVersion());
        assertArrayEquals(V4_SRC, addr(out.srcAddr(), 4));
        assertArrayEquals(V4_DST, addr(out.dstAddr(), 4));
        assertEquals(40000, out.srcPort());
        assertEquals(80, out.dstPort());
        assertArrayEquals(HELLO, payloadOf(out));
    }

    private void assertV6Tcp(Frame f) {
        assertTrue(decoder.decode(f, out), () -> "skip: " + out.skipReason());
        assertEquals(6, out.ipVersion());
        assertEquals(16, out.addressLength());
        assertArrayEquals(V6_SRC, addr(out.srcAddr(), 16));
        assertArrayEquals(V6_DST, addr(out.dstAddr(), 16));
        assertEquals(57, out.ttl());
        assertArrayEquals(HELLO, payloadOf(out));
    }

    private SkipReason skip(Frame f) {
        assertFalse(decoder.decode(f, out));
        assertNotEquals(SkipReason.NONE, out.skipReason());
        return out.skipReason();
    }

    @Test
    void ethernetIpv4AndIpv6() {
        assertV4Tcp(frame(LT_ETHERNET, ethernet(0x0800, V4)));
        assertEquals(0, out.vlanCount());
        assertEquals(-1, out.vlanId());
        assertV6Tcp(frame(LT_ETHERNET, ethernet(0x86DD, V6)));
    }

    @Test
    void ethernetPaddingIsNotPayload() {
        byte[] small = ipv4(tcp(new byte[0])); // 40 bytes: Ethernet pads to 60
        byte[] padded = cat(ethernet(0x0800, small), filled(6, 0x00));
        assertEquals(60, padded.length);
        assertTrue(decoder.decode(frame(LT_ETHERNET, padded), out));
        assertEquals(0, out.payloadLength());
        assertEquals(0, out.payloadWireLength());
        assertFalse(out.payloadCut());
    }

    @Test
    void singleVlanTag() {
        assertV4Tcp(frame(LT_ETHERNET, ethernet(0x0800, V4, 0x8100, 0x2064))); // PCP 1, VID 100
        assertEquals(1, out.vlanCount());
        assertEquals(100, out.vlanId());
    }

    @Test
    void doubleTagReportsOutermostVlan() {
        assertV6Tcp(frame(LT_ETHERNET, ethernet(0x86DD, V6, 0x88A8, 0x0FFE, 0x8100, 0x0007)));
        assertEquals(2, out.vlanCount());
        assertEquals(4094, out.vlanId());
    }

    @Test
    void oldQinQTagAndTripleStack() {
        assertV4Tcp(frame(LT_ETHERNET, ethernet(0x0800, V4, 0x9100, 0x0005, 0x88A8, 0x0006, 0x8100, 0x0007)));
        assertEquals(3, out.vlanCount());
        assertEquals(5, out.vlanId());
    }

    @Test
    void vlanTagCutShort() {
        byte[] f = ethernet(0x0800, V4, 0x8100, 0x0064);
        assertEquals(SkipReason.TRUNCATED_LINK_HEADER, skip(frame(LT_ETHERNET, f, 16)));
    }

    @Test
    void ethernetTooShortAndNonIp() {
        assertEquals(SkipReason.TRUNCATED_LINK_HEADER, skip(frame(LT_ETHERNET, ethernet(0x0800, V4), 13)));
        assertEquals(SkipReason.NOT_IP, skip(frame(LT_ETHERNET, ethernet(0x0806, filled(28, 1))))); // ARP
        assertEquals(SkipReason.NOT_IP, skip(frame(LT_ETHERNET, ethernet(0x0040, filled(64, 1))))); // 802.3 length
        assertEquals(SkipReason.NOT_IP, skip(frame(LT_ETHERNET, ethernet(0x0806, filled(28, 1), 0x8100, 3))));
        assertEquals(1, out.vlanCount());
    }

    @Test
    void ipv4EthertypeCarryingIpv6IsBad() {
        assertEquals(SkipReason.BAD_IP_HEADER, skip(frame(LT_ETHERNET, ethernet(0x0800, V6))));
        assertEquals(SkipReason.BAD_IP_HEADER, skip(frame(LT_ETHERNET, ethernet(0x86DD, cat(V4, filled(20, 0))))));
    }

    @Test
    void linuxCookedV1() {
        assertV4Tcp(frame(LT_SLL, sll(0x0800, V4)));
        assertV6Tcp(frame(LT_SLL, sll(0x86DD, V6)));
        assertV4Tcp(frame(LT_SLL, sll(0x8100, cat(bytes(0x00, 0x2a, 0x08, 0x00), V4))));
        assertEquals(42, out.vlanId());
        assertEquals(SkipReason.NOT_IP, skip(frame(LT_SLL, sll(0x0806, filled(28, 0)))));
        assertEquals(SkipReason.TRUNCATED_LINK_HEADER, skip(frame(LT_SLL, sll(0x0800, V4), 15)));
    }

    @Test
    void linuxCookedV2() {
        assertV4Tcp(frame(LT_SLL2, sll2(0x0800, V4)));
        assertV6Tcp(frame(LT_SLL2, sll2(0x86DD, V6)));
        assertEquals(SkipReason.NOT_IP, skip(frame(LT_SLL2, sll2(0x0003, V4))));
        assertEquals(SkipReason.TRUNCATED_LINK_HEADER, skip(frame(LT_SLL2, sll2(0x0800, V4), 19)));
    }

    @Test
    void nullIpv4InBothByteOrders() {
        assertV4Tcp(frame(LT_NULL, nullHeader(2, true, V4)));
        assertV4Tcp(frame(LT_NULL, nullHeader(2, false, V4)));
    }

    @ParameterizedTest
    @ValueSource(ints = {10, 24, 28, 30})
    void nullIpv6FamiliesInBothByteOrders(int family) {
        assertV6Tcp(frame(LT_NULL, nullHeader(family, true, V6)));
        assertV6Tcp(frame(LT_NULL, nullHeader(family, false, V6)));
    }

    @Test
    void nullOtherFamilyAndShortHeader() {
        assertEquals(SkipReason.NOT_IP, skip(frame(LT_NULL, nullHeader(7, true, V4))));
        assertEquals(SkipReason.NOT_IP, skip(frame(LT_NULL, nullHeader(0x0200, true, V4))));
        assertEquals(SkipReason.TRUNCATED_LINK_HEADER, skip(frame(LT_NULL, nullHeader(2, true, V4), 3)));
        // The family says IPv6 but the packet is IPv4.
        assertEquals(SkipReason.BAD_IP_HEADER, skip(frame(LT_NULL, nullHeader(30, true, V4))));
    }

    @Test
    void loopIsNetworkOrderOnly() {
        assertV4Tcp(frame(LT_LOOP, nullHeader(2, false, V4)));
        assertV6Tcp(frame(LT_LOOP, nullHeader(24, false, V6)));
        assertEquals(SkipReason.NOT_IP, skip(frame(LT_LOOP, nullHeader(2, true, V4))));
        assertEquals(SkipReason.TRUNCATED_LINK_HEADER, skip(frame(LT_LOOP, new byte[2])));
    }

    @Test
    void rawIpByVersionNibble() {
        assertV4Tcp(frame(LT_RAW, V4));
        assertV6Tcp(frame(LT_RAW, V6));
        assertV4Tcp(frame(12, V4)); // DLT_RAW as some BSDs number it
        byte[] v5 = V4.clone();
        v5[0] = 0x55;
        assertEquals(SkipReason.NOT_IP, skip(frame(LT_RAW, v5)));
        assertEquals(SkipReason.TRUNCATED_IP_HEADER, skip(frame(LT_RAW, new byte[0])));
    }

    @Test
    void rawIpv4AndIpv6LinkTypesCheckTheVersion() {
        assertV4Tcp(frame(LT_IPV4, V4));
        assertV6Tcp(frame(LT_IPV6, V6));
        assertEquals(SkipReason.BAD_IP_HEADER, skip(frame(LT_IPV4, V6)));
        assertEquals(SkipReason.BAD_IP_HEADER, skip(frame(LT_IPV6, V4)));
    }

    @Test
    void unknownLinkType() {
        assertEquals(SkipReason.UNKNOWN_LINK_TYPE, skip(frame(147, V4)));
        assertEquals(SkipReason.UNKNOWN_LINK_TYPE, skip(frame(-5, V4)));
    }

    @Test
    void inconsistentFrameBoundsAreNotTrusted() {
        Frame f = new Frame();
        byte[] data = ethernet(0x0800, V4);
        f.set(1, 0, 0, LT_ETHERNET, data, 0, data.length + 100, data.length + 100, 0);
        assertV4Tcp(f); // clamped to the buffer
        f.set(1, 0, 0, LT_ETHERNET, data, data.length + 1, 10, 10, 0);
        assertEquals(SkipReason.TRUNCATED_LINK_HEADER, skip(f));
        f.set(1, 0, 0, LT_ETHERNET, data, -1, 10, 10, 0);
        assertEquals(SkipReason.TRUNCATED_LINK_HEADER, skip(f));
        f.set(1, 0, 0, LT_ETHERNET, data, 0, -10, 10, 0);
        assertEquals(SkipReason.TRUNCATED_LINK_HEADER, skip(f));
    }

    @Test
    void resultDoesNotLeakIntoTheNextFrame() {
        assertV4Tcp(frame(LT_ETHERNET, ethernet(0x0800, V4, 0x8100, 0x0064)));
        assertEquals(SkipReason.NOT_IP, skip(frame(LT_ETHERNET, ethernet(0x0806, filled(28, 1)))));
        assertEquals(0, out.vlanCount());
        assertEquals(-1, out.vlanId());
        assertEquals(0, out.srcPort());
        assertEquals(0, out.payloadLength());
        assertEquals(0, out.ipVersion());
    }
}
