package io.gatelens.ws;

import io.gatelens.anomaly.Anomaly;
import io.gatelens.anomaly.AnomalyCode;
import io.gatelens.tcp.Direction;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.gatelens.ws.WsBytes.*;
import static org.junit.jupiter.api.Assertions.*;

class WebSocketFrameParserTest {
    private static final Direction C2S = Direction.CLIENT_TO_SERVER;
    private static final Direction S2C = Direction.SERVER_TO_CLIENT;

    private static Recorder parse(Direction dir, int allowedRsv, byte[] bytes) {
        Recorder r = new Recorder();
        WebSocketFrameParser p = new WebSocketFrameParser(3, dir, allowedRsv, r);
        p.data(bytes, 0, bytes.length, 0, 1, 1000);
        p.end(2, 2000);
        return r;
    }

    private static Recorder server(byte[] bytes) { return parse(S2C, 0, bytes); }
    private static Recorder client(byte[] bytes) { return parse(C2S, 0, bytes); }

    // --- RFC 6455 section 5.7 examples, byte for byte as printed there

    @Test
    void singleFrameUnmaskedText() {
        Recorder r = server(hex("81 05 48 65 6c 6c 6f"));
        assertEquals(List.of(), r.anomalies);
        assertEquals(1, r.frames.size());
        FrameCopy f = r.frames.get(0);
        assertEquals(1, f.opcode());
        assertTrue(f.fin());
        assertFalse(f.masked());
        assertEquals(5, f.length());
        assertEquals("Hello", f.preview());
        assertEquals("s>c", f.dir());
    }

    @Test
    void singleFrameMaskedText() {
        Recorder r = client(hex("81 85 37 fa 21 3d 7f 9f 4d 51 58"));
        assertEquals(List.of(), r.anomalies);
        FrameCopy f = r.frames.get(0);
        assertTrue(f.masked());
        assertEquals(5, f.length());
        assertEquals("Hello", f.preview());
    }

    @Test
    void fragmentedUnmaskedText() {
        Recorder r = server(hex("01 03 48 65 6c 80 02 6c 6f"));
        assertEquals(List.of(), r.anomalies);
        assertEquals(2, r.frames.size());
        assertEquals(1, r.frames.get(0).opcode());
        assertFalse(r.frames.get(0).fin());
        assertEquals("Hel", r.frames.get(0).preview());
        assertEquals(0, r.frames.get(1).opcode());
        assertTrue(r.frames.get(1).fin());
        assertEquals(5, r.frames.get(1).offset());
    }

    @Test
    void pingUnmaskedAndPongMasked() {
        Recorder ping = server(hex("89 05 48 65 6c 6c 6f"));
        assertEquals(List.of(), ping.anomalies);
        assertEquals(9, ping.frames.get(0).opcode());
        assertEquals(5, ping.frames.get(0).length());
        Recorder pong = client(hex("8a 85 37 fa 21 3d 7f 9f 4d 51 58"));
        assertEquals(List.of(), pong.anomalies);
        assertEquals(10, pong.frames.get(0).opcode());
        assertTrue(pong.frames.get(0).masked());
    }

    @Test
    void binary256BytesIn16BitLength() {
        byte[] bytes = concat(hex("82 7E 01 00"), new byte[256]);
        Recorder r = server(bytes);
        assertEquals(List.of(), r.anomalies);
        assertEquals(256, r.frames.get(0).length());
        assertEquals(2, r.frames.get(0).opcode());
        assertNull(r.frames.get(0).preview(), "binary payloads are not previewed");
    }

    @Test
    void binary64KiBIn64BitLength() {
        byte[] bytes = concat(hex("82 7F 00 00 00 00 00 01 00 00"), new byte[65536]);
        Recorder r = server(bytes);
        assertEquals(List.of(), r.anomalies);
        assertEquals(65536, r.frames.get(0).length());
    }

    // --- each violation

    @Test
    void unmaskedClientFrame() {
        Recorder r = client(frame(FIN | 1, null, text("hi")));
        assertEquals(List.of(AnomalyCode.WS_UNMASKED_CLIENT_FRAME), r.codes());
        assertEquals(1, r.frames.size(), "the frame is still parsed");
    }

