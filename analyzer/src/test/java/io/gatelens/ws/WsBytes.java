package io.gatelens.ws;

import io.gatelens.anomaly.Anomaly;
import io.gatelens.anomaly.AnomalyCode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Test-side frame encoder, written from RFC 6455 section 5.2, and an event recorder. */
final class WsBytes {
    static final int FIN = 0x80;
    static final int RSV1 = 0x40;
    static final int RSV2 = 0x20;
    static final int RSV3 = 0x10;
    static final byte[] MASK = {0x37, (byte) 0xfa, 0x21, 0x3d};

    private WsBytes() {}

    /** Shortest length form; {@code mask} null for an unmasked frame. */
    static byte[] frame(int b0, byte[] mask, byte[] payload) {
        int form = payload.length < 126 ? 7 : payload.length < 65536 ? 16 : 64;
        return frame(b0, mask, payload, form);
    }

    /** {@code form} 7, 16 or 64: which of the three length encodings to use, minimal or not. */
    static byte[] frame(int b0, byte[] mask, byte[] payload, int form) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(b0);
        int m = mask == null ? 0 : 0x80;
        long n = payload.length;
        if (form == 7) {
            out.write(m | (int) n);
        } else if (form == 16) {
            out.write(m | 126);
            out.write((int) (n >> 8) & 0xff);
            out.write((int) n & 0xff);
        } else {
            out.write(m | 127);
            for (int shift = 56; shift >= 0; shift -= 8) out.write((int) (n >> shift) & 0xff);
        }
        if (mask != null) out.write(mask, 0, 4);
        for (int i = 0; i < payload.length; i++) {
            out.write(mask == null ? payload[i] : payload[i] ^ mask[i % 4]);
        }
        return out.toByteArray();
    }

    static byte[] close(int code, String reason, byte[] mask) {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[2 + r.length];
        p[0] = (byte) (code >> 8);
        p[1] = (byte) code;
        System.arraycopy(r, 0, p, 2, r.length);
        return frame(FIN | 8, mask, p);
    }

    static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] hex(String s) {
        String h = s.replace(" ", "");
        byte[] b = new byte[h.length() / 2];
        for (int i = 0; i < b.length; i++) b[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
        return b;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.write(p, 0, p.length);
        return out.toByteArray();
    }

    /** Records frames (as their text form) and anomalies, in order. */
    static final class Recorder implements WebSocketListener {
        final List<String> events = new ArrayList<>();
        final List<Anomaly> anomalies = new ArrayList<>();
        final List<FrameCopy> frames = new ArrayList<>();

        @Override
        public void frame(WebSocketFrame f) {
            events.add(f.toString());
            frames.add(new FrameCopy(f.direction() == null ? null : f.direction().arrow(), f.opcode(), f.fin(),
                    f.rsv(), f.masked(), f.payloadLength(), f.streamOffset(), f.frame(), f.nanos(), f.lastFrame(),
                    f.missingBytes(), f.closeCode(), f.closeReason(), f.previewText()));
        }

        @Override
        public void anomaly(Anomaly a) {
            anomalies.add(a);
            events.add(a.code().id() + " @" + a.streamOffset() + " frame=" + a.frame() + " " + a.detail());
        }

        List<AnomalyCode> codes() {
            List<AnomalyCode> out = new ArrayList<>();
            for (Anomaly a : anomalies) out.add(a.code());
            return out;
        }
    }

    record FrameCopy(String dir, int opcode, boolean fin, int rsv, boolean masked, long length, long offset,
                     long frame, long nanos, long lastFrame, long missing, int closeCode, String closeReason,
                     String preview) {}
}
