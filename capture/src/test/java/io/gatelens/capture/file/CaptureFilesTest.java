package io.gatelens.capture.file;

import io.gatelens.capture.CaptureFormat;
import io.gatelens.capture.CaptureFormatException;
import io.gatelens.capture.PacketSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CaptureFilesTest {
    @TempDir
    Path dir;

    private static byte[] pcap() {
        return CaptureBytes.le().pcapHeader(0xa1b2c3d4L, 65535, 1)
                .pcapRecord(1, 2, CaptureBytes.data(60, 1), 60)
                .pcapRecord(3, 4, CaptureBytes.data(70, 2), 70).toBytes();
    }

    static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream z = new GZIPOutputStream(out)) {
            z.write(plain);
        }
        return out.toByteArray();
    }

    private Path write(String name, byte[] content) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, content);
        return p;
    }

    @Test
    void sniffsPcapAndPcapngWhateverTheName() throws IOException {
        try (PacketSource s = CaptureFiles.open(write("a.pcapng", pcap()))) {
            assertInstanceOf(PcapReader.class, s);
            assertEquals(2, Frames.readAll(s).size());
        }
        try (PacketSource s = CaptureFiles.open(write("b.pcap", PcapngReaderTest.multiSection()))) {
            assertInstanceOf(PcapngReader.class, s);
            assertEquals(CaptureFormat.PCAPNG, s.format());
            assertEquals(7, Frames.readAll(s).size());
        }
    }

    @Test
    void gzipIsDecompressedTransparently() throws IOException {
        for (byte[] plain : List.of(pcap(), PcapngReaderTest.multiSection())) {
            List<Frames.Copy> expected;
            try (PacketSource s = Frames.open(plain)) {
                expected = Frames.readAll(s);
            }
            Path p = write("c.gz", gzip(plain));
            try (PacketSource s = CaptureFiles.open(p)) {
                assertEquals(p.toString(), s.name());
                List<Frames.Copy> got = Frames.readAll(s);
                assertEquals(expected.size(), got.size());
                for (int i = 0; i < got.size(); i++) {
                    assertEquals(expected.get(i).epochNanos(), got.get(i).epochNanos());
                    assertEquals(expected.get(i).fileOffset(), got.get(i).fileOffset(),
                            "offsets count decompressed bytes");
                    assertTrue(Arrays.equals(expected.get(i).data(), got.get(i).data()));
                }
            }
        }
    }

    @Test
    void cutGzipReportsTheFrameAndTheCompressionProblem() throws IOException {
        byte[] plain = pcap();
        byte[] z = gzip(plain);
        Path p = write("cut.pcap.gz", Arrays.copyOf(z, z.length - 30));
        List<Frames.Copy> got = new ArrayList<>();
        try (PacketSource s = CaptureFiles.open(p)) {
            CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> Frames.readAll(s, got));
            assertTrue(e.getMessage().startsWith(p + ": frame "), e.getMessage());
            assertTrue(e.problem().contains("compressed data ends early or is corrupt"), e.problem());
            assertEquals(e.frameNumber() - 1, got.size());
        }
    }

    @Test
    void emptyFile() throws IOException {
        Path p = write("empty.pcap", new byte[0]);
        CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> CaptureFiles.open(p));
        assertEquals(p + ": byte offset 0: empty file", e.getMessage());
        assertEquals(0, e.frameNumber());
    }

    @Test
    void emptyGzip() throws IOException {
        Path p = write("empty.gz", gzip(new byte[0]));
        CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> CaptureFiles.open(p));
        assertEquals("empty file (after gzip decompression)", e.problem());
    }

    @Test
    void wrongMagic() throws IOException {
        Path p = write("page.pcap", "<html><body>".getBytes(StandardCharsets.US_ASCII));
        CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> CaptureFiles.open(p));
        assertEquals(p + ": byte offset 0: not a pcap or pcapng file (starts with 3c 68 74 6d)", e.getMessage());
    }

    @Test
    void wrongMagicInsideGzip() throws IOException {
        Path p = write("x.gz", gzip("hello".getBytes(StandardCharsets.US_ASCII)));
        CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> CaptureFiles.open(p));
        assertEquals("not a pcap or pcapng file (starts with 68 65 6c 6c after gzip decompression)", e.problem());
    }

    @Test
    void tooShortForAMagic() throws IOException {
        Path p = write("short", new byte[] {(byte) 0xd4, (byte) 0xc3});
        CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> CaptureFiles.open(p));
        assertEquals("not a pcap or pcapng file (starts with d4 c3)", e.problem());
    }

    @Test
    void pcapngMagicWithBadByteOrder() throws IOException {
        byte[] file = CaptureBytes.le().u32(0x0a0d0d0a).u32(28).u32(0x01020304).zeros(16).toBytes();
        CaptureFormatException e = assertThrows(CaptureFormatException.class,
                () -> CaptureFiles.open(write("bom.pcapng", file)));
        assertEquals(0, e.frameNumber());
        assertEquals(8, e.byteOffset());
        assertEquals("bad byte-order magic 04 03 02 01 in section header block", e.problem());
    }

    @Test
    void missingFileIsAnIoErrorNotAFormatError() {
        IOException e = assertThrows(IOException.class, () -> CaptureFiles.open(dir.resolve("nope.pcap")));
        assertTrue(!(e instanceof CaptureFormatException));
    }
}
