package io.gatelens.capture.decode;

import static io.gatelens.capture.decode.TestPackets.*;
import static org.junit.jupiter.api.Assertions.*;

import io.gatelens.capture.Frame;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Random and mutated frames of every link type: the decoder must never throw or break its invariants. */
class PacketDecoderFuzzTest {
    private static final int[] LINK_TYPES = {LT_NULL, LT_ETHERNET, LT_RAW, LT_LOOP, LT_SLL, LT_IPV4, LT_IPV6, LT_SLL2, 147, 12};

    /** A well-formed frame and its link type: a starting point for mutation. */
    private record Seed(int linkType, byte[] bytes) {}

    private static List<Seed> seeds() {
        List<Seed> s = new ArrayList<>();
        byte[] syn = tcp(1, 2, 3, 0, DecodedPacket.FLAG_SYN, 100,
                bytes(2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7), new byte[0]);
        byte[] sack = tcp(1, 2, 3, 4, DecodedPacket.FLAG_ACK, 100,
                bytes(1, 1, 5, 34, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 5, 0, 0, 0, 6,
                        0, 0, 0, 7, 0, 0, 0, 8), ascii("data"));
        byte[] data = tcp(filled(300, 'q'));
        List<byte[]> ips = new ArrayList<>();
        for (byte[] seg : new byte[][] {syn, sack, data}) {
            ips.add(ipv4(seg));
            ips.add(ipv4(6, 1, 0, 64, bytes(1, 1, 1, 0), seg));
            ips.add(ipv6(6, 64, seg));
            ips.add(ipv6(0, 64, cat(ext8(43, 0), ext8(51, 1), ah(60, 1), ext8(6, 0), seg)));
        }
        ips.add(ipv4(17, 1, 0, 64, new byte[0], filled(20, 0)));
        // Fragments with few distinct ids, so mutated ones still meet their siblings.
        for (int id = 0; id < 3; id++) {
            ips.add(ipv4(6, id, 0x2000, 64, new byte[0], Arrays.copyOfRange(data, 0, 160)));
            ips.add(ipv4(6, id, 160 / 8, 64, new byte[0], Arrays.copyOfRange(data, 160, data.length)));
            ips.add(ipv6(44, 64, cat(fragmentHeader(6, 0, true, id), Arrays.copyOfRange(data, 0, 160))));
            ips.add(ipv6(44, 64, cat(fragmentHeader(6, 160, false, id), Arrays.copyOfRange(data, 160, data.length))));
        }
        for (byte[] ip : ips) {
            boolean v4 = (ip[0] >> 4) == 4;
            int et = v4 ? 0x0800 : 0x86DD;
            add(s, LT_ETHERNET, ethernet(et, ip));
            add(s, LT_ETHERNET, ethernet(et, ip, 0x88A8, 5, 0x8100, 6));
            add(s, LT_SLL, sll(et, ip));
            add(s, LT_SLL2, sll2(et, ip));
            add(s, LT_NULL, nullHeader(v4 ? 2 : 30, true, ip));
            add(s, LT_LOOP, nullHeader(v4 ? 2 : 24, false, ip));
            add(s, LT_RAW, ip);
            add(s, v4 ? LT_IPV4 : LT_IPV6, ip);
        }
        return s;
    }

    private static void add(List<Seed> s, int linkType, byte[] frame) {
        s.add(new Seed(linkType, frame));
    }

