package io.gatelens.capture.file;

import io.gatelens.capture.CaptureFormatException;
import io.gatelens.capture.PacketSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * An independent reader: libpcap itself (through pcap4j) must see the same frames, byte for byte.
 * libpcap reads classic pcap and single-section pcapng whose interfaces share a link type.
 * Without libpcap this fails on CI (CI=true) and is skipped elsewhere.
 */
class LibpcapCrossCheckTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void libpcapLoads() {
        String problem = null;
        try {
            String version = Pcaps.libVersion();
            if (version == null || version.isEmpty()) {
                problem = "pcap_lib_version returned nothing";
            }
        } catch (Throwable t) {
            // UnsatisfiedLinkError / NoClassDefFoundError from JNA when libpcap is missing.
            problem = t.toString();
        }
        if (problem != null) {
            if ("true".equals(System.getenv("CI"))) {
                fail("libpcap cannot be loaded through pcap4j on CI: " + problem);
            }
            assumeTrue(false, "libpcap not loadable here: " + problem);
        }
    }

    static Map<String, byte[]> captures() throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : KaitaiOracleTest.generatedCaptures().entrySet()) {
            // libpcap rejects pcapng files mixing link types and reads only the first section.
            if (e.getKey().endsWith(".pcap") || e.getKey().startsWith("capture-writer-")) {
                files.put(e.getKey(), e.getValue());
            }
        }
        for (ByteOrder order : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (PcapngWriter w = new PcapngWriter(out, order)) {
                w.addInterface(1, 65535, "eth0");
                w.addInterface(1, 65535, "eth1");
                for (int i = 0; i < 40; i++) {
                    byte[] d = CaptureBytes.data(i * 17 % 200, i);
                    w.write(i % 2, 1_700_000_000_000_000_000L + i * 987_654_321L, d, 0, d.length,
                            d.length + i % 2, i % 5 == 0 ? "c" + i : null);
                }
            }
            files.put("written-" + order + ".pcapng", out.toByteArray());
        }
        // Resolutions and block types the writer does not produce; libpcap wants one link type
        // and one snaplen for all interfaces.
        CaptureBytes b = CaptureBytes.le().shb();
        b.idb(1, 65535);
        b.idb(1, 65535, b.optionU8(9, 0x80 | 20), b.optionS64(14, 1000));
        b.idb(1, 65535, b.optionU8(9, 3));
        b.epb(0, 1_700_000_000_123_456L, CaptureBytes.data(60, 1), 60);
        b.epb(1, (1_700_000_000L << 20) | 12345, CaptureBytes.data(96, 2), 1500);
        b.pb(2, 0, 1_700_000_000_999L, CaptureBytes.data(42, 3), 42);
        b.block(0x40000bad, new byte[16]);
        b.epb(2, 1_700_000_001_000L, CaptureBytes.data(33, 4), 40);
        files.put("resolutions.pcapng", b.toBytes());
        byte[] nano = KaitaiOracleTest.generatedCaptures().get("written-LITTLE_ENDIAN-nano.pcap");
        files.put("cut.pcap", java.util.Arrays.copyOf(nano, nano.length - 7));
        // Real files; libpcap cannot read gzip or pcapng mixing link types (merged.pcapng).
        for (String name : List.of("lo-tcpdump.pcap", "lo-nsec.pcap", "any-sll.pcap")) {
            files.put(name, TsharkGoldenTest.resource(name));
        }
        files.put("lo-dumpcap.pcapng", KaitaiOracleTest.decompressed(TsharkGoldenTest.resource("lo-dumpcap.pcapng.gz")));
        for (Path p : KaitaiOracleTest.realCaptures()) {
            String name = p.getFileName().toString();
            if (name.endsWith(".pcap")) {
                files.put(p.toString(), Files.readAllBytes(p));
            }
        }
        return files;
    }

    @TestFactory
    Stream<DynamicTest> sameFramesAsLibpcap() throws IOException {
        return captures().entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
            Path file = Files.write(dir.resolve("x-" + Math.abs(e.getKey().hashCode())), e.getValue());
            List<Frames.Copy> ours = new ArrayList<>();
            CaptureFormatException ourError = null;
            try (PacketSource s = CaptureFiles.open(file)) {
                Frames.readAll(s, ours);
            } catch (CaptureFormatException cut) {
                ourError = cut;
            }
            List<long[]> theirs = new ArrayList<>();
            List<byte[]> theirBytes = new ArrayList<>();
            PcapNativeException theirError = null;
            try (PcapHandle h = Pcaps.openOffline(file.toString(), PcapHandle.TimestampPrecision.NANO)) {
                while (true) {
                    byte[] raw;
                    try {
                        raw = h.getNextRawPacketEx();
                    } catch (EOFException end) {
                        break;
                    } catch (PcapNativeException cut) {
                        // e.g. "truncated dump file": a real fixture may be cut on purpose.
                        theirError = cut;
                        break;
                    }
                    Timestamp ts = h.getTimestamp();
                    long nanos = Math.floorDiv(ts.getTime(), 1000L) * 1_000_000_000L + ts.getNanos();
                    theirs.add(new long[] {nanos, raw.length, h.getOriginalLength()});
                    theirBytes.add(raw);
                }
            }
            assertEquals(theirError != null, ourError != null,
                    e.getKey() + ": libpcap error " + theirError + ", ours " + ourError);
            assertEquals(theirs.size(), ours.size(), e.getKey() + ": frame count");
            for (int i = 0; i < ours.size(); i++) {
                String where = e.getKey() + " frame " + (i + 1);
                assertEquals(theirs.get(i)[0], ours.get(i).epochNanos(), where + ": time");
                assertEquals(theirs.get(i)[1], ours.get(i).capturedLength(), where + ": captured length");
                assertEquals(theirs.get(i)[2], ours.get(i).originalLength(), where + ": original length");
                assertArrayEquals(theirBytes.get(i), ours.get(i).data(), where + ": bytes");
            }
        }));
    }
}
