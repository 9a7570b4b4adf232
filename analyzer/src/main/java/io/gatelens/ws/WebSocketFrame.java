package io.gatelens.ws;

import io.gatelens.tcp.Direction;

import java.nio.charset.StandardCharsets;

/**
 * One frame as parsed, handed to a {@link WebSocketListener} once its last byte has arrived.
 * The parser reuses one instance per direction, so it is only valid during the call. Payload
 * bytes are not kept: only a close frame's payload (for its code and reason) and the first
 * {@link WebSocketFrameParser#PREVIEW_BYTES} unmasked bytes of a text message's first frame.
 */
public final class WebSocketFrame {
    Direction direction;
    long index;
    int opcode;
    boolean fin;
    int rsv;
    boolean masked;
    long payloadLength;
    int headerLength;
    long streamOffset;
    long frame;
    long nanos;
    long lastFrame;
    long lastNanos;
    long missingBytes;
    int closeCode = -1;
    String closeReason;
    final byte[] preview = new byte[WebSocketFrameParser.PREVIEW_BYTES];
    int previewLength;

    WebSocketFrame() {}

    public Direction direction() { return direction; }
    /** 0-based count of frames in this direction. */
    public long index() { return index; }
    public int opcode() { return opcode; }
    public FrameKind kind() { return FrameKind.of(opcode); }
    public boolean fin() { return fin; }
    /** RSV1-3 as a 3-bit number: RSV1 = 4, RSV2 = 2, RSV3 = 1. */
    public int rsv() { return rsv; }
    public boolean masked() { return masked; }
    public long payloadLength() { return payloadLength; }
    public int headerLength() { return headerLength; }
    /** Offset of the frame's first byte in its direction's TCP stream. */
    public long streamOffset() { return streamOffset; }
    /** Capture frame number (1-based) and time of the segment carrying the frame's first byte. */
    public long frame() { return frame; }
    public long nanos() { return nanos; }
    /** Capture frame number and time of the segment carrying the frame's last byte. */
    public long lastFrame() { return lastFrame; }
    public long lastNanos() { return lastNanos; }
    /** Payload bytes the capture lost to gaps (skipped, the frame's length being known). */
    public long missingBytes() { return missingBytes; }
    /** The close status code, or -1 (not a close frame, no code in it, or lost to a gap). */
    public int closeCode() { return closeCode; }
    /** The close reason (invalid UTF-8 replaced), or null without one. */
    public String closeReason() { return closeReason; }
    public int previewLength() { return previewLength; }
    public byte previewByte(int i) { return preview[i]; }

    /** The preview decoded as UTF-8 (a character cut at the end is replaced), or null. */
    public String previewText() {
        return previewLength == 0 ? null : new String(preview, 0, previewLength, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(96);
        b.append(direction.arrow()).append(" #").append(index).append(' ').append(kind().id())
                .append(" op=").append(opcode).append(fin ? " fin" : " more").append(" rsv=").append(rsv)
                .append(masked ? " masked" : " unmasked").append(" len=").append(payloadLength)
                .append(" hdr=").append(headerLength).append(" @").append(streamOffset)
                .append(" frame=").append(frame).append('-').append(lastFrame);
        if (missingBytes > 0) b.append(" missing=").append(missingBytes);
        if (closeCode >= 0) b.append(" code=").append(closeCode);
        if (closeReason != null) b.append(" reason=").append(Text.quote(closeReason));
        if (previewLength > 0) b.append(" preview=").append(Text.quote(previewText()));
        return b.toString();
    }
}
