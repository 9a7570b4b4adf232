package io.gatelens.capture.file;

import io.gatelens.capture.CaptureFormatException;
import io.gatelens.capture.PacketSource;
import io.gatelens.capture.kaitai.Pcap;
import io.gatelens.capture.kaitai.Pcapng;
import io.kaitai.struct.ByteBufferKaitaiStream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The parsers generated from src/main/kaitai/*.ksy are the oracle: on every generated capture,
 * and on every real one under fixtures/captures when present, they and the hand-written readers
 * must see the same frames.
 */
class KaitaiOracleTest {
    private static final BigInteger BILLION = BigInteger.valueOf(1_000_000_000L);

    /** What the oracle sees of a frame (file-wide interface index, like the reader). */
    record Expected(long number, long epochNanos, int interfaceIndex, int linkType, int capturedLength,
                    int originalLength, byte[] data) {}

    static Map<String, byte[]> generatedCaptures() throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("multi-section.pcapng", PcapngReaderTest.multiSection());
        for (ByteOrder order : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
            for (boolean nanos : new boolean[] {false, true}) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                try (PcapWriter w = new PcapWriter(out, order, 1, 65535, nanos)) {
                    for (int i = 0; i < 40; i++) {
                        byte[] d = CaptureBytes.data(14 + i * 11 % 300, i);
                        w.write(1_700_000_000_000_000_000L + i * 123_456_789L, d, 0, d.length, d.length + i % 3);
                    }
                }
                files.put("written-" + order + (nanos ? "-nano" : "-micro") + ".pcap", out.toByteArray());
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (PcapngWriter w = new PcapngWriter(out, order)) {
                w.addInterface(1, 65535, "eth0");
                w.addInterface(113, 262144, "any");
                for (int i = 0; i < 40; i++) {
                    byte[] d = CaptureBytes.data(i * 17 % 200, i);
                    w.write(i % 2, 1_700_000_000_000_000_000L + i * 987_654_321L, d, 0, d.length, d.length,
                            i % 5 == 0 ? "c" + i : null);
                }
            }
            files.put("written-" + order + ".pcapng", out.toByteArray());
        }
        for (FileFormat format : FileFormat.values()) {
            for (boolean nanos : new boolean[] {false, true}) {
                files.put("capture-writer-" + (nanos ? "nano" : "micro") + "." + format.name().toLowerCase(),
                        CaptureFileWriterTest.written(format, nanos));
            }
        }
        return files;
    }

    static List<Path> realCaptures() throws IOException {
        Path root = Path.of("").toAbsolutePath();
        Path dir = null;
        for (Path p = root; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("fixtures"))) {
                dir = p.resolve("fixtures/captures");
                break;
            }
        }
        if (dir == null || !Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().matches(".*\\.(pcap|pcapng|cap)(\\.gz)?$"))
                    .sorted().toList();
        }
    }

    static byte[] decompressed(byte[] file) throws IOException {
        if (file.length >= 2 && (file[0] & 0xff) == 0x1f && (file[1] & 0xff) == 0x8b) {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(file))) {
                return in.readAllBytes();
            }
        }
        return file;
    }

    @TestFactory
    Stream<DynamicTest> generatedCapturesAgree() throws IOException {
        return generatedCaptures().entrySet().stream()
                .map(e -> DynamicTest.dynamicTest(e.getKey(), () -> assertAgree(e.getKey(), e.getValue())));
    }

    @TestFactory
    Stream<DynamicTest> testResourceCapturesAgree() {
        // Written by tcpdump, dumpcap, editcap and mergecap (see TsharkGoldenTest).
        return TsharkGoldenTest.CAPTURES.stream()
                .map(n -> DynamicTest.dynamicTest(n, () -> assertAgree(n, TsharkGoldenTest.resource(n))));
    }

    @TestFactory
    Stream<DynamicTest> realCapturesAgree() throws IOException {
        // fixtures/captures may not exist yet; generatedCapturesAgree always runs.
        return realCaptures().stream()
                .map(p -> DynamicTest.dynamicTest(p.toString(), () -> assertAgree(p.toString(), Files.readAllBytes(p))));
    }

    @Test
    void aCutFileIsRejectedByBoth() throws IOException {
        byte[] whole = PcapngReaderTest.multiSection();
        byte[] cut = Arrays.copyOf(whole, whole.length - 5);
        assertThrows(RuntimeException.class, () -> oracle(cut));
        assertAgree("cut.pcapng", cut);
    }

    @Test
    void oracleSeesTheMultiSectionFileAsBuilt() throws IOException {
        // Guards the oracle itself: it must not agree with the reader by both being empty.
        List<Expected> frames = oracle(PcapngReaderTest.multiSection());
        assertEquals(7, frames.size());
        assertEquals(1_700_001_000_000_000_953L, frames.get(6).epochNanos());
        assertEquals(3, frames.get(5).interfaceIndex());
    }

    static void assertAgree(String name, byte[] file) throws IOException {
        List<Expected> expected;
        try {
            expected = oracle(decompressed(file));
        } catch (RuntimeException kaitaiRejects) {
            // A cut or corrupt capture (a fixture may be one on purpose): the oracle parses all or
            // nothing, so agreement means the reader rejects it too, with a format error.
            try (PacketSource s = CaptureFiles.open(new ByteArrayInputStream(file), name)) {
                assertThrows(CaptureFormatException.class, () -> Frames.readAll(s),
                        name + ": Kaitai rejects it (" + kaitaiRejects + ") but the reader does not");
            } catch (CaptureFormatException headerRejected) {
                // Rejected already at the file header: agreement as well.
            }
            return;
        }
        List<Frames.Copy> got;
        try (PacketSource s = CaptureFiles.open(new ByteArrayInputStream(file), name)) {
            got = Frames.readAll(s);
        }
        assertEquals(expected.size(), got.size(), name + ": frame count");
        for (int i = 0; i < got.size(); i++) {
            Expected e = expected.get(i);
            Frames.Copy g = got.get(i);
            String where = name + " frame " + (i + 1);
            assertEquals(e.number(), g.number(), where + ": number");
            assertEquals(e.epochNanos(), g.epochNanos(), where + ": time");
            assertEquals(e.interfaceIndex(), g.interfaceIndex(), where + ": interface");
            assertEquals(e.linkType(), g.linkTypeCode(), where + ": link type");
            assertEquals(e.capturedLength(), g.capturedLength(), where + ": captured length");
            assertEquals(e.originalLength(), g.originalLength(), where + ": original length");
            assertArrayEquals(e.data(), g.data(), where + ": bytes");
        }
    }

    static List<Expected> oracle(byte[] file) {
        boolean pcapng = file.length >= 4 && file[0] == 0x0a && file[1] == 0x0d && file[2] == 0x0d && file[3] == 0x0a;
        return pcapng ? oraclePcapng(file) : oraclePcap(file);
    }

    private static List<Expected> oraclePcap(byte[] file) {
        Pcap pcap = new Pcap(new ByteBufferKaitaiStream(file));
        List<Expected> out = new ArrayList<>();
        boolean nano = pcap.isNano();
        int linkType = pcap.body().linkType();
        for (Pcap.Record r : pcap.body().records()) {
            long nanos = r.tsSec() * 1_000_000_000L + (nano ? r.tsFrac() : r.tsFrac() * 1000);
            out.add(new Expected(out.size() + 1, nanos, 0, linkType, (int) r.lenData(), (int) r.origLen(), r.data()));
        }
        return out;
    }

    /**
     * Block types tshark 4.0 shows as frames of their own (custom, systemd journal export, sysdig
     * events), found by feeding it each type; their numbers are used up.
     */
    private static final java.util.Set<Integer> WIRESHARK_NUMBERED =
            java.util.Set.of(0x00000bad, 0x40000bad, 9, 0x204, 0x216, 0x221);

    private record Iface(int linkType, long snaplen, int tsresol, long tsoffset) {}

    private static List<Expected> oraclePcapng(byte[] file) {
        Pcapng ng = new Pcapng(new ByteBufferKaitaiStream(file));
        List<Expected> out = new ArrayList<>();
        List<Iface> all = new ArrayList<>();
        long number = 0;
        for (Pcapng.Section section : ng.sections()) {
            int first = all.size();
            ByteOrder order = section.isLe() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
            List<Pcapng.Block> blocks = section.body().blocks();
            for (Pcapng.Block b : blocks == null ? List.<Pcapng.Block>of() : blocks) {
                Object body = b.body();
                if (body instanceof Pcapng.InterfaceDescription idb) {
                    int tsresol = 6;
                    long tsoffset = 0;
                    for (Pcapng.Option o : idb.options().entries()) {
                        if (o.code() == 0) {
                            break;
                        }
                        if (o.code() == 9) {
                            tsresol = o.value()[0] & 0xff;
                        } else if (o.code() == 14) {
                            tsoffset = ByteBuffer.wrap(o.value()).order(order).getLong();
                        }
                    }
                    all.add(new Iface(idb.linkType(), idb.snaplen(), tsresol, tsoffset));
                } else if (body instanceof Pcapng.EnhancedPacket p) {
                    int index = first + (int) p.interfaceId();
                    Iface i = all.get(index);
                    out.add(new Expected(++number, nanos(i, p.tsHigh(), p.tsLow()), index, i.linkType(),
                            (int) p.lenData(), (int) p.originalLen(), p.data()));
                } else if (body instanceof Pcapng.Packet p) {
                    int index = first + p.interfaceId();
                    Iface i = all.get(index);
                    out.add(new Expected(++number, nanos(i, p.tsHigh(), p.tsLow()), index, i.linkType(),
                            (int) p.lenData(), (int) p.originalLen(), p.data()));
                } else if (body instanceof byte[] && WIRESHARK_NUMBERED.contains(b.blockType())) {
                    number++;
                } else if (body instanceof Pcapng.SimplePacket p) {
                    Iface i = all.get(first);
                    long captured = Math.min(p.originalLen(), p.dataAndPadding().length);
                    if (i.snaplen() > 0) {
                        captured = Math.min(captured, i.snaplen());
                    }
                    out.add(new Expected(++number, 0, first, i.linkType(), (int) captured, (int) p.originalLen(),
                            Arrays.copyOf(p.dataAndPadding(), (int) captured)));
                }
            }
        }
        return out;
    }

    private static long nanos(Iface i, long high, long low) {
        BigInteger ticks = BigInteger.valueOf(high).shiftLeft(32).or(BigInteger.valueOf(low));
        int exp = i.tsresol() & 0x7f;
        BigInteger perSecond = ((i.tsresol() & 0x80) != 0 ? BigInteger.TWO : BigInteger.TEN).pow(exp);
        return ticks.multiply(BILLION).divide(perSecond)
                .add(BigInteger.valueOf(i.tsoffset()).multiply(BILLION)).longValueExact();
    }
}
