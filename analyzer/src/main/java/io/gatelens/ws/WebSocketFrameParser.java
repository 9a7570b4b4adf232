package io.gatelens.ws;

import io.gatelens.anomaly.Anomaly;
import io.gatelens.anomaly.AnomalyCode;
import io.gatelens.tcp.Direction;

import java.nio.charset.StandardCharsets;

/**
 * Incremental RFC 6455 section 5 frame parser for one direction of one connection. Takes bytes
 * in any split and reports the same frames and anomalies for every split. Payload bytes are
 * counted, not kept, and nothing is allocated by a length a frame claims; the only per-frame
 * allocation is a close frame's reason string.
 *
 * <p>Every anomaly points at the frame's first byte (frame number, time and stream offset), so
 * a reader can find the frame in Wireshark. Anomalies beyond {@link #MAX_ANOMALIES} in one
 * direction are counted in {@link #suppressedAnomalies()} and not reported: a stream of garbage
 * parsed as frames would otherwise report one per byte or so.
 */
public final class WebSocketFrameParser {
    /** Unmasked bytes of a text message's first frame kept for summaries. */
    public static final int PREVIEW_BYTES = 32;
    /** Anomalies reported per direction before the rest are only counted. */
    public static final int MAX_ANOMALIES = 100;
    private static final int MAX_CONTROL_PAYLOAD = 125;

    private enum State { HEADER, PAYLOAD, STOPPED, ENDED }

    private final long connection;
    private final Direction dir;
    private final boolean fromClient;
    private final int allowedRsv;
    private final WebSocketListener listener;
    private final WebSocketFrame f = new WebSocketFrame();

    private State state = State.HEADER;
    /** Header bytes so far: 2 fixed, up to 8 of extended length, up to 4 of masking key. */
    private final byte[] header = new byte[14];
    private int headerHave;
    private int headerNeed = 2;
    private final byte[] mask = new byte[4];
    private long payloadRemaining;
    private long payloadPos;
    private final byte[] control = new byte[MAX_CONTROL_PAYLOAD];
    private int controlHave;
    private boolean keepPreview;

    private boolean inMessage;
    private boolean closeSent;
    private long framesAfterClose;
    private long frames;
    private long payloadBytes;
    private int anomalies;
    private long suppressed;
    private boolean truncated;
    private boolean cutByGap;
    private boolean stopped;

    /**
     * @param allowedRsv RSV bits the negotiated extensions may set (see
     *                   {@link HandshakeResult#allowedRsv()}); 0 without extensions
     */
    public WebSocketFrameParser(long connection, Direction dir, int allowedRsv, WebSocketListener listener) {
        this.connection = connection;
        this.dir = dir;
        this.fromClient = dir == Direction.CLIENT_TO_SERVER;
        this.allowedRsv = allowedRsv & 7;
        this.listener = listener;
        f.direction = dir;
    }

    public void data(byte[] buf, int off, int len, long streamOffset, long frame, long nanos) {
        int i = off;
        int end = off + len;
        while (i < end) {
            if (state == State.HEADER) {
                if (headerHave == 0) startFrame(streamOffset + (i - off), frame, nanos);
                header[headerHave++] = buf[i++];
                if (headerHave == 2) {
                    int len7 = header[1] & 0x7f;
                    headerNeed = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((header[1] & 0x80) != 0 ? 4 : 0);
                }
                if (headerHave == headerNeed) beginPayload(frame, nanos);
            } else if (state == State.PAYLOAD) {
                int take = (int) Math.min(payloadRemaining, end - i);
                consume(buf, i, take);
                i += take;
                payloadRemaining -= take;
                payloadPos += take;
                if (payloadRemaining == 0) finishFrame(frame, nanos);
            } else {
                return;
            }
        }
    }

    /**
     * Bytes the capture lost. Inside a payload of known length they are skipped and parsing goes
     * on; anywhere else the next frame boundary is unknown (frames carry no sync marker), so this
     * direction is not parsed further.
     */
    public void gap(long streamOffset, long length, long frame, long nanos) {
        if (length <= 0 || state == State.STOPPED || state == State.ENDED) return;
        if (state == State.PAYLOAD && length <= payloadRemaining) {
            payloadRemaining -= length;
            payloadPos += length;
            f.missingBytes += length;
            if (payloadRemaining == 0) finishFrame(frame, nanos);
            return;
        }
        String where;
        if (state == State.PAYLOAD) {
            where = "runs " + (length - payloadRemaining) + " bytes past the end of frame #" + f.index
                    + " (" + f.kind().id() + ", " + f.payloadLength + " bytes)";
        } else if (headerHave > 0) {
            where = "inside the header of frame #" + f.index;
        } else {
            where = "between frames";
        }
        state = State.STOPPED;
        stopped = true;
        cutByGap = true;
        report(AnomalyCode.WS_CUT_BY_GAP, frame, nanos, streamOffset,
                "gap of " + length + " bytes " + where);
    }