    @Test
    void maskedServerFrame() {
        Recorder r = server(frame(FIN | 1, MASK, text("hi")));
        assertEquals(List.of(AnomalyCode.WS_MASKED_SERVER_FRAME), r.codes());
        assertEquals("hi", r.frames.get(0).preview(), "unmasked for the preview all the same");
    }

    @Test
    void reservedBitsWithoutExtension() {
        for (int bit : new int[] {RSV1, RSV2, RSV3}) {
            Recorder r = server(frame(FIN | bit | 2, null, new byte[3]));
            assertEquals(List.of(AnomalyCode.WS_RESERVED_BITS), r.codes(), "bit " + bit);
            assertEquals(bit >> 4, r.frames.get(0).rsv());
        }
    }

    @Test
    void deflateAllowsRsv1OnTheFirstDataFrameOnly() {
        assertEquals(List.of(), parse(S2C, 4, frame(FIN | RSV1 | 1, null, new byte[4])).codes());
        assertEquals(List.of(AnomalyCode.WS_RESERVED_BITS), parse(S2C, 4, frame(FIN | RSV2 | 1, null, new byte[4])).codes());
        assertEquals(List.of(AnomalyCode.WS_RESERVED_BITS), parse(S2C, 4, frame(FIN | RSV1 | 9, null, new byte[1])).codes());
        byte[] frag = concat(frame(RSV1 | 2, null, new byte[2]), frame(FIN | RSV1, null, new byte[2]));
        assertEquals(List.of(AnomalyCode.WS_RESERVED_BITS), parse(S2C, 4, frag).codes());
        assertEquals(List.of(), parse(S2C, 7, frame(FIN | RSV2 | RSV3 | 9, null, new byte[1])).codes());
    }

    @Test
    void reservedOpcodes() {
        for (int op : new int[] {3, 4, 5, 6, 7, 11, 12, 13, 14, 15}) {
            Recorder r = server(frame(FIN | op, null, new byte[2]));
            assertEquals(List.of(AnomalyCode.WS_BAD_OPCODE), r.codes(), "opcode " + op);
            assertTrue(r.anomalies.get(0).detail().contains("opcode " + op));
            assertEquals(1, r.frames.size(), "its length is known, so parsing goes on");
        }
    }

    @Test
    void controlFrameFragmentedOrTooLong() {
        assertEquals(List.of(AnomalyCode.WS_BAD_CONTROL_FRAME), server(frame(9, null, new byte[1])).codes());
        assertEquals(List.of(), server(frame(FIN | 9, null, new byte[125])).codes(), "125 is the limit");
        assertEquals(List.of(AnomalyCode.WS_BAD_CONTROL_FRAME), server(frame(FIN | 10, null, new byte[126])).codes());
    }

    @Test
    void continuationWithoutMessageAndMessageInsideMessage() {
        Recorder r = server(frame(FIN, null, new byte[1]));
        assertEquals(List.of(AnomalyCode.WS_BAD_CONTINUATION), r.codes());
        assertTrue(r.anomalies.get(0).detail().contains("without a message"));

        Recorder r2 = server(concat(frame(1, null, new byte[1]), frame(FIN | 2, null, new byte[1])));
        assertEquals(List.of(AnomalyCode.WS_BAD_CONTINUATION), r2.codes());
        assertTrue(r2.anomalies.get(0).detail().contains("binary frame inside"));

        // Control frames may come between fragments (RFC 6455 section 5.4).
        byte[] ok = concat(frame(1, null, new byte[1]), frame(FIN | 9, null, new byte[0]),
                frame(0, null, new byte[1]), frame(FIN, null, new byte[1]), frame(FIN | 2, null, new byte[0]));
        assertEquals(List.of(), server(ok).codes());
    }

