package io.gatelens.capture.decode;

import static io.gatelens.capture.decode.TestPackets.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class PacketDecoderIpTest {
    private final PacketDecoder decoder = new PacketDecoder();
    private final DecodedPacket out = new DecodedPacket();
    private static final byte[] DATA = ascii("HTTP/1.1 502 Bad Gateway\r\n");

    private boolean decodeRaw(byte[] ip) {
        return decoder.decode(frame(LT_RAW, ip), out);
    }

    private boolean decodeRaw(byte[] ip, int captured) {
        return decoder.decode(frame(LT_RAW, ip, captured), out);
    }

    @Test
    void ipv4Fields() {
        assertTrue(decodeRaw(ipv4(6, 7, 0x4000, 3, new byte[0], tcp(DATA))));
        assertEquals(4, out.ipVersion());
        assertEquals(4, out.addressLength());
        assertEquals(3, out.ttl());
        assertEquals(6, out.ipProtocol());
        assertFalse(out.reassembled());
        assertFalse(out.ipLengthInferred());
        assertEquals(DATA.length, out.payloadLength());
        assertEquals(DATA.length, out.payloadWireLength());
    }

    @Test
    void ipv4OptionsAreSkipped() {
        byte[] options = bytes(0x07, 0x07, 0x04, 10, 0, 0, 9, 0x01, 0x01, 0x01, 0x01, 0x00); // record route + pad
        byte[] ip = ipv4(6, 7, 0, 64, options, tcp(DATA));
        assertEquals(0x48, ip[0] & 0xff);
        assertTrue(decodeRaw(ip));
        assertEquals(40000, out.srcPort());
        assertArrayEquals(DATA, payloadOf(out));
        assertEquals(LEAD + 32 + 20, out.payloadOffset());
    }

    @Test
    void ipv4HeaderLengthBelowFiveIsBad() {
        byte[] ip = ipv4(tcp(DATA));
        ip[0] = 0x44;
        assertFalse(decodeRaw(ip));
        assertEquals(SkipReason.BAD_IP_HEADER, out.skipReason());
    }

    @Test
    void ipv4HeaderCutShort() {
        byte[] ip = ipv4(tcp(DATA));
        assertFalse(decodeRaw(ip, 19));
        assertEquals(SkipReason.TRUNCATED_IP_HEADER, out.skipReason());
        // 20 bytes present but IHL says 24
        byte[] withOptions = ipv4(6, 7, 0, 64, bytes(1, 1, 1, 0), tcp(DATA));
        assertFalse(decodeRaw(withOptions, 22));
        assertEquals(SkipReason.TRUNCATED_IP_HEADER, out.skipReason());
        assertTrue(decodeRaw(withOptions, 24 + 20)); // header whole, just no payload
        assertTrue(out.payloadCut());
    }

    @Test
    void ipv4TotalLengthBelowHeaderIsBad() {
        byte[] ip = ipv4(tcp(DATA));
        put16(ip, 2, 19);
        assertFalse(decodeRaw(ip));
        assertEquals(SkipReason.BAD_IP_HEADER, out.skipReason());
        put16(ip, 2, 20); // a header and nothing else: then TCP is missing
        assertFalse(decodeRaw(ip));
        assertEquals(SkipReason.BAD_TCP_HEADER, out.skipReason());
    }

    @Test
    void ipv4TotalLengthZeroIsTakenFromTheCapture() {
        byte[] ip = ipv4(tcp(DATA));
        put16(ip, 2, 0); // as a TSO super-packet captured on the sender shows
        assertTrue(decodeRaw(ip));
        assertTrue(out.ipLengthInferred());
        assertArrayEquals(DATA, payloadOf(out));
        assertEquals(DATA.length, out.payloadWireLength());
    }

    @Test
    void ipv4NotTcp() {
        assertFalse(decodeRaw(ipv4(17, 7, 0, 64, new byte[0], filled(12, 0))));
        assertEquals(SkipReason.NOT_TCP, out.skipReason());
        assertEquals(17, out.ipProtocol());
        assertEquals(4, out.ipVersion());
        assertFalse(decodeRaw(ipv4(1, 7, 0, 64, new byte[0], filled(8, 0))));
        assertEquals(SkipReason.NOT_TCP, out.skipReason());
    }

    @Test
    void ipv6Plain() {
        assertTrue(decodeRaw(ipv6(6, 255, tcp(DATA))));
        assertEquals(6, out.ipVersion());
        assertEquals(255, out.ttl());
        assertArrayEquals(DATA, payloadOf(out));
        assertEquals(LEAD + 60, out.payloadOffset());
    }

    @Test
    void ipv6EachExtensionHeader() {
        int[][] cases = {{0, 0}, {0, 3}, {43, 1}, {60, 0}, {60, 2}};
        for (int[] c : cases) {
            byte[] ext = ext8(6, c[1]);
            assertTrue(decodeRaw(ipv6(c[0], 64, cat(ext, tcp(DATA)))), () -> "header " + c[0]);
            assertArrayEquals(DATA, payloadOf(out));
            assertEquals(LEAD + 40 + ext.length + 20, out.payloadOffset());
        }
        for (int units : new int[] {1, 4}) {
            byte[] ah = ah(6, units);
            assertEquals((units + 2) * 4, ah.length);
            assertTrue(decodeRaw(ipv6(51, 64, cat(ah, tcp(DATA)))));
            assertEquals(LEAD + 40 + ah.length + 20, out.payloadOffset());
            assertArrayEquals(DATA, payloadOf(out));
        }
    }

    @Test
    void ipv6LongChain() {
        byte[] chain = cat(ext8(43, 0), ext8(51, 1), ah(60, 1), ext8(6, 0)); // HBH, routing, AH, dest opts
        assertTrue(decodeRaw(ipv6(0, 64, cat(chain, tcp(DATA)))));
        assertArrayEquals(DATA, payloadOf(out));
        assertEquals(DATA.length, out.payloadWireLength());
    }

    @Test
    void ipv6AtomicFragmentIsUnfragmented() {
        assertTrue(decodeRaw(ipv6(44, 64, cat(fragmentHeader(6, 0, false, 99), tcp(DATA)))));
        assertFalse(out.reassembled());
        assertArrayEquals(DATA, payloadOf(out));
    }

    @Test
    void ipv6NoNextHeaderAndOthersAreNotTcp() {
        assertFalse(decodeRaw(ipv6(59, 64, new byte[0])));
        assertEquals(SkipReason.NOT_TCP, out.skipReason());
        assertFalse(decodeRaw(ipv6(60, 64, cat(ext8(59, 0)))));
        assertEquals(SkipReason.NOT_TCP, out.skipReason());
        assertEquals(59, out.ipProtocol());
        assertFalse(decodeRaw(ipv6(17, 64, filled(8, 0))));
        assertEquals(SkipReason.NOT_TCP, out.skipReason());
        assertEquals(17, out.ipProtocol());
        assertFalse(decodeRaw(ipv6(0, 64, cat(ext8(58, 0), filled(8, 0)))));
        assertEquals(58, out.ipProtocol());
        assertFalse(decodeRaw(ipv6(50, 64, filled(24, 0)))); // ESP: encrypted
        assertEquals(SkipReason.NOT_TCP, out.skipReason());
    }

    @Test
    void ipv6HeaderCutShort() {
        byte[] ip = ipv6(6, 64, tcp(DATA));
        assertFalse(decodeRaw(ip, 39));
        assertEquals(SkipReason.TRUNCATED_IP_HEADER, out.skipReason());
        byte[] withExt = ipv6(60, 64, cat(ext8(6, 2), tcp(DATA)));
        assertFalse(decodeRaw(withExt, 40 + 23));
        assertEquals(SkipReason.TRUNCATED_IP_HEADER, out.skipReason());
        assertFalse(decodeRaw(withExt, 40 + 7));
        assertEquals(SkipReason.TRUNCATED_IP_HEADER, out.skipReason());
        assertFalse(decodeRaw(withExt, 40 + 24)); // extension whole, TCP missing
        assertEquals(SkipReason.TRUNCATED_TCP_HEADER, out.skipReason());
    }

    @Test
    void ipv6ExtensionLongerThanPayloadIsBad() {
        byte[] ip = ipv6(60, 64, cat(ext8(6, 0), tcp(DATA)));
        ip[41] = 30; // says 248 bytes
        assertFalse(decodeRaw(ip));
        assertEquals(SkipReason.BAD_IP_HEADER, out.skipReason());
        byte[] tiny = ipv6(0, 64, filled(4, 6)); // payload length 4 < minimum extension header
        assertFalse(decodeRaw(tiny));
        assertEquals(SkipReason.BAD_IP_HEADER, out.skipReason());
    }

    @Test
    void ipv6BadVersionOnIpv6Link() {
        byte[] ip = ipv6(6, 64, tcp(DATA));
        ip[0] = 0x70;
        assertFalse(decoder.decode(frame(LT_IPV6, ip), out));
        assertEquals(SkipReason.BAD_IP_HEADER, out.skipReason());
    }

    @Test
    void ipv6JumbogramLengthTakenFromCapture() {
        // RFC 2675: payload length 0, hop-by-hop with the Jumbo Payload option (type 0xC2).
        byte[] hbh = bytes(6, 0, 0xC2, 4, 0, 0, 0, 0);
        byte[] seg = tcp(DATA);
        put32(hbh, 4, hbh.length + seg.length);
        byte[] ip = ipv6(0, 64, cat(hbh, seg));
        put16(ip, 4, 0);
        assertTrue(decodeRaw(ip));
        assertTrue(out.ipLengthInferred());
        assertArrayEquals(DATA, payloadOf(out));
        assertEquals(DATA.length, out.payloadWireLength());
    }

    @Test
    void ipv6TrailingBytesBeyondPayloadLengthIgnored() {
        byte[] ip = cat(ipv6(6, 64, tcp(DATA)), filled(9, 0x55));
        assertTrue(decodeRaw(ip));
        assertArrayEquals(DATA, payloadOf(out));
    }
}
