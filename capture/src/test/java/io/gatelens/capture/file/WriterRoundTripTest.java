package io.gatelens.capture.file;

import io.gatelens.capture.CaptureFormat;
import io.gatelens.capture.CaptureInterface;
import io.gatelens.capture.Frame;
import io.gatelens.capture.PacketSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WriterRoundTripTest {
    private static final long T0 = 1_700_000_000_123_456_789L;

    @ParameterizedTest(name = "bigEndian={0} nanos={1}")
    @CsvSource({"false,false", "true,false", "false,true", "true,true"})
    void pcapWriterThenReader(boolean bigEndian, boolean nanos) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteOrder order = bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        try (PcapWriter w = new PcapWriter(out, order, 113, 262144, nanos)) {
            for (int i = 0; i < 50; i++) {
                byte[] d = CaptureBytes.data(i * 13 % 200, i);
                w.write(T0 + i * 1_000_001L, d, 0, d.length, d.length + i);
            }
        }
        byte[] file = out.toByteArray();
        // The header is in the chosen byte order: the magic's first byte tells.
        assertEquals(bigEndian ? (byte) 0xa1 : (nanos ? (byte) 0x4d : (byte) 0xd4), file[0]);
        try (PacketSource s = Frames.open(file)) {
            assertEquals(nanos ? CaptureFormat.PCAP_NANO : CaptureFormat.PCAP, s.format());
            assertEquals(new CaptureInterface(0, 113, 262144, "", "", ""), s.interfaces().get(0));
            List<Frames.Copy> frames = Frames.readAll(s);
            assertEquals(50, frames.size());
            for (int i = 0; i < 50; i++) {
                Frames.Copy f = frames.get(i);
                long t = T0 + i * 1_000_001L;
                assertEquals(nanos ? t : t / 1000 * 1000, f.epochNanos(), "microseconds truncate");
                assertArrayEquals(CaptureBytes.data(i * 13 % 200, i), f.data());
                assertEquals(f.capturedLength() + i, f.originalLength());
                assertEquals(113, f.linkTypeCode());
            }
        }
    }

    @Test
    void pcapWriterCopiesFrames() throws IOException {
        byte[] original = PcapngReaderTest.multiSection();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<Frames.Copy> expected = new ArrayList<>();
        try (PacketSource in = Frames.open(original); PcapWriter w = new PcapWriter(out, 1, 65535, true)) {
            Frame f = new Frame();
            while (in.next(f)) {
                expected.add(Frames.Copy.of(f));
                w.write(f);
            }
        }
        try (PacketSource s = Frames.open(out.toByteArray())) {
            List<Frames.Copy> got = Frames.readAll(s);
            assertEquals(expected.size(), got.size());
            for (int i = 0; i < got.size(); i++) {
                assertEquals(expected.get(i).epochNanos(), got.get(i).epochNanos());
                assertArrayEquals(expected.get(i).data(), got.get(i).data());
                assertEquals(expected.get(i).originalLength(), got.get(i).originalLength());
            }
        }
    }

    @ParameterizedTest(name = "bigEndian={0}")
    @CsvSource({"false", "true"})
    void pcapngWriterThenReader(boolean bigEndian) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteOrder order = bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        try (PcapngWriter w = new PcapngWriter(out, order)) {
            assertEquals(0, w.addInterface(1, 65535, "lo"));
            assertEquals(1, w.addInterface(276, 0, "any-ünïcode"));
            assertEquals(2, w.addInterface(101, 128, null));
            for (int i = 0; i < 30; i++) {
                byte[] d = CaptureBytes.data(i * 7 % 90, i);
                w.write(i % 3, T0 + i, d, 0, d.length, d.length + 1, i % 4 == 0 ? "note " + i : null);
            }
            w.flush();
            assertEquals(true, out.size() > 0, "flush pushes to the stream");
        }
        try (PcapngReader r = new PcapngReader(new ByteArrayInputStream(out.toByteArray()), "w")) {
            assertEquals(List.of(), r.interfaces(), "declared as they are read");
            Frame f = new Frame();
            for (int i = 0; i < 30; i++) {
                assertEquals(true, r.next(f));
                assertEquals(i + 1, f.number());
                assertEquals(i % 3, f.interfaceIndex());
                assertEquals(T0 + i, f.epochNanos(), "nanosecond resolution round-trips exactly");
                Frames.Copy c = Frames.Copy.of(f);
                assertArrayEquals(CaptureBytes.data(i * 7 % 90, i), c.data());
                assertEquals(c.capturedLength() + 1, f.originalLength());
                assertEquals(i % 4 == 0 ? "note " + i : null, r.lastComment());
            }
            assertEquals(false, r.next(f));
            assertEquals(List.of(new CaptureInterface(0, 1, 65535, "lo", "", ""),
                    new CaptureInterface(1, 276, 0, "any-ünïcode", "", ""),
                    new CaptureInterface(2, 101, 128, "", "", "")), r.interfaces());
        }
    }

    /**
     * The options an annotated copy needs: a section comment and the writing application, an
     * interface's description and filter, and several comments on one packet, read back by our
     * reader and by tshark/capinfos (the reader returns only the first packet comment; tshark
     * lists them all).
     */
    @ParameterizedTest(name = "bigEndian={0}")
    @CsvSource({"false", "true"})
    void pcapngWriterOptions(boolean bigEndian, @TempDir Path dir) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteOrder order = bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        try (PcapngWriter w = new PcapngWriter(out, order, "made by a test, ünïcode", "gatelens test")) {
            assertEquals(0, w.addInterface(1, 65535, "lo", "Loopback", "tcp port 80"));
            assertEquals(1, w.addInterface(276, 0, null, "", null));
            for (int i = 0; i < 6; i++) {
                byte[] d = CaptureBytes.data(20 + i, i);
                List<String> comments = switch (i % 3) {
                    case 0 -> List.of();
                    case 1 -> List.of("first " + i);
                    default -> List.of("first " + i, "second, with a comma", "");
                };
                w.writeWithComments(i % 2, T0 + i, d, 0, d.length, d.length + 3, comments);
            }
        }
        byte[] file = out.toByteArray();
        try (PcapngReader r = new PcapngReader(new ByteArrayInputStream(file), "w")) {
            Frame f = new Frame();
            for (int i = 0; i < 6; i++) {
                assertTrue(r.next(f));
                assertEquals(T0 + i, f.epochNanos());
                assertEquals(i % 2, f.interfaceIndex());
                assertArrayEquals(CaptureBytes.data(20 + i, i), Frames.Copy.of(f).data());
                assertEquals(i % 3 == 0 ? null : "first " + i, r.lastComment());
            }
            assertEquals(false, r.next(f));
            assertEquals(List.of(new CaptureInterface(0, 1, 65535, "lo", "Loopback", "tcp port 80"),
                    new CaptureInterface(1, 276, 0, "", "", "")), r.interfaces());
        }

        Tshark.require();
        Path p = dir.resolve("options.pcapng");
        Files.write(p, file);
        List<String[]> rows = Tshark.fields(p, "frame.number", "frame.comment", "frame.time_epoch", "frame.len");
        assertEquals(6, rows.size());
        for (int i = 0; i < 6; i++) {
            String expected = switch (i % 3) {
                case 0 -> "";
                case 1 -> "first " + i;
                default -> "first " + i + ",second, with a comma,";
            };
            assertEquals(expected, rows.get(i)[1], "frame " + (i + 1));
            assertEquals(T0 + i, TsharkGoldenTest.epochNanos(rows.get(i)[2]));
            assertEquals(20 + i + 3, Integer.parseInt(rows.get(i)[3]));
        }
        String info = Tshark.capinfos(p);
        assertTrue(info.contains("Capture comment:     made by a test, ünïcode"), info);
        assertTrue(info.contains("Capture application: gatelens test"), info);
        assertTrue(info.contains("Description = Loopback"), info);
        assertTrue(info.contains("Filter string = tcp port 80"), info);
    }

    @Test
    void writersRejectWhatTheFormatCannotHold() throws IOException {
        PcapWriter p = new PcapWriter(new ByteArrayOutputStream(), 1, 65535, false);
        assertThrows(IllegalArgumentException.class, () -> p.write(-1, new byte[0], 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> p.write(4_294_967_296L * 1_000_000_000L, new byte[0], 0, 0, 0));
        PcapngWriter n = new PcapngWriter(new ByteArrayOutputStream());
        assertThrows(IllegalArgumentException.class, () -> n.write(0, 0, new byte[0], 0, 0, 0));
    }
}