    @Test
    void nonMinimalLengths() {
        assertEquals(List.of(AnomalyCode.WS_NON_MINIMAL_LENGTH), server(frame(FIN | 2, null, new byte[125], 16)).codes());
        assertEquals(List.of(), server(frame(FIN | 2, null, new byte[126], 16)).codes());
        assertEquals(List.of(AnomalyCode.WS_NON_MINIMAL_LENGTH), server(frame(FIN | 2, null, new byte[65535], 64)).codes());
        assertEquals(List.of(AnomalyCode.WS_NON_MINIMAL_LENGTH), server(frame(FIN | 2, null, new byte[0], 64)).codes());
    }

    @Test
    void lengthWithTopBitSetStopsTheDirection() {
        byte[] bytes = concat(hex("82 7F 80 00 00 00 00 00 00 01"), frame(FIN | 1, null, text("never seen")));
        Recorder r = new Recorder();
        WebSocketFrameParser p = new WebSocketFrameParser(3, S2C, 0, r);
        p.data(bytes, 0, bytes.length, 0, 1, 0);
        assertEquals(List.of(AnomalyCode.WS_BAD_LENGTH), r.codes());
        assertEquals(0, r.frames.size());
        assertTrue(p.stopped());
        p.end(2, 0);
        assertEquals(List.of(AnomalyCode.WS_BAD_LENGTH), r.codes(), "no truncation claimed after a stop");
    }

    @Test
    void closeFramePayloads() {
        Recorder empty = client(frame(FIN | 8, MASK, new byte[0]));
        assertEquals(List.of(), empty.codes());
        assertEquals(-1, empty.frames.get(0).closeCode());

        Recorder one = client(frame(FIN | 8, MASK, new byte[] {3}));
        assertEquals(List.of(AnomalyCode.WS_BAD_CLOSE), one.codes());
        assertTrue(one.anomalies.get(0).detail().contains("1-byte"));

        Recorder withReason = client(close(1001, "going away \u00e9", MASK));
        assertEquals(List.of(), withReason.codes());
        assertEquals(1001, withReason.frames.get(0).closeCode());
        assertEquals("going away \u00e9", withReason.frames.get(0).closeReason());
    }

    @Test
    void closeCodesAllowedOnTheWire() {
        for (int code : new int[] {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4999}) {
            Recorder r = server(close(code, "", null));
            assertEquals(List.of(), r.codes(), "code " + code);
            assertEquals(code, r.frames.get(0).closeCode());
        }
        for (int code : new int[] {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535}) {
            Recorder r = server(close(code, "", null));
            assertEquals(List.of(AnomalyCode.WS_BAD_CLOSE), r.codes(), "code " + code);
            assertTrue(r.anomalies.get(0).detail().contains("code " + code));
        }
    }

    @Test
    void closeReasonMustBeUtf8() {
        for (String bad : new String[] {"ff", "c0 80", "ed a0 80", "e2 82", "f4 90 80 80", "80"}) {
            byte[] payload = concat(hex("03 e8"), hex(bad));
            Recorder r = server(frame(FIN | 8, null, payload));
            assertEquals(List.of(AnomalyCode.WS_BAD_CLOSE), r.codes(), bad);
            assertTrue(r.anomalies.get(0).detail().contains("UTF-8"));
        }
        for (String good : new String[] {"41", "c2 80", "e2 82 ac", "f0 9f 98 80", "f4 8f bf bf"}) {
            Recorder r = server(frame(FIN | 8, null, concat(hex("03 e8"), hex(good))));
            assertEquals(List.of(), r.codes(), good);
        }
    }

    @Test
    void framesAfterTheSendersClose() {
        byte[] bytes = concat(close(1000, "", null), frame(FIN | 1, null, text("late")), frame(FIN | 9, null, new byte[0]));
        Recorder r = server(bytes);
        assertEquals(List.of(AnomalyCode.WS_DATA_AFTER_CLOSE), r.codes(), "reported once per direction");
        assertEquals(3, r.frames.size());
        assertEquals(4 /* close frame: 2 + 2 */, r.anomalies.get(0).streamOffset());
    }

