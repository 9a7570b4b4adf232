package io.gatelens.ws;

import io.gatelens.tcp.Direction;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

import static io.gatelens.ws.WsBytes.*;
import static org.junit.jupiter.api.Assertions.*;

/** The same bytes give the same frames and anomalies however they are cut into segments. */
class WebSocketFrameSplitTest {
    /** Client frames of every kind, with violations among them, ending inside a frame. */
    private static final byte[] CLIENT_STREAM = concat(
            frame(FIN | 1, MASK, text("hello")),
            frame(1, MASK, text("frag")),
            frame(FIN | 9, MASK, text("ping")),
            frame(FIN, MASK, text("ment")),
            frame(FIN | 2, MASK, new byte[300]),
            frame(FIN | 2, MASK, new byte[70], 64),
            frame(FIN | 1, null, text("unmasked")),
            frame(FIN | RSV2 | 5, MASK, new byte[3]),
            frame(0, MASK, new byte[2]),
            frame(FIN | 10, MASK, new byte[130]),
            close(1000, "bye", MASK),
            frame(FIN | 8, MASK, concat(hex("03 ed"), hex("ff"))),
            frame(FIN | 1, MASK, text("late")),
            java.util.Arrays.copyOf(frame(FIN | 2, MASK, new byte[40]), 20));

    private static List<String> events(Direction dir, byte[] bytes, int[] cuts) {
        Recorder r = new Recorder();
        WebSocketFrameParser p = new WebSocketFrameParser(1, dir, 0, r);
        int start = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int end = i < cuts.length ? cuts[i] : bytes.length;
            // Each chunk is fed from a larger buffer at an offset, as a reassembler would.
            byte[] buf = new byte[end - start + 7];
            System.arraycopy(bytes, start, buf, 3, end - start);
            p.data(buf, 3, end - start, start, 1, 0);
            start = end;
        }
        p.end(1, 0);
        return r.events;
    }

    private static final List<String> WHOLE = events(Direction.CLIENT_TO_SERVER, CLIENT_STREAM, new int[0]);

    @Test
    void referenceSequenceHasTheExpectedShape() {
        long frames = WHOLE.stream().filter(e -> e.startsWith("c>s")).count();
        assertEquals(13, frames);
        for (String code : new String[] {"ws_non_minimal_length", "ws_unmasked_client_frame", "ws_reserved_bits",
                "ws_bad_opcode", "ws_bad_continuation", "ws_bad_control_frame", "ws_bad_close", "ws_data_after_close",
                "ws_frame_truncated"}) {
            assertTrue(WHOLE.stream().anyMatch(e -> e.startsWith(code + " ")), code + " in " + WHOLE);
        }
    }

    @Test
    void everyTwoWaySplit() {
        for (int cut = 0; cut <= CLIENT_STREAM.length; cut++) {
            assertEquals(WHOLE, events(Direction.CLIENT_TO_SERVER, CLIENT_STREAM, new int[] {cut}), "cut at " + cut);
        }
    }

    @Test
    void byteAtATime() {
        int[] cuts = new int[CLIENT_STREAM.length - 1];
        for (int i = 0; i < cuts.length; i++) cuts[i] = i + 1;
        assertEquals(WHOLE, events(Direction.CLIENT_TO_SERVER, CLIENT_STREAM, cuts));
    }

    @Property(tries = 300)
    void randomSplits(@ForAll("cuts") int[] cuts) {
        assertEquals(WHOLE, events(Direction.CLIENT_TO_SERVER, CLIENT_STREAM, cuts));
    }

    @Provide
    Arbitrary<int[]> cuts() {
        return Arbitraries.integers().between(0, CLIENT_STREAM.length).set().ofMaxSize(40)
                .map(s -> new TreeSet<>(s).stream().mapToInt(Integer::intValue).toArray());
    }

    @Test
    void emptyChunksChangeNothing() {
        Recorder r = new Recorder();
        WebSocketFrameParser p = new WebSocketFrameParser(1, Direction.CLIENT_TO_SERVER, 0, r);
        for (int i = 0; i < CLIENT_STREAM.length; i++) {
            p.data(CLIENT_STREAM, i, 0, i, 1, 0);
            p.data(CLIENT_STREAM, i, 1, i, 1, 0);
            p.gap(i + 1, 0, 1, 0);
        }
        p.end(1, 0);
        assertEquals(WHOLE, r.events);
    }

    /** Random and mutated input, random cuts and gaps: never throws, stays within its limits. */
    @Test
    void fuzzNeverThrows() {
        Random rnd = new Random(6455);
        byte[] seed = CLIENT_STREAM;
        for (int iter = 0; iter < 3000; iter++) {
            byte[] input;
            if (iter % 2 == 0) {
                input = new byte[rnd.nextInt(400)];
                rnd.nextBytes(input);
            } else {
                input = seed.clone();
                for (int k = rnd.nextInt(8); k >= 0; k--) input[rnd.nextInt(input.length)] = (byte) rnd.nextInt(256);
            }
            Direction dir = rnd.nextBoolean() ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT;
            Recorder r = new Recorder();
            WebSocketFrameParser p = new WebSocketFrameParser(1, dir, rnd.nextInt(8), r);
            long offset = 0;
            int i = 0;
            while (i < input.length) {
                if (rnd.nextInt(10) == 0) {
                    long g = 1 + rnd.nextInt(rnd.nextBoolean() ? 4 : 200);
                    p.gap(offset, g, 1, 0);
                    offset += g;
                }
                int n = Math.min(input.length - i, 1 + rnd.nextInt(64));
                p.data(input, i, n, offset, 1, 0);
                offset += n;
                i += n;
            }
            p.end(2, 0);
            assertTrue(r.anomalies.size() <= WebSocketFrameParser.MAX_ANOMALIES);
            assertTrue(p.payloadBytes() <= input.length);
            assertTrue(p.frames() <= input.length / 2);
            long last = -1;
            for (FrameCopy f : r.frames) {
                assertTrue(f.offset() > last, "frames in stream order");
                last = f.offset();
            }
        }
    }

    @Test
    void serverDirectionSplitsToo() {
        byte[] server = concat(frame(FIN | 1, null, text("echo")), frame(FIN | 10, null, new byte[0]),
                frame(FIN | 2, null, new byte[70000]), close(1001, "", null));
        List<String> whole = events(Direction.SERVER_TO_CLIENT, server, new int[0]);
        assertEquals(4, whole.size());
        List<Integer> points = new ArrayList<>();
        for (int cut = 0; cut <= 20; cut++) points.add(cut);
        for (int cut = server.length - 20; cut <= server.length; cut++) points.add(cut);
        for (int cut : points) {
            assertEquals(whole, events(Direction.SERVER_TO_CLIENT, server, new int[] {cut}), "cut at " + cut);
        }
    }
}