    /** The sender's stream is over (FIN, RST, or the connection is gone). */
    public void end(long frame, long nanos) {
        if (state == State.HEADER && headerHave > 0) {
            truncated = true;
            report(AnomalyCode.WS_FRAME_TRUNCATED, "ended after " + headerHave + " of "
                    + (headerHave >= 2 ? headerNeed : 2) + " header bytes");
        } else if (state == State.PAYLOAD) {
            truncated = true;
            report(AnomalyCode.WS_FRAME_TRUNCATED, "ended " + payloadRemaining + " bytes short of the "
                    + f.payloadLength + "-byte payload of a " + f.kind().id() + " frame");
        }
        state = State.ENDED;
    }

    private void startFrame(long offset, long frame, long nanos) {
        f.index = frames;
        f.streamOffset = offset;
        f.frame = frame;
        f.nanos = nanos;
        f.missingBytes = 0;
        f.closeCode = -1;
        f.closeReason = null;
        f.previewLength = 0;
        controlHave = 0;
        payloadPos = 0;
    }

    private void beginPayload(long frame, long nanos) {
        int b0 = header[0] & 0xff;
        int b1 = header[1] & 0xff;
        f.fin = (b0 & 0x80) != 0;
        f.rsv = (b0 >> 4) & 7;
        f.opcode = b0 & 0x0f;
        f.masked = (b1 & 0x80) != 0;
        f.headerLength = headerNeed;
        int len7 = b1 & 0x7f;
        int p = 2;
        long length;
        if (len7 == 126) {
            length = ((header[2] & 0xffL) << 8) | (header[3] & 0xffL);
            p = 4;
            if (length < 126) {
                report(AnomalyCode.WS_NON_MINIMAL_LENGTH, "length " + length + " in the 16-bit form");
            }
        } else if (len7 == 127) {
            length = 0;
            for (int k = 2; k < 10; k++) length = (length << 8) | (header[k] & 0xffL);
            p = 10;
            if (length < 0) {
                // RFC 6455 section 5.2: the most significant bit MUST be 0. Such a frame cannot
                // end in any stream this side of 2^63 bytes, so there is nothing left to parse.
                report(AnomalyCode.WS_BAD_LENGTH, "64-bit length 0x" + Long.toHexString(length));
                state = State.STOPPED;
                stopped = true;
                return;
            }
            if (length < 65536) {
                report(AnomalyCode.WS_NON_MINIMAL_LENGTH, "length " + length + " in the 64-bit form");
            }
        } else {
            length = len7;
        }
        f.payloadLength = length;
        if (f.masked) System.arraycopy(header, p, mask, 0, 4);

        if (fromClient && !f.masked) report(AnomalyCode.WS_UNMASKED_CLIENT_FRAME, frameName());
        if (!fromClient && f.masked) report(AnomalyCode.WS_MASKED_SERVER_FRAME, frameName());

        FrameKind kind = f.kind();
        if (kind == FrameKind.RESERVED) report(AnomalyCode.WS_BAD_OPCODE, "opcode " + f.opcode);

        // RFC 7692 section 6: the deflate bit marks a compressed message on its first frame only.
        int allowed = (f.opcode == 1 || f.opcode == 2) ? allowedRsv : (allowedRsv == 7 ? 7 : allowedRsv & 3);
        if ((f.rsv & ~allowed) != 0) {
            report(AnomalyCode.WS_RESERVED_BITS, "RSV bits " + rsvNames(f.rsv & ~allowed) + " on " + frameName()
                    + (allowedRsv == 0 ? " (no extension negotiated)" : ""));
        }

        if (kind.control()) {
            if (!f.fin) report(AnomalyCode.WS_BAD_CONTROL_FRAME, kind.id() + " frame without FIN");
            if (length > MAX_CONTROL_PAYLOAD) {
                report(AnomalyCode.WS_BAD_CONTROL_FRAME, kind.id() + " frame with a " + length + "-byte payload");
            }
        }

        if (closeSent) {
            framesAfterClose++;
            if (framesAfterClose == 1) {
                report(AnomalyCode.WS_DATA_AFTER_CLOSE, frameName() + " after this side's close frame");
            }
        }
        if (kind == FrameKind.CONTINUATION) {
            if (!inMessage) report(AnomalyCode.WS_BAD_CONTINUATION, "continuation frame without a message in progress");
            else if (f.fin) inMessage = false;
        } else if (kind == FrameKind.TEXT || kind == FrameKind.BINARY) {
            if (inMessage) report(AnomalyCode.WS_BAD_CONTINUATION, kind.id() + " frame inside a fragmented message");
            inMessage = !f.fin;
        } else if (kind == FrameKind.CLOSE) {
            closeSent = true;
        }
        keepPreview = kind == FrameKind.TEXT;

        if (length == 0) {
            finishFrame(frame, nanos);
        } else {
            payloadRemaining = length;
            state = State.PAYLOAD;
        }
    }