    @Test
    void truncatedInHeaderAndInPayload() {
        Recorder inHeader = server(hex("82 7E 01"));
        assertEquals(List.of(AnomalyCode.WS_FRAME_TRUNCATED), inHeader.codes());
        assertTrue(inHeader.anomalies.get(0).detail().contains("3 of 4 header bytes"), inHeader.anomalies.get(0).detail());

        Recorder inFirstByte = server(hex("82"));
        assertTrue(inFirstByte.anomalies.get(0).detail().contains("1 of 2 header bytes"));

        byte[] whole = frame(FIN | 2, null, new byte[10]);
        Recorder inPayload = server(java.util.Arrays.copyOf(whole, whole.length - 3));
        assertEquals(List.of(AnomalyCode.WS_FRAME_TRUNCATED), inPayload.codes());
        assertTrue(inPayload.anomalies.get(0).detail().contains("3 bytes short"));
        assertEquals(0, inPayload.frames.size());

        assertEquals(List.of(), server(whole).codes(), "ending on a frame boundary is fine");
    }

    @Test
    void gapInsideAPayloadOfKnownLengthIsSkipped() {
        byte[] first = frame(FIN | 2, null, new byte[100]);
        byte[] second = frame(FIN | 1, null, text("after"));
        Recorder r = new Recorder();
        WebSocketFrameParser p = new WebSocketFrameParser(3, S2C, 0, r);
        p.data(first, 0, 20, 0, 1, 10);
        p.gap(20, 50, 2, 20);
        p.data(first, 70, first.length - 70, 70, 3, 30);
        p.data(second, 0, second.length, first.length, 4, 40);
        p.end(5, 50);
        assertEquals(List.of(), r.codes());
        assertEquals(2, r.frames.size());
        assertEquals(50, r.frames.get(0).missing());
        assertEquals(1, r.frames.get(0).frame());
        assertEquals(3, r.frames.get(0).lastFrame());
        assertEquals("after", r.frames.get(1).preview());
        assertEquals(p.payloadBytes(), 100 - 50 + 5);
    }

    @Test
    void gapEndingExactlyAtThePayloadEnd() {
        byte[] first = frame(FIN | 2, null, new byte[10]);
        byte[] second = frame(FIN | 10, null, new byte[0]);
        Recorder r = new Recorder();
        WebSocketFrameParser p = new WebSocketFrameParser(3, S2C, 0, r);
        p.data(first, 0, 4, 0, 1, 0);
        p.gap(4, 8, 2, 0);
        assertEquals(1, r.frames.size(), "the frame completes with the gap");
        p.data(second, 0, second.length, 12, 3, 0);
        assertEquals(2, r.frames.size());
        assertEquals(List.of(), r.codes());
    }

    @Test
    void gapInCloseFrameLeavesCodeUnknown() {
        byte[] c = close(1005, "bad code, but hidden", null);
        Recorder r = new Recorder();
        WebSocketFrameParser p = new WebSocketFrameParser(3, S2C, 0, r);
        p.data(c, 0, 2, 0, 1, 0);
        p.gap(2, 2, 2, 0);
        p.data(c, 4, c.length - 4, 4, 3, 0);
        assertEquals(List.of(), r.codes(), "nothing judged on bytes not seen");
        assertEquals(-1, r.frames.get(0).closeCode());
    }

    @Test
    void gapElsewhereStopsTheDirection() {
        byte[] f = frame(FIN | 2, null, new byte[10]);
        // Inside a header.
        Recorder r1 = new Recorder();
        WebSocketFrameParser p1 = new WebSocketFrameParser(3, S2C, 0, r1);
        p1.data(f, 0, 1, 0, 1, 0);
        p1.gap(1, 5, 2, 0);
        p1.data(f, 6, f.length - 6, 6, 3, 0);
        p1.end(4, 0);
        assertEquals(List.of(AnomalyCode.WS_CUT_BY_GAP), r1.codes());
        assertTrue(r1.anomalies.get(0).detail().contains("inside the header"));
        assertEquals(1, r1.anomalies.get(0).streamOffset());
        assertEquals(2, r1.anomalies.get(0).frame());
        assertTrue(p1.cutByGap());
        assertEquals(0, r1.frames.size());

        // Between frames.
        Recorder r2 = new Recorder();
        WebSocketFrameParser p2 = new WebSocketFrameParser(3, S2C, 0, r2);
        p2.data(f, 0, f.length, 0, 1, 0);
        p2.gap(f.length, 4, 2, 0);
        p2.data(f, 0, f.length, f.length + 4, 3, 0);
        assertEquals(List.of(AnomalyCode.WS_CUT_BY_GAP), r2.codes());
        assertTrue(r2.anomalies.get(0).detail().contains("between frames"));
        assertEquals(1, r2.frames.size());

        // Past the end of the payload: the frame in progress is lost too.
        Recorder r3 = new Recorder();
        WebSocketFrameParser p3 = new WebSocketFrameParser(3, S2C, 0, r3);
        p3.data(f, 0, 5, 0, 1, 0);
        p3.gap(5, 20, 2, 0);
        assertEquals(List.of(AnomalyCode.WS_CUT_BY_GAP), r3.codes());
        assertTrue(r3.anomalies.get(0).detail().contains("past the end"), r3.anomalies.get(0).detail());
        assertEquals(0, r3.frames.size());
    }

