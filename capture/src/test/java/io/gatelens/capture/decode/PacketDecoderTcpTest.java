package io.gatelens.capture.decode;

import static io.gatelens.capture.decode.TestPackets.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class PacketDecoderTcpTest {
    private final PacketDecoder decoder = new PacketDecoder();
    private final DecodedPacket out = new DecodedPacket();

    private boolean decodeSegment(byte[] segment) {
        return decoder.decode(frame(LT_ETHERNET, ethernet(0x0800, ipv4(segment))), out);
    }

    private static byte[] synOptions() {
        return bytes(
                2, 4, 0x05, 0xb4,            // MSS 1460
                4, 2,                        // SACK permitted
                8, 10, 0x01, 0x02, 0x03, 0x04, 0xff, 0xff, 0xff, 0xfe, // TS 0x01020304 / 0xfffffffe
                1,                           // NOP
                3, 3, 7);                    // window scale 7
    }

    @Test
    void fixedFieldsIncludingHighSequenceNumbersAndAllFlags() {
        assertTrue(decodeSegment(tcp(65535, 1, 0xFFFFFFF0L, 0x80000001L, 0xFF, 0xFFFF, new byte[0], new byte[0])));
        assertEquals(65535, out.srcPort());
        assertEquals(1, out.dstPort());
        assertEquals(0xFFFFFFF0L, out.seq());
        assertEquals(0x80000001L, out.ack());
        assertEquals(0xFF, out.flags());
        assertTrue(out.syn() && out.fin() && out.rst() && out.ackFlag());
        assertEquals(DecodedPacket.FLAG_ECE | DecodedPacket.FLAG_CWR, out.flags() & 0xC0);
        assertEquals(0xFFFF, out.window());
        assertEquals(20, out.tcpHeaderLength());
        assertEquals(-1, out.mss());
        assertEquals(-1, out.windowScale());
        assertFalse(out.sackPermitted());
        assertFalse(out.hasTimestamps());
    }

    @Test
    void synOptions_mssWscaleSackPermittedTimestamps() {
        assertTrue(decodeSegment(tcp(1, 2, 0, 0, DecodedPacket.FLAG_SYN, 64240, synOptions(), new byte[0])));
        assertTrue(out.syn());
        assertFalse(out.ackFlag());
        assertEquals(40, out.tcpHeaderLength());
        assertEquals(1460, out.mss());
        assertEquals(7, out.windowScale());
        assertTrue(out.sackPermitted());
        assertTrue(out.hasTimestamps());
        assertEquals(0x01020304L, out.tsVal());
        assertEquals(0xfffffffeL, out.tsEcr());
    }

    @Test
    void sackBlocksOneToFour() {
        for (int n = 1; n <= 4; n++) {
            byte[] opt = new byte[2 + 8 * n + 2];
            opt[0] = 1;
            opt[1] = 1;
            opt[2] = 5;
            opt[3] = (byte) (2 + 8 * n);
            for (int k = 0; k < n; k++) {
                put32(opt, 4 + 8 * k, 0xF0000000L + 1000L * k);
                put32(opt, 8 + 8 * k, 0xF0000000L + 1000L * k + 500);
            }
            assertTrue(decodeSegment(tcp(1, 2, 5, 6, DecodedPacket.FLAG_ACK, 100, opt, new byte[0])));
            assertEquals(n, out.sackBlockCount());
            for (int k = 0; k < n; k++) {
                assertEquals(0xF0000000L + 1000L * k, out.sackLeft(k));
                assertEquals(0xF0000000L + 1000L * k + 500, out.sackRight(k));
            }
        }
    }

    @Test
    void sackWithTimestamps() {
        byte[] opt = bytes(1, 1, 8, 10, 0, 0, 0, 9, 0, 0, 0, 8,
                1, 1, 5, 10, 0, 0, 0x10, 0, 0, 0, 0x20, 0);
        assertTrue(decodeSegment(tcp(1, 2, 5, 6, DecodedPacket.FLAG_ACK, 100, opt, new byte[0])));
        assertEquals(9, out.tsVal());
        assertEquals(8, out.tsEcr());
        assertEquals(1, out.sackBlockCount());
        assertEquals(0x1000, out.sackLeft(0));
        assertEquals(0x2000, out.sackRight(0));
    }

    @Test
    void malformedOptionStopsParsingButKeepsThePacket() {
        // MSS, then an option of length 1 (impossible), then timestamps that must not be read.
        byte[] opt = bytes(2, 4, 0x02, 0x18, 0x22, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0);
        assertTrue(decodeSegment(tcp(1, 2, 5, 6, DecodedPacket.FLAG_ACK, 100, opt, ascii("x"))));
        assertEquals(536, out.mss());
        assertFalse(out.hasTimestamps());
        assertEquals(1, out.payloadLength());

        // Length running past the header end.
        byte[] overrun = bytes(3, 3, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0);
        assertTrue(decodeSegment(tcp(1, 2, 5, 6, DecodedPacket.FLAG_ACK, 100, overrun, new byte[0])));
        assertEquals(2, out.windowScale());
        assertFalse(out.hasTimestamps());

        // Known option with the wrong length.
        byte[] wrong = bytes(2, 5, 1, 1, 1, 3, 3, 4);
        assertTrue(decodeSegment(tcp(1, 2, 5, 6, DecodedPacket.FLAG_ACK, 100, wrong, new byte[0])));
        assertEquals(-1, out.mss());
        assertEquals(-1, out.windowScale());

        // SACK with a partial block.
        byte[] sack = bytes(5, 6, 0, 0, 0, 1, 0, 0);
        assertTrue(decodeSegment(tcp(1, 2, 5, 6, DecodedPacket.FLAG_ACK, 100, sack, new byte[0])));
        assertEquals(0, out.sackBlockCount());
    }

    @Test
    void unknownOptionSkippedAndEndOfListStops() {
        byte[] opt = bytes(30, 6, 9, 9, 9, 9, 2, 4, 0x01, 0x00, 0, 0, 3, 3, 9, 0);
        assertTrue(decodeSegment(tcp(1, 2, 5, 6, DecodedPacket.FLAG_ACK, 100, opt, new byte[0])));
        assertEquals(256, out.mss());
        assertEquals(-1, out.windowScale()); // after EOL
    }

    @Test
    void dataOffsetBelowFiveIsBad() {
        byte[] seg = tcp(ascii("abcdefgh"));
        seg[12] = 0x40;
        assertFalse(decodeSegment(seg));
        assertEquals(SkipReason.BAD_TCP_HEADER, out.skipReason());
    }

    @Test
    void dataOffsetBeyondSegmentIsBad() {
        byte[] seg = tcp(ascii("abcdefgh")); // 28 bytes
        seg[12] = (byte) 0x80; // claims 32
        assertFalse(decodeSegment(seg));
        assertEquals(SkipReason.BAD_TCP_HEADER, out.skipReason());
    }

    @Test
    void segmentShorterThanMinimumHeaderIsBad() {
        assertFalse(decodeSegment(filled(12, 0x50)));
        assertEquals(SkipReason.BAD_TCP_HEADER, out.skipReason());
    }

    @Test
    void snaplenCutInsideTcpHeader() {
        byte[] f = ethernet(0x0800, ipv4(tcp(1, 2, 0, 0, DecodedPacket.FLAG_SYN, 1, synOptions(), new byte[0])));
        int tcpStart = 14 + 20;
        // Cut in the fixed part: ports survive, the rest does not.
        assertFalse(decoder.decode(frame(LT_ETHERNET, f, tcpStart + 10), out));
        assertEquals(SkipReason.TRUNCATED_TCP_HEADER, out.skipReason());
        assertEquals(1, out.srcPort());
        assertEquals(2, out.dstPort());
        // Cut in the options.
        assertFalse(decoder.decode(frame(LT_ETHERNET, f, tcpStart + 39), out));
        assertEquals(SkipReason.TRUNCATED_TCP_HEADER, out.skipReason());
        assertEquals(40, out.tcpHeaderLength());
        // Whole header: decoded.
        assertTrue(decoder.decode(frame(LT_ETHERNET, f, tcpStart + 40), out));
        assertEquals(1460, out.mss());
    }

    @Test
    void snaplenCutInsidePayload() {
        byte[] data = filled(1000, 'a');
        byte[] f = ethernet(0x0800, ipv4(tcp(data)));
        assertTrue(decoder.decode(frame(LT_ETHERNET, f, 14 + 20 + 20 + 300), out));
        assertEquals(300, out.payloadLength());
        assertEquals(1000, out.payloadWireLength());
        assertTrue(out.payloadCut());
        assertEquals(LEAD + 54, out.payloadOffset());

        assertTrue(decoder.decode(frame(LT_ETHERNET, f), out));
        assertEquals(1000, out.payloadLength());
        assertFalse(out.payloadCut());
    }

    @Test
    void snaplenCutInsideIpv6Payload() {
        byte[] data = filled(700, 'z');
        byte[] f = ethernet(0x86DD, ipv6(60, 64, cat(ext8(6, 0), tcp(data))));
        assertTrue(decoder.decode(frame(LT_ETHERNET, f, 14 + 40 + 8 + 20 + 1), out));
        assertEquals(1, out.payloadLength());
        assertEquals(700, out.payloadWireLength());
        assertTrue(out.payloadCut());
    }
}