    private void consume(byte[] buf, int off, int len) {
        int opcode = f.opcode;
        if (opcode == 8) {
            int n = Math.min(len, MAX_CONTROL_PAYLOAD - controlHave);
            // A gap before these bytes leaves holes; keep only a payload seen from its start.
            if (f.missingBytes == 0) {
                for (int k = 0; k < n; k++) control[controlHave + k] = unmask(buf[off + k], payloadPos + k);
                controlHave += Math.max(n, 0);
            }
        } else if (keepPreview && f.missingBytes == 0 && f.previewLength < PREVIEW_BYTES) {
            int n = Math.min(len, PREVIEW_BYTES - f.previewLength);
            for (int k = 0; k < n; k++) f.preview[f.previewLength + k] = unmask(buf[off + k], payloadPos + k);
            f.previewLength += n;
        }
        payloadBytes += len;
    }

    private byte unmask(byte b, long pos) {
        return f.masked ? (byte) (b ^ mask[(int) (pos & 3)]) : b;
    }

    private void finishFrame(long frame, long nanos) {
        f.lastFrame = frame;
        f.lastNanos = nanos;
        if (f.opcode == 8 && f.missingBytes == 0) closePayload();
        frames++;
        state = State.HEADER;
        headerHave = 0;
        headerNeed = 2;
        listener.frame(f);
    }

    /** RFC 6455 sections 5.5.1 and 7.4: an empty payload, or a code then a UTF-8 reason. */
    private void closePayload() {
        long length = f.payloadLength;
        if (length == 0) return;
        if (length == 1) {
            report(AnomalyCode.WS_BAD_CLOSE, "1-byte close payload");
            return;
        }
        int code = ((control[0] & 0xff) << 8) | (control[1] & 0xff);
        f.closeCode = code;
        if (!closeCodeAllowed(code)) report(AnomalyCode.WS_BAD_CLOSE, "close code " + code + " not allowed on the wire");
        int reasonLength = controlHave - 2;
        if (reasonLength > 0) {
            f.closeReason = new String(control, 2, reasonLength, StandardCharsets.UTF_8);
            // An over-long close frame is cut at 125 bytes here: its reason may end mid-character.
            if (length <= MAX_CONTROL_PAYLOAD && !Text.isUtf8(control, 2, reasonLength)) {
                report(AnomalyCode.WS_BAD_CLOSE, "close reason is not valid UTF-8");
            }
        }
    }

    /**
     * Codes an endpoint may send (RFC 6455 section 7.4.1; 1012-1014 registered with IANA since
     * and sent by real servers). 1005, 1006 and 1015 are for reporting only and must never be
     * sent; 0-999 are unused and 1016-2999 reserved.
     */
    public static boolean closeCodeAllowed(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    }

    private String frameName() {
        return f.kind().id() + " frame #" + f.index;
    }

    private static String rsvNames(int bits) {
        StringBuilder b = new StringBuilder();
        if ((bits & 4) != 0) b.append("RSV1");
        if ((bits & 2) != 0) b.append(b.length() > 0 ? "+" : "").append("RSV2");
        if ((bits & 1) != 0) b.append(b.length() > 0 ? "+" : "").append("RSV3");
        return b.toString();
    }

    private void report(AnomalyCode code, String detail) {
        report(code, f.frame, f.nanos, f.streamOffset, detail);
    }

    private void report(AnomalyCode code, long frame, long nanos, long offset, String detail) {
        if (anomalies >= MAX_ANOMALIES) {
            suppressed++;
            return;
        }
        anomalies++;
        listener.anomaly(new Anomaly(code, connection, dir, frame, nanos, offset, detail));
    }

    public Direction direction() { return dir; }
    /** Complete frames parsed. */
    public long frames() { return frames; }
    /** Payload bytes seen (gaps not counted), complete frames or not. */
    public long payloadBytes() { return payloadBytes; }
    /** This side sent a close frame (its header has been parsed). */
    public boolean closeSent() { return closeSent; }
    public long framesAfterClose() { return framesAfterClose; }
    /** The stream ended inside a frame. */
    public boolean truncated() { return truncated; }
    /** A gap stopped parsing. */
    public boolean cutByGap() { return cutByGap; }
    /** Parsing stopped for good: a gap or an impossible length. */
    public boolean stopped() { return stopped; }
    public boolean ended() { return state == State.ENDED; }
    /** Inside a frame: some of its header or payload has been seen, not all. */
    public boolean insideFrame() { return (state == State.HEADER && headerHave > 0) || state == State.PAYLOAD; }
    public long suppressedAnomalies() { return suppressed; }
}
