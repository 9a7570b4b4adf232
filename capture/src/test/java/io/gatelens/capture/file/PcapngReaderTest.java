package io.gatelens.capture.file;

import io.gatelens.capture.CaptureFormat;
import io.gatelens.capture.CaptureFormatException;
import io.gatelens.capture.CaptureInterface;
import io.gatelens.capture.Frame;
import io.gatelens.capture.PacketSource;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PcapngReaderTest {
    static final byte[] D1 = CaptureBytes.data(60, 1);
    static final byte[] D2 = CaptureBytes.data(41, 2);
    static final byte[] D3 = CaptureBytes.data(64, 3);
    static final byte[] D4 = CaptureBytes.data(10, 4);
    static final byte[] D5 = CaptureBytes.data(7, 5);

    /**
     * Section 1, little-endian: interface 0 Ethernet (microseconds, with name, description and
     * filter), interface 1 raw IP (nanoseconds); an EPB on each, then blocks to skip. Section 2,
     * big-endian: interface 0 (file-wide 2) Linux SLL at 2^-20 s with a 1000 s offset and a
     * snaplen of 64, interface 1 (file-wide 3) SLL2 in milliseconds; a Packet Block, two Simple
     * Packet Blocks and an EPB.
     */
    static byte[] multiSection() {
        CaptureBytes s1 = CaptureBytes.le();
        s1.shb();
        s1.idb(1, 65535, s1.option(2, "eth0"), s1.option(3, "uplink"),
                s1.option(11, "\0tcp port 80"));
        s1.idb(101, 0, s1.optionU8(9, 9));
        s1.epb(1, 1_700_000_000_987_654_321L, D1, 60);
        s1.block(4, s1.sub().u16(1).u16(4).raw(127, 0, 0, 1).u16(0).u16(0).toBytes()); // NRB
        s1.epb(0, 1_700_000_000_123_456L, D2, 1500, s1.option(1, "retransmission?"));
        s1.block(5, s1.sub().u32(0).u32(0).u32(0).toBytes()); // ISB
        s1.block(0x40000bad, new byte[20]); // custom block: Wireshark gives it frame number 3
        CaptureBytes s2 = CaptureBytes.be();
        s2.shb();
        s2.idb(113, 64, s2.optionU8(9, 0x80 | 20), s2.optionS64(14, 1000));
        s2.idb(276, 262144, s2.optionU8(9, 3), s2.option(2, "any"));
        s2.pb(0, 7, (1_700_000_000L << 20) | (1L << 19), D3, 100);
        s2.spb(100, D3);
        s2.spb(10, D4);
        s2.epb(1, 1_700_000_000_123L, D5, 7);
        s2.epb(0, (1_700_000_000L << 20) | 1, D5, 7);
        return concat(s1.toBytes(), s2.toBytes());
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Test
    void readsSectionsInterfacesAndEveryPacketBlockType() throws IOException {
        byte[] file = multiSection();
        List<Frames.Copy> frames = new ArrayList<>();
        List<String> comments = new ArrayList<>();
        try (PcapngReader r = new PcapngReader(new ByteArrayInputStream(file), "t.pcapng")) {
            assertEquals(CaptureFormat.PCAPNG, r.format());
            Frame f = new Frame();
            while (r.next(f)) {
                frames.add(Frames.Copy.of(f));
                comments.add(r.lastComment());
            }
            assertEquals(2, r.sections());
            assertEquals(List.of(
                    new CaptureInterface(0, 1, 65535, "eth0", "uplink", "tcp port 80"),
                    new CaptureInterface(1, 101, 0, "", "", ""),
                    new CaptureInterface(2, 113, 64, "", "", ""),
                    new CaptureInterface(3, 276, 262144, "any", "", "")), r.interfaces());
        }
        assertEquals(7, frames.size());
        assertEquals(List.of(1L, 2L, 4L, 5L, 6L, 7L, 8L), frames.stream().map(Frames.Copy::number).toList());
        expect(frames.get(0), 1, 101, 1_700_000_000_987_654_321L, D1, 60);
        expect(frames.get(1), 0, 1, 1_700_000_000_123_456_000L, D2, 1500);
        // 2^-19 s past the second at 2^-20 s resolution: half a second; plus 1000 s offset.
        expect(frames.get(2), 2, 113, 1_700_001_000_500_000_000L, D3, 100);
        // Simple Packet Blocks: interface 0 of the section, no timestamp, cut to the snaplen (64).
        expect(frames.get(3), 2, 113, 0, D3, 100);
        expect(frames.get(4), 2, 113, 0, D4, 10);
        expect(frames.get(5), 3, 276, 1_700_000_000_123_000_000L, D5, 7);
        // One tick of 2^-20 s is 953.67431640625 ns: rounded down.
        expect(frames.get(6), 2, 113, 1_700_001_000_000_000_953L, D5, 7);
        assertEquals(Arrays.asList(null, "retransmission?", null, null, null, null, null), comments);
        // Offsets: SHB 28; IDB0 = 16 fixed + options 8 (name) + 12 (description) + 16 (filter)
        // + 4 (end); IDB1 = 16 + 8 (tsresol) + 4.
        assertEquals(28 + 60 + 32, frames.get(0).fileOffset());
    }

    private static void expect(Frames.Copy f, int iface, int linkType, long nanos, byte[] data, int orig) {
        assertEquals(iface, f.interfaceIndex(), "interface of frame " + f.number());
        assertEquals(linkType, f.linkTypeCode(), "link type of frame " + f.number());
        assertEquals(nanos, f.epochNanos(), "time of frame " + f.number());
        assertArrayEquals(data, f.data(), "data of frame " + f.number());
        assertEquals(data.length, f.capturedLength());
        assertEquals(orig, f.originalLength(), "original length of frame " + f.number());
    }

    @Test
    void blocksWiresharkNumbersAsFramesUseUpAFrameNumber() throws IOException {
        CaptureBytes b = start().epb(0, 1, D4, 10);
        b.block(9, "MESSAGE=x\n\0\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII)); // journal export
        b.epb(0, 2, D4, 10);
        b.block(0xbad, new byte[8]).block(0x40000bad, new byte[8]).block(0x204, new byte[28]);
        b.block(0x216, new byte[28]).block(0x221, new byte[28]);
        b.epb(0, 3, D4, 10);
        // Not numbered: statistics, decryption secrets, name resolution, unknown, sysdig 0x208.
        b.block(5, new byte[12]).block(10, new byte[8]).block(4, new byte[4]).block(0x80000001, new byte[4]);
        b.block(0x208, new byte[28]);
        b.epb(0, 4, D4, 10);
        try (PacketSource s = Frames.open(b.toBytes())) {
            assertEquals(List.of(1L, 3L, 9L, 10L), Frames.readAll(s).stream().map(Frames.Copy::number).toList());
        }
    }

    @Test
    void simplePacketLongerThanSnaplenIsCut() throws IOException {
        // The block carries 64 bytes, but the interface's snaplen is 20.
        CaptureBytes b = CaptureBytes.le().shb();
        b.idb(1, 20).spb(64, D3);
        try (PacketSource s = Frames.open(b.toBytes())) {
            Frames.Copy f = Frames.readAll(s).get(0);
            assertEquals(20, f.capturedLength());
            assertEquals(64, f.originalLength());
            assertArrayEquals(Arrays.copyOf(D3, 20), f.data());
        }
    }

    @Test
    void defaultResolutionIsMicroseconds() throws IOException {
        CaptureBytes b = CaptureBytes.be().shb();
        b.idb(1, 0).epb(0, 1_000_001L, D4, 10);
        try (PacketSource s = Frames.open(b.toBytes())) {
            assertEquals(1_000_001_000L, Frames.readAll(s).get(0).epochNanos());
        }
    }

    @Test
    void negativeOffsetMovesBeforeTheTimestamp() throws IOException {
        CaptureBytes b = CaptureBytes.le().shb();
        b.idb(1, 0, b.optionU8(9, 9), b.optionS64(14, -10)).epb(0, 5_000_000_000L, D4, 10);
        try (PacketSource s = Frames.open(b.toBytes())) {
            assertEquals(-5_000_000_000L, Frames.readAll(s).get(0).epochNanos());
        }
    }

    // ---- bad input ----

    /** Section header (28) + one IDB (20) = where the first packet block starts. */
    private static final int FIRST_BLOCK = 28 + 20;

    private static CaptureBytes start() {
        return CaptureBytes.le().shb().idb(1, 0);
    }

    private static CaptureFormatException failure(byte[] file, int framesBefore) throws IOException {
        List<Frames.Copy> got = new ArrayList<>();
        try (PacketSource s = Frames.open(file)) {
            CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> Frames.readAll(s, got));
            assertFalse(s.next(new Frame()), "nothing after a failure");
            assertEquals(framesBefore, got.size(), "frames delivered before the failure");
            return e;
        }
    }

    @Test
    void leadingAndTrailingLengthDisagree() throws IOException {
        CaptureBytes b = start().epb(0, 1, D1, 60);
        byte[] body = b.epbBody(0, 2, D2, 41);
        b.block(6, body, 12 + body.length, 12 + body.length + 4);
        CaptureFormatException e = failure(b.toBytes(), 1);
        assertEquals(2, e.frameNumber());
        assertEquals(FIRST_BLOCK + 32 + 60, e.byteOffset());
        assertEquals("block total length mismatch: leading 76, trailing 80", e.problem());
    }

    @Test
    void skippedBlockWithDisagreeingLengths() throws IOException {
        CaptureBytes b = start().block(0x40000bad, new byte[8], 20, 24).epb(0, 1, D1, 60);
        CaptureFormatException e = failure(b.toBytes(), 0);
        assertEquals(1, e.frameNumber());
        assertEquals(FIRST_BLOCK, e.byteOffset());
        assertEquals("block total length mismatch: leading 20, trailing 24", e.problem());
    }

    @Test
    void blockLengthNotAMultipleOfFour() throws IOException {
        CaptureBytes b = start().epb(0, 1, D1, 60);
        b.u32(6).u32(30).zeros(22);
        CaptureFormatException e = failure(b.toBytes(), 1);
        assertEquals(2, e.frameNumber());
        assertEquals(FIRST_BLOCK + 92, e.byteOffset());
        assertEquals("bad block total length 30 (not a multiple of 4)", e.problem());
    }

    @Test
    void blockLengthBelowTwelve() throws IOException {
        CaptureBytes b = start().u32(6).u32(8);
        CaptureFormatException e = failure(b.toBytes(), 0);
        assertEquals(1, e.frameNumber());
        assertEquals(FIRST_BLOCK, e.byteOffset());
        assertEquals("bad block total length 8 (less than 12)", e.problem());
    }

    @Test
    void blockRunsPastTheEndOfTheFile() throws IOException {
        byte[] whole = start().epb(0, 1, D1, 60).epb(0, 2, D2, 41).toBytes();
        byte[] cut = Arrays.copyOf(whole, whole.length - 6);
        CaptureFormatException e = failure(cut, 1);
        assertEquals(2, e.frameNumber());
        assertEquals(FIRST_BLOCK + 92, e.byteOffset());
        assertEquals("block of type 6 and 76 bytes runs past the end of the file (70 bytes left)", e.problem());
    }

    @Test
    void skippedBlockRunsPastTheEndOfTheFile() throws IOException {
        byte[] file = start().epb(0, 1, D1, 60).u32(5).u32(1000).zeros(40).toBytes();
        CaptureFormatException e = failure(file, 1);
        assertEquals(2, e.frameNumber());
        assertEquals(FIRST_BLOCK + 92, e.byteOffset());
        assertEquals("block of type 5 and 1000 bytes runs past the end of the file (48 bytes left)", e.problem());
    }

    @Test
    void everyCutPointGivesSoundFramesThenOneClearError() throws IOException {
        byte[] whole = start().epb(0, 1, D1, 60).epb(0, 2, D2, 41).toBytes();
        int second = FIRST_BLOCK + 92;
        for (int len = FIRST_BLOCK + 1; len < whole.length; len++) {
            if (len == second) {
                continue;
            }
            CaptureFormatException e = failure(Arrays.copyOf(whole, len), len < second ? 0 : 1);
            assertEquals(len < second ? FIRST_BLOCK : second, e.byteOffset(), "length " + len);
            assertEquals(len < second ? 1 : 2, e.frameNumber(), "length " + len);
        }
    }

    @Test
    void packetForAnUndeclaredInterface() throws IOException {
        CaptureFormatException e = failure(start().epb(0, 1, D1, 60).epb(1, 2, D2, 41).toBytes(), 1);
        assertEquals(2, e.frameNumber());
        assertEquals(FIRST_BLOCK + 92, e.byteOffset());
        assertEquals("packet refers to interface 1 but its section declares 1 interface", e.problem());
    }

    @Test
    void interfaceIdsRestartInEverySection() throws IOException {
        // Three interfaces in the file, but the second section declares only one.
        CaptureBytes s1 = CaptureBytes.le().shb().idb(1, 0).idb(1, 0).epb(1, 1, D1, 60);
        CaptureBytes s2 = CaptureBytes.le().shb().idb(101, 0).epb(0, 1, D4, 10).epb(1, 1, D4, 10);
        byte[] file = concat(s1.toBytes(), s2.toBytes());
        List<Frames.Copy> got = new ArrayList<>();
        try (PacketSource s = Frames.open(file)) {
            CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> Frames.readAll(s, got));
            assertEquals("packet refers to interface 1 but its section declares 1 interface", e.problem());
            assertEquals(3, e.frameNumber());
        }
        assertEquals(2, got.size());
        assertEquals(1, got.get(0).interfaceIndex());
        assertEquals(2, got.get(1).interfaceIndex());
        assertEquals(101, got.get(1).linkTypeCode());
    }

    @Test
    void simplePacketWithoutAnInterface() throws IOException {
        CaptureFormatException e = failure(CaptureBytes.le().shb().spb(10, D4).toBytes(), 0);
        assertEquals("packet refers to interface 0 but its section declares 0 interfaces", e.problem());
        assertEquals(28, e.byteOffset());
    }

    @Test
    void capturedLengthPastTheBlock() throws IOException {
        CaptureBytes b = start();
        byte[] body = b.epbBody(0, 1, D1, 60);
        body[12] = 61; // captured length (little-endian low byte): 61 > 60 bytes of data
        b.block(6, body);
        CaptureFormatException e = failure(b.toBytes(), 0);
        assertEquals("captured length 61 runs past the end of its block (60 bytes of packet data and options)",
                e.problem());
    }

    @Test
    void optionRunningPastItsBlock() throws IOException {
        CaptureBytes b = CaptureBytes.le().shb();
        b.block(1, b.sub().u16(1).u16(0).u32(0).u16(2).u16(40).raw(0x65, 0x74, 0x68, 0x30).toBytes());
        CaptureFormatException e = failure(b.toBytes(), 0);
        assertEquals("interface option 2 of 40 bytes runs past the end of its block", e.problem());
        assertEquals(28, e.byteOffset());
    }

    @Test
    void absurdlyLargeBlock() throws IOException {
        CaptureBytes b = start().u32(6).u32(PcapngReader.MAX_BLOCK_LENGTH + 4).zeros(64);
        CaptureFormatException e = failure(b.toBytes(), 0);
        assertTrue(e.problem().startsWith("absurdly large block: type 6, total length "
                + (PcapngReader.MAX_BLOCK_LENGTH + 4)), e.problem());
        // Unknown blocks are skipped, not held in memory, so they may be large: the file just ends.
        CaptureBytes u = start().u32(0x40000bad).u32(PcapngReader.MAX_BLOCK_LENGTH + 4).zeros(64);
        assertTrue(failure(u.toBytes(), 0).problem().contains("runs past the end of the file"));
    }

    @Test
    void badByteOrderMagicInALaterSection() throws IOException {
        byte[] file = concat(start().epb(0, 1, D1, 60).toBytes(),
                CaptureBytes.le().u32(0x0a0d0d0a).u32(28).u32(0x11223344).zeros(16).toBytes());
        CaptureFormatException e = failure(file, 1);
        assertEquals(FIRST_BLOCK + 92 + 8, e.byteOffset());
        assertEquals("bad byte-order magic 44 33 22 11 in section header block", e.problem());
    }

    @Test
    void timestampBeyondTheLongRange() throws IOException {
        CaptureBytes b = CaptureBytes.le().shb();
        b.idb(1, 0, b.optionU8(9, 9)).epb(0, -1L, D4, 10);
        CaptureFormatException e = failure(b.toBytes(), 0);
        assertEquals("timestamp 18446744073709551615 (if_tsresol 9) is out of range for nanoseconds since 1970",
                e.problem());
    }

    @Test
    void bufferOnlyGrowsToTheLargestBlock() throws IOException {
        byte[] file = start().epb(0, 1, CaptureBytes.data(200, 1), 200).epb(0, 1, D4, 10).toBytes();
        try (PcapngReader r = new PcapngReader(new ByteArrayInputStream(file), "t")) {
            Frame f = new Frame();
            assertTrue(r.next(f));
            assertEquals(200 + 24, r.bufferCapacity(), "EPB minus type and length");
            assertTrue(r.next(f));
            assertEquals(200 + 24, r.bufferCapacity());
            assertNull(r.lastComment());
        }
    }
}
