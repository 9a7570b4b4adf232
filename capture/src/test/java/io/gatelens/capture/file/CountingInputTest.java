package io.gatelens.capture.file;

import io.gatelens.capture.PacketSource;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Whatever the chunks the stream hands out and however small the buffer, the same frames. */
class CountingInputTest {
    /** Hands out at most {@code chunk} bytes per read, as pipes and inflaters may. */
    static InputStream trickle(byte[] data, int chunk) {
        return new ByteArrayInputStream(data) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, chunk));
            }
        };
    }

    @Test
    void everyChunkAndBufferSizeGivesTheSameFrames() throws IOException {
        byte[] pcapng = PcapngReaderTest.multiSection();
        byte[] pcap = KaitaiOracleTest.generatedCaptures().get("written-BIG_ENDIAN-nano.pcap");
        List<Frames.Copy> ng;
        List<Frames.Copy> classic;
        try (PacketSource s = Frames.open(pcapng)) {
            ng = Frames.readAll(s);
        }
        try (PacketSource s = Frames.open(pcap)) {
            classic = Frames.readAll(s);
        }
        for (int chunk = 1; chunk <= 9; chunk++) {
            for (int buffer : new int[] {4, 5, 16, 17, 64, 1000}) {
                String where = "chunk " + chunk + ", buffer " + buffer;
                try (PacketSource s = new PcapngReader(new CountingInput(trickle(pcapng, chunk), buffer), "t")) {
                    assertSame(ng, Frames.readAll(s), where);
                }
                try (PacketSource s = new PcapReader(new CountingInput(trickle(pcap, chunk), buffer), "t")) {
                    assertSame(classic, Frames.readAll(s), where);
                }
            }
        }
    }

    private static void assertSame(List<Frames.Copy> expected, List<Frames.Copy> got, String where) {
        assertEquals(expected.size(), got.size(), where);
        for (int i = 0; i < got.size(); i++) {
            Frames.Copy e = expected.get(i);
            Frames.Copy g = got.get(i);
            assertEquals(e.number(), g.number(), where);
            assertEquals(e.epochNanos(), g.epochNanos(), where);
            assertEquals(e.fileOffset(), g.fileOffset(), where);
            assertEquals(e.interfaceIndex(), g.interfaceIndex(), where);
            assertArrayEquals(e.data(), g.data(), where);
        }
    }

    @Test
    void positionPeekReadAndSkip() throws IOException {
        byte[] data = CaptureBytes.data(100, 9);
        CountingInput in = new CountingInput(trickle(data, 3), 8);
        assertEquals(4, in.peek(4));
        assertEquals(0, in.position(), "peek consumes nothing");
        assertEquals(data[0], in.peekBuffer()[in.peekOffset()]);
        byte[] dst = new byte[50];
        assertEquals(10, in.read(dst, 0, 10));
        assertEquals(10, in.position());
        assertEquals(data[9], dst[9]);
        assertEquals(30, in.skip(30));
        assertEquals(40, in.position());
        assertEquals(8, in.peek(8));
        assertEquals(data[40], in.peekBuffer()[in.peekOffset()]);
        assertEquals(50, in.read(dst, 0, 50), "larger than the buffer: read straight through");
        assertEquals(data[89], dst[49]);
        assertEquals(10, in.skip(1000), "short skip only at the end");
        assertEquals(100, in.position());
        assertEquals(0, in.read(dst, 0, 1));
        assertEquals(0, in.peek(4));
    }
}
