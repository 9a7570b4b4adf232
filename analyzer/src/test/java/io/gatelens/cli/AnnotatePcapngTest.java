package io.gatelens.cli;

import io.gatelens.capture.CaptureInterface;
import io.gatelens.capture.Frame;
import io.gatelens.capture.PacketSource;
import io.gatelens.capture.file.CaptureFiles;
import io.gatelens.capture.file.PcapngReader;
import io.gatelens.capture.file.PcapngWriter;
import io.gatelens.detect.Cause;
import io.gatelens.finding.ClientResponse;
import io.gatelens.finding.Evidence;
import io.gatelens.finding.Finding;
import io.gatelens.report.FrameComments;
import io.gatelens.report.PcapngAnnotator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The copy pass of {@code annotate} on a pcapng built here with what the fixtures do not have:
 * two sections, four interfaces (one never used), a frame that already carries a comment, a frame
 * cut by the snaplen, and a custom block that Wireshark counts as a frame but is not a packet.
 */
class AnnotatePcapngTest {
    private static final long T0 = 1_795_426_189_649_924_123L;

    private static byte[] data(int length, int seed) {
        byte[] d = new byte[length];
        for (int i = 0; i < length; i++) d[i] = (byte) (seed * 31 + i * 7);
        return d;
    }

    /** Input frames 1, 2, (3: the custom block), 4, 5; interfaces 0 and 1 in section 1, 2 and 3 in section 2. */
    private static byte[] input() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PcapngWriter one = new PcapngWriter(bytes);
        one.addInterface(1, 65535, "eth0", "the first", "tcp port 80");
        one.addInterface(276, 262144, "any", null, null);
        one.write(1, T0, data(60, 1), 0, 60, 60, "written by the capturer");
        one.write(0, T0 + 1_000, data(100, 2), 0, 54, 100, (String) null);
        one.flush();
        // A custom block (0x00000BAD, with a private enterprise number and no data).
        bytes.write(ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt(0xBAD).putInt(16).putInt(32473)
                .putInt(16).array());
        one.write(0, T0 + 2_000, data(70, 4), 0, 70, 70, (String) null);
        one.close();
        PcapngWriter two = new PcapngWriter(bytes);
        two.addInterface(1, 1500, "eth1", null, null);
        two.addInterface(101, 0, "never used", null, null);
        two.write(0, T0 + 3_000_000_001L, data(80, 5), 0, 80, 80, (String) null);
        two.close();
        return bytes.toByteArray();
    }

    private static Finding finding(Cause cause, long clientFrame, long... frames) {
        List<Evidence> evidence = new ArrayList<>();
        for (long f : frames) evidence.add(new Evidence(f, T0, "frame " + f));
        return new Finding(cause, cause.severity(), "Something happened. More.", "", "GET /", "10.0.0.2:80", 0,
                evidence, T0, clientFrame < 0 ? null : new ClientResponse(502, 0, clientFrame, T0));
    }

    @Test
    void everyFrameIsCopiedWithItsInterfaceAndTheCommentsLandOnTheCitedPackets(@TempDir Path dir) throws IOException {
        Path in = Files.write(dir.resolve("in.pcapng"), input());
        FrameComments comments = new FrameComments();
        comments.finding(finding(Cause.RESET_BEFORE_RESPONSE, 2, 1, 4));
        comments.finding(finding(Cause.CONNECT_REFUSED, -1, 5));
        Path out = dir.resolve("out.pcapng");
        PcapngAnnotator.Result r;
        try (OutputStream os = Files.newOutputStream(out)) {
            r = PcapngAnnotator.copy(in, os, "the section comment", "gatelens test", comments.cursor(), null);
        }
        assertEquals(4, r.frames());
        assertEquals(4, r.comments());
        assertEquals(4, r.commentedFrames());
        assertNull(r.damage());
        assertEquals(4, r.firstRenumbered(), "input frame 4 is the copy's frame 3");
        assertEquals(-1, r.firstNegative());

        List<Frame> expected = new ArrayList<>();
        List<byte[]> expectedData = new ArrayList<>();
        List<CaptureInterface> inputInterfaces;
        try (PacketSource s = CaptureFiles.open(in)) {
            Frame f = new Frame();
            while (s.next(f)) {
                Frame c = new Frame();
                byte[] d = Arrays.copyOfRange(f.buffer(), f.offset(), f.offset() + f.capturedLength());
                c.set(f.number(), f.epochNanos(), f.interfaceIndex(), f.linkTypeCode(), d, 0, f.capturedLength(),
                        f.originalLength(), 0);
                expected.add(c);
                expectedData.add(d);
            }
            inputInterfaces = List.copyOf(s.interfaces());
        }
        assertEquals(List.of(1L, 2L, 4L, 5L), expected.stream().map(Frame::number).toList(), "our reader counts the block");
        String[] firstComments = {"written by the capturer", "gatelens: finding 1 reset_before_response (error): the client got 502 here",
                "gatelens: finding 1 reset_before_response (error): frame 4", "gatelens: finding 2 connect_refused (error): frame 5"};
        try (PcapngReader s = (PcapngReader) CaptureFiles.open(out)) {
            Frame f = new Frame();
            for (int i = 0; i < 4; i++) {
                assertTrue(s.next(f));
                Frame e = expected.get(i);
                assertEquals(i + 1, f.number());
                assertEquals(e.epochNanos(), f.epochNanos());
                assertEquals(e.interfaceIndex(), f.interfaceIndex());
                assertEquals(e.linkTypeCode(), f.linkTypeCode());
                assertEquals(e.capturedLength(), f.capturedLength());
                assertEquals(e.originalLength(), f.originalLength());
                assertArrayEquals(expectedData.get(i), Arrays.copyOfRange(f.buffer(), f.offset(), f.offset() + f.capturedLength()));
                assertTrue(s.lastComment().startsWith(firstComments[i]), s.lastComment());
            }
            assertFalse(s.next(f));
            assertEquals(1, s.sections());
            assertEquals(inputInterfaces, s.interfaces(), "all four, the unused one too, in order");
        }

        AnnotateTshark.require();
        List<AnnotateTshark.Row> rows = AnnotateTshark.frames(out, null, "frame.number", "frame.comment",
                "frame.time_epoch", "frame.len", "frame.cap_len", "frame.interface_name");
        assertEquals(4, rows.size());
        assertEquals(List.of("written by the capturer",
                        "gatelens: finding 1 reset_before_response (error): frame 1 \u2014 Something happened."),
                rows.get(0).all("frame.comment"));
        assertEquals(List.of("any", "eth0", "eth0", "eth1"),
                rows.stream().map(row -> row.one("frame.interface_name")).toList());
        for (int i = 0; i < 4; i++) {
            assertEquals(expected.get(i).epochNanos(), rows.get(i).epochNanos(), "to the nanosecond");
            assertEquals(expected.get(i).originalLength(), Integer.parseInt(rows.get(i).one("frame.len")));
            assertEquals(expected.get(i).capturedLength(), Integer.parseInt(rows.get(i).one("frame.cap_len")));
        }
        String info = AnnotateTshark.capinfos(out);
        assertTrue(info.contains("Capture comment:     the section comment"), info);
        assertTrue(info.contains("Capture application: gatelens test"), info);
        assertTrue(info.contains("Number of interfaces in file: 4"), info);
        assertTrue(info.contains("Filter string = tcp port 80"), info);
        assertTrue(info.contains("Description = the first"), info);
    }

    @Test
    void aDamagedInputIsCopiedUpToTheDamage(@TempDir Path dir) throws IOException {
        byte[] whole = input();
        // Cut inside the last packet block's data.
        Path in = Files.write(dir.resolve("cut.pcapng"), Arrays.copyOf(whole, whole.length - 40));
        FrameComments comments = new FrameComments();
        comments.finding(finding(Cause.CONNECT_REFUSED, -1, 4, 5));
        Path out = dir.resolve("out.pcapng");
        PcapngAnnotator.Result r;
        try (OutputStream os = Files.newOutputStream(out)) {
            r = PcapngAnnotator.copy(in, os, null, null, comments.cursor(), null);
        }
        assertEquals(3, r.frames());
        assertEquals(1, r.comments(), "frame 5 is lost to the damage");
        assertNotNull(r.damage());
        assertEquals(5, r.damage().frameNumber());
        try (PacketSource s = CaptureFiles.open(out)) {
            int n = 0;
            Frame f = new Frame();
            while (s.next(f)) n++;
            assertEquals(3, n);
            assertEquals(4, s.interfaces().size(), "the second section's interfaces were read before the damage");
        }
    }

    @Test
    void aPcapInputGetsOneInterfaceWithoutAName(@TempDir Path dir) throws IOException {
        Path in = dir.resolve("in.pcap");
        try (OutputStream os = Files.newOutputStream(in);
             io.gatelens.capture.file.PcapWriter w = new io.gatelens.capture.file.PcapWriter(os, 113, 9000, true)) {
            w.write(T0, data(40, 1), 0, 40, 40);
            w.write(T0 + 7, data(40, 2), 0, 20, 40);
        }
        Path out = dir.resolve("out.pcapng");
        try (OutputStream os = Files.newOutputStream(out)) {
            PcapngAnnotator.copy(in, os, null, null, new FrameComments().cursor(), null);
        }
        try (PcapngReader s = (PcapngReader) CaptureFiles.open(out)) {
            Frame f = new Frame();
            assertTrue(s.next(f));
            assertTrue(s.next(f));
            assertEquals(T0 + 7, f.epochNanos());
            assertEquals(20, f.capturedLength());
            assertEquals(40, f.originalLength());
            assertNull(s.lastComment());
            assertFalse(s.next(f));
            assertEquals(List.of(new CaptureInterface(0, 113, 9000, "", "", "")), s.interfaces());
        }
    }
}