    @Test
    void neverThrowsAndKeepsItsInvariants() {
        Random rnd = new Random(0x6a7e1e75L);
        List<Seed> seeds = seeds();
        ReassemblyLimits limits = new ReassemblyLimits(4, 4096, 1_000_000_000L);
        PacketDecoder decoder = new PacketDecoder(limits);
        DecodedPacket out = new DecodedPacket();
        Frame frame = new Frame();
        Set<SkipReason> seen = EnumSet.noneOf(SkipReason.class);
        long time = 0;
        byte[] buf = new byte[4096];
        for (int iter = 0; iter < 200_000; iter++) {
            int linkType;
            int len;
            int off = rnd.nextInt(8);
            int pick = rnd.nextInt(10);
            if (pick == 0) {
                // Pure noise under any link type.
                linkType = LINK_TYPES[rnd.nextInt(LINK_TYPES.length)];
                len = rnd.nextInt(200);
                for (int i = 0; i < len; i++) {
                    buf[off + i] = (byte) rnd.nextInt();
                }
            } else {
                int k = rnd.nextInt(seeds.size());
                byte[] seed = seeds.get(k).bytes();
                linkType = pick == 1 ? LINK_TYPES[rnd.nextInt(LINK_TYPES.length)] : seeds.get(k).linkType();
                System.arraycopy(seed, 0, buf, off, seed.length);
                len = seed.length;
                if (pick >= 4) {
                    int flips = 1 + rnd.nextInt(6);
                    for (int f = 0; f < flips; f++) {
                        int at = off + rnd.nextInt(len);
                        switch (rnd.nextInt(4)) {
                            case 0: buf[at] = 0; break;
                            case 1: buf[at] = (byte) 0xff; break;
                            case 2: buf[at] ^= (byte) (1 << rnd.nextInt(8)); break;
                            default: buf[at] = (byte) rnd.nextInt(); break;
                        }
                    }
                }
                if (rnd.nextInt(4) == 0) {
                    len = rnd.nextInt(len + 1); // snaplen cut anywhere
                }
            }
            byte[] frameBuf;
            if (rnd.nextBoolean()) {
                // Buffer ends where the frame does: any read past the capture throws.
                frameBuf = Arrays.copyOf(buf, off + len);
            } else {
                // Bytes past the frame are garbage the decoder must not read as the frame's.
                frameBuf = buf;
                for (int i = off + len; i < Math.min(buf.length, off + len + 8); i++) {
                    buf[i] = (byte) rnd.nextInt();
                }
            }
            time += rnd.nextInt(5) == 0 ? -rnd.nextInt(1_000_000_000) : rnd.nextInt(100_000_000);
            frame.set(iter + 1, time, 0, linkType, frameBuf, off, len, len + rnd.nextInt(3), 0);

            boolean tcp = decoder.decode(frame, out);

            int n = iter;
            assertEquals(tcp, out.skipReason() == SkipReason.NONE, () -> "frame " + n);
            seen.add(out.skipReason());
            assertTrue(decoder.heldDatagrams() <= limits.maxDatagrams());
            assertTrue(decoder.heldBytes() >= 0 && decoder.heldBytes() <= limits.maxBytes());
            if (tcp) {
                assertTrue(out.ipVersion() == 4 || out.ipVersion() == 6);
                assertTrue(out.tcpHeaderLength() >= 20 && out.tcpHeaderLength() <= 60);
                assertTrue(out.sackBlockCount() <= DecodedPacket.MAX_SACK_BLOCKS);
                assertTrue(out.payloadLength() >= 0 && out.payloadLength() <= out.payloadWireLength());
                assertTrue(out.payloadOffset() >= 0);
                assertTrue(out.payloadOffset() + out.payloadLength() <= out.payloadBuffer().length);
                if (!out.reassembled()) {
                    assertSame(frameBuf, out.payloadBuffer());
                    assertTrue(out.payloadOffset() + out.payloadLength() <= off + len, () -> "frame " + n);
                } else {
                    assertTrue(out.fragmentCount() >= 1);
                }
            }
        }
        // The mutations must reach every outcome, or this test proves little.
        assertEquals(EnumSet.allOf(SkipReason.class), seen);
    }

    @Test
    void normalPathAllocatesNothing() {
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        byte[] seg = tcp(1, 2, 3, 4, DecodedPacket.FLAG_ACK, 100,
                bytes(1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2), filled(500, 'x'));
        byte[] data = tcp(filled(1200, 'f'));
        Frame[] frames = {
            frame(LT_ETHERNET, ethernet(0x0800, ipv4(seg), 0x8100, 7)),
            frame(LT_SLL2, sll2(0x86DD, ipv6(60, 64, cat(ext8(6, 0), seg)))),
            frame(LT_NULL, nullHeader(2, true, ipv4(seg))),
            frame(LT_ETHERNET, ethernet(0x0806, filled(28, 0))),
            frame(LT_ETHERNET, ethernet(0x0800, ipv4(6, 9, 0x2000, 64, new byte[0], Arrays.copyOfRange(data, 0, 600)))),
            frame(LT_ETHERNET, ethernet(0x0800, ipv4(6, 9, 600 / 8, 64, new byte[0], Arrays.copyOfRange(data, 600, data.length)))),
        };
        PacketDecoder decoder = new PacketDecoder();
        DecodedPacket out = new DecodedPacket();
        int tcpCount = 0;
        for (int i = 0; i < 48_000; i++) { // warm up: JIT, lazily created reassembly slots
            tcpCount += decoder.decode(frames[i % frames.length], out) ? 1 : 0;
        }
        long thread = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 300_000; i++) {
            tcpCount += decoder.decode(frames[i % frames.length], out) ? 1 : 0;
        }
        long allocated = mx.getThreadAllocatedBytes(thread) - before;
        assertEquals(348_000 / 6 * 4, tcpCount); // 3 whole segments + 1 reassembled per 6 frames
        // A per-packet allocation of even 16 bytes would show as several MB.
        assertTrue(allocated < 64 * 1024, () -> allocated + " bytes allocated over 300000 decodes");
    }
}
