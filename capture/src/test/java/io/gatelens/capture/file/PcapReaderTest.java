package io.gatelens.capture.file;

import io.gatelens.capture.CaptureFormat;
import io.gatelens.capture.CaptureFormatException;
import io.gatelens.capture.CaptureInterface;
import io.gatelens.capture.Frame;
import io.gatelens.capture.PacketSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PcapReaderTest {
    private static final byte[] A = CaptureBytes.data(60, 1);
    private static final byte[] B = CaptureBytes.data(33, 2);

    /** Two records; the second cut by the snaplen (captured 33 of 1514). */
    private static byte[] twoRecords(boolean bigEndian, long magic) {
        CaptureBytes b = new CaptureBytes(bigEndian).pcapHeader(magic, 65535, 1);
        boolean nano = magic == 0xa1b23c4dL;
        b.pcapRecord(1_700_000_000L, nano ? 123_456_789L : 123_456L, A, 60);
        b.pcapRecord(1_700_000_001L, nano ? 999_999_999L : 999_999L, B, 1514);
        return b.toBytes();
    }

    @ParameterizedTest(name = "bigEndian={0} nano={1}")
    @CsvSource({"false,false", "true,false", "false,true", "true,true"})
    void readsEveryHeaderVariant(boolean bigEndian, boolean nano) throws IOException {
        byte[] file = twoRecords(bigEndian, nano ? 0xa1b23c4dL : 0xa1b2c3d4L);
        try (PacketSource s = Frames.open(file)) {
            assertEquals(nano ? CaptureFormat.PCAP_NANO : CaptureFormat.PCAP, s.format());
            assertEquals(List.of(new CaptureInterface(0, 1, 65535, "", "", "")), s.interfaces());
            List<Frames.Copy> frames = Frames.readAll(s);
            assertEquals(2, frames.size());
            Frames.Copy f1 = frames.get(0);
            assertEquals(1, f1.number());
            assertEquals(nano ? 1_700_000_000_123_456_789L : 1_700_000_000_123_456_000L, f1.epochNanos());
            assertEquals(0, f1.interfaceIndex());
            assertEquals(1, f1.linkTypeCode());
            assertEquals(60, f1.capturedLength());
            assertEquals(60, f1.originalLength());
            assertArrayEquals(A, f1.data());
            assertEquals(24, f1.fileOffset());
            Frames.Copy f2 = frames.get(1);
            assertEquals(2, f2.number());
            assertEquals(nano ? 1_700_000_001_999_999_999L : 1_700_000_001_999_999_000L, f2.epochNanos());
            assertEquals(33, f2.capturedLength());
            assertEquals(1514, f2.originalLength());
            assertArrayEquals(B, f2.data());
            assertEquals(24 + 16 + 60, f2.fileOffset());
        }
    }

    @Test
    void cutBySnaplenAndLinkTypeOnTheFrame() throws IOException {
        byte[] file = CaptureBytes.le().pcapHeader(0xa1b2c3d4L, 96, 113)
                .pcapRecord(5, 0, B, 1514).toBytes();
        try (PacketSource s = Frames.open(file)) {
            Frame f = new Frame();
            assertTrue(s.next(f));
            assertTrue(f.cutBySnaplen());
            assertEquals(io.gatelens.capture.LinkType.LINUX_SLL, f.linkType());
            assertEquals(5_000_000_000L, f.epochNanos());
            assertFalse(s.next(f));
            assertFalse(s.next(f), "stays at the end");
        }
    }

    @Test
    void fcsBitsInTheLinkTypeFieldAreMasked() throws IOException {
        // draft-ietf-opsawg-pcap: bit 26 says an FCS of (bits 28-31) * 2 bytes is present.
        long network = (2L << 28) | (1L << 26) | 1;
        byte[] file = CaptureBytes.le().pcapHeader(0xa1b2c3d4L, 65535, network).pcapRecord(1, 0, A, 60).toBytes();
        try (PacketSource s = Frames.open(file)) {
            assertEquals(1, s.interfaces().get(0).linkTypeCode());
            assertEquals(1, Frames.readAll(s).get(0).linkTypeCode());
        }
    }

    @Test
    void capturedLongerThanOriginalIsTolerated() throws IOException {
        byte[] file = CaptureBytes.le().pcapHeader(0xa1b2c3d4L, 65535, 1).pcapRecord(1, 0, A, 40).toBytes();
        try (PacketSource s = Frames.open(file)) {
            Frames.Copy f = Frames.readAll(s).get(0);
            assertEquals(60, f.capturedLength());
            assertEquals(40, f.originalLength());
        }
    }

    @Test
    void headerOnlyFileHasNoFrames() throws IOException {
        byte[] file = CaptureBytes.be().pcapHeader(0xa1b2c3d4L, 65535, 101).toBytes();
        try (PacketSource s = Frames.open(file)) {
            assertEquals(0, Frames.readAll(s).size());
            assertEquals(101, s.interfaces().get(0).linkTypeCode());
        }
    }

    @Test
    void fileCutInsideSecondRecordDataKeepsTheFirst() throws IOException {
        byte[] whole = twoRecords(false, 0xa1b2c3d4L);
        byte[] cut = Arrays.copyOf(whole, whole.length - 10);
        List<Frames.Copy> got = new ArrayList<>();
        CaptureFormatException e;
        try (PacketSource s = Frames.open(cut)) {
            e = assertThrows(CaptureFormatException.class, () -> Frames.readAll(s, got));
            assertFalse(s.next(new Frame()), "no frames after the failure");
        }
        assertEquals(1, got.size());
        assertEquals(2, e.frameNumber());
        assertEquals(100, e.byteOffset());
        assertEquals("test.cap", e.file());
        assertEquals("record cut: header says 33 captured bytes, the file ends after 23", e.problem());
        assertEquals("test.cap: frame 2, byte offset 100: " + e.problem(), e.getMessage());
    }

    @Test
    void fileCutInsideRecordHeader() throws IOException {
        byte[] whole = twoRecords(true, 0xa1b23c4dL);
        byte[] cut = Arrays.copyOf(whole, 100 + 5);
        List<Frames.Copy> got = new ArrayList<>();
        try (PacketSource s = Frames.open(cut)) {
            CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> Frames.readAll(s, got));
            assertEquals(2, e.frameNumber());
            assertEquals(100, e.byteOffset());
            assertEquals("record header cut after 5 of 16 bytes", e.problem());
        }
        assertEquals(1, got.size());
    }

    @Test
    void everyCutPointGivesSoundFramesThenOneClearError() throws IOException {
        byte[] whole = twoRecords(false, 0xa1b2c3d4L);
        for (int len = 25; len < whole.length; len++) {
            List<Frames.Copy> got = new ArrayList<>();
            byte[] cut = Arrays.copyOf(whole, len);
            try (PacketSource s = Frames.open(cut)) {
                if (len == 100) {
                    assertEquals(1, Frames.readAll(s, got).size(), "clean end between records");
                    continue;
                }
                CaptureFormatException e = assertThrows(CaptureFormatException.class,
                        () -> Frames.readAll(s, got), "length " + len);
                long expectedFrame = len < 100 ? 1 : 2;
                assertEquals(expectedFrame, e.frameNumber(), "length " + len);
                assertEquals(expectedFrame == 1 ? 24 : 100, e.byteOffset(), "length " + len);
                assertEquals(expectedFrame - 1, got.size());
            }
        }
    }

    @Test
    void recordLengthBeyondFile() throws IOException {
        byte[] file = CaptureBytes.le().pcapHeader(0xa1b2c3d4L, 65535, 1)
                .u32(1).u32(0).u32(5000).u32(5000).raw(A).toBytes();
        try (PacketSource s = Frames.open(file)) {
            CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> Frames.readAll(s));
            assertEquals(1, e.frameNumber());
            assertEquals(24, e.byteOffset());
            assertEquals("record cut: header says 5000 captured bytes, the file ends after 60", e.problem());
        }
    }

    @Test
    void recordLimitIsTheLargerOfSnaplenAnd262144() throws IOException {
        // At the limit the length is believed (and the file found cut); one past, it is garbage.
        for (long snaplen : new long[] {65535, 262144, 1_000_000}) {
            long limit = Math.max(snaplen, 262144);
            assertEquals("record cut: header says " + limit + " captured bytes, the file ends after 60",
                    failureFor(snaplen, limit).problem());
            CaptureFormatException e = failureFor(snaplen, limit + 1);
            assertEquals("absurdly large record: captured length " + (limit + 1) + " exceeds the limit of "
                    + limit + " bytes (snaplen " + snaplen + ")", e.problem());
            assertEquals(1, e.frameNumber());
            assertEquals(24, e.byteOffset());
        }
    }

    @Test
    void recordLimitNeverExceeds16MiB() throws IOException {
        long big = 0xffffffffL;
        CaptureFormatException e = failureFor(big, 16 * 1024 * 1024 + 1);
        assertTrue(e.problem().startsWith("absurdly large record: captured length 16777217 exceeds"
                + " the limit of 16777216 bytes"), e.problem());
        assertTrue(failureFor(big, 0xffffffffL).problem().startsWith("absurdly large"));
    }

    private static CaptureFormatException failureFor(long snaplen, long caplen) throws IOException {
        byte[] file = CaptureBytes.le().pcapHeader(0xa1b2c3d4L, snaplen, 1)
                .u32(1).u32(0).u32(caplen).u32(caplen).raw(A).toBytes();
        try (PacketSource s = Frames.open(file)) {
            return assertThrows(CaptureFormatException.class, () -> Frames.readAll(s));
        }
    }

    @Test
    void fileHeaderCut() {
        byte[] file = Arrays.copyOf(CaptureBytes.le().pcapHeader(0xa1b2c3d4L, 65535, 1).toBytes(), 10);
        CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> Frames.open(file));
        assertEquals(0, e.frameNumber());
        assertEquals(0, e.byteOffset());
        assertEquals("pcap file header cut after 10 of 24 bytes", e.problem());
        assertEquals("test.cap: byte offset 0: pcap file header cut after 10 of 24 bytes", e.getMessage());
    }

    @Test
    void unsupportedVersion() {
        byte[] file = CaptureBytes.le().u32(0xa1b2c3d4L).u16(1).u16(0).zeros(16).toBytes();
        CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> Frames.open(file));
        assertEquals("unsupported pcap version 1.0", e.problem());
    }
}