    @Test
    void anomaliesPointAtTheFramesFirstByte() {
        byte[] ok = frame(FIN | 1, null, text("abc"));
        byte[] bad = frame(FIN | 5, null, new byte[300]);
        Recorder r = new Recorder();
        WebSocketFrameParser p = new WebSocketFrameParser(9, S2C, 0, r);
        p.data(ok, 0, ok.length, 1000, 5, 500);
        p.data(bad, 0, 1, 1000 + ok.length, 6, 600);
        p.data(bad, 1, bad.length - 1, 1000 + ok.length + 1, 7, 700);
        Anomaly a = r.anomalies.get(0);
        assertEquals(AnomalyCode.WS_BAD_OPCODE, a.code());
        assertEquals(9, a.connection());
        assertEquals(S2C, a.direction());
        assertEquals(6, a.frame());
        assertEquals(600, a.nanos());
        assertEquals(1000 + ok.length, a.streamOffset());
        FrameCopy second = r.frames.get(1);
        assertEquals(6, second.frame());
        assertEquals(7, second.lastFrame());
        assertEquals(1000 + ok.length, second.offset());
    }

    @Test
    void previewIsCappedAndUnmasked() {
        String longText = "0123456789abcdefghijklmnopqrstuvwxyz";
        Recorder r = client(frame(FIN | 1, MASK, text(longText)));
        assertEquals(longText.substring(0, WebSocketFrameParser.PREVIEW_BYTES), r.frames.get(0).preview());
    }

    @Test
    void anomalyFloodIsCapped() {
        byte[] one = frame(FIN | 3, null, new byte[0]);
        byte[] many = new byte[one.length * (WebSocketFrameParser.MAX_ANOMALIES + 50)];
        for (int i = 0; i < many.length; i += one.length) System.arraycopy(one, 0, many, i, one.length);
        Recorder r = new Recorder();
        WebSocketFrameParser p = new WebSocketFrameParser(3, S2C, 0, r);
        p.data(many, 0, many.length, 0, 1, 0);
        assertEquals(WebSocketFrameParser.MAX_ANOMALIES, r.anomalies.size());
        assertEquals(50, p.suppressedAnomalies());
        assertEquals(WebSocketFrameParser.MAX_ANOMALIES + 50, p.frames());
    }

    @Test
    void hugeClaimedLengthAllocatesNothingAndCounts() {
        // 2^62 bytes claimed: must be counted, never buffered.
        byte[] head = hex("82 7F 40 00 00 00 00 00 00 00");
        Recorder r = new Recorder();
        WebSocketFrameParser p = new WebSocketFrameParser(3, S2C, 0, r);
        p.data(head, 0, head.length, 0, 1, 0);
        byte[] chunk = new byte[4096];
        for (int i = 0; i < 100; i++) p.data(chunk, 0, chunk.length, head.length + (long) i * chunk.length, 2, 0);
        p.gap(head.length + 100L * chunk.length, 1L << 40, 3, 0);
        assertEquals(List.of(), r.codes());
        assertEquals(409600, p.payloadBytes());
        assertTrue(p.insideFrame());
    }
}
