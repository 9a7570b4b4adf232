package io.gatelens.ws;

import io.gatelens.tcp.Direction;

/**
 * What one WebSocket connection carried and how it ended. Filled in by its
 * {@link WebSocketSession} as bytes arrive; read it once the session is closed (before that,
 * {@link #outcome()} says how things stand so far).
 */
public final class WebSocketSummary {
    private static final int KINDS = FrameKind.values().length;

    final long[][] frames = new long[2][KINDS];
    final long[][] payloadBytes = new long[2][KINDS];
    final long[] messages = new long[2];
    final long[] missingBytes = new long[2];
    final int[] closeCode = {-1, -1};
    final String[] closeReason = new String[2];
    final long[] closeFrame = {-1, -1};
    final long[] closeNanos = new long[2];
    Direction firstCloser;
    final long[] framesAfterClose = new long[2];
    final String[] firstText = new String[2];
    final long[] finFrame = {-1, -1};
    final long[] finNanos = new long[2];
    Direction resetBy;
    long resetFrame = -1;
    long resetNanos;
    final boolean[] truncated = new boolean[2];
    final boolean[] cutByGap = new boolean[2];
    long cutFrame = -1;
    long cutNanos;
    long anomalies;
    long suppressedAnomalies;
    long lastFrame = -1;
    long lastNanos;
    boolean closed;

    WebSocketSummary() {}

    public long frames(Direction d) {
        long n = 0;
        for (long v : frames[d.ordinal()]) n += v;
        return n;
    }

    public long frames(Direction d, FrameKind k) { return frames[d.ordinal()][k.ordinal()]; }

    /** Payload bytes of complete frames, as claimed by their headers (gap bytes included). */
    public long payloadBytes(Direction d) {
        long n = 0;
        for (long v : payloadBytes[d.ordinal()]) n += v;
        return n;
    }

    public long payloadBytes(Direction d, FrameKind k) { return payloadBytes[d.ordinal()][k.ordinal()]; }

    /** Complete data messages (a text or binary frame with FIN, or the final continuation). */
    public long messages(Direction d) { return messages[d.ordinal()]; }

    /** Payload bytes of complete frames lost to capture gaps. */
    public long missingBytes(Direction d) { return missingBytes[d.ordinal()]; }

    public boolean closeSent(Direction d) { return closeFrame[d.ordinal()] >= 0; }
    /** The code in {@code d}'s first close frame, or -1 (none sent, or it carried none). */
    public int closeCode(Direction d) { return closeCode[d.ordinal()]; }
    public String closeReason(Direction d) { return closeReason[d.ordinal()]; }
    /** Capture frame of the first byte of {@code d}'s first close frame, or -1. */
    public long closeFrame(Direction d) { return closeFrame[d.ordinal()]; }
    public long closeNanos(Direction d) { return closeNanos[d.ordinal()]; }
    /** Who sent the first close frame, or null. */
    public Direction firstCloser() { return firstCloser; }
    /** The other side answered the first close frame with its own. */
    public boolean closeAnswered() { return closeSent(Direction.CLIENT_TO_SERVER) && closeSent(Direction.SERVER_TO_CLIENT); }
    public long framesAfterClose(Direction d) { return framesAfterClose[d.ordinal()]; }
    /** Start of the first text message in {@code d} (up to {@link WebSocketFrameParser#PREVIEW_BYTES} bytes), or null. */
    public String firstText(Direction d) { return firstText[d.ordinal()]; }
    public long finFrame(Direction d) { return finFrame[d.ordinal()]; }
    /** Who reset the connection first, or null. */
    public Direction resetBy() { return resetBy; }
    public long resetFrame() { return resetFrame; }
    public boolean truncated(Direction d) { return truncated[d.ordinal()]; }
    public boolean cutByGap(Direction d) { return cutByGap[d.ordinal()]; }
    /** WebSocket anomalies found (reported or suppressed by the per-direction cap). */
    public long anomalies() { return anomalies + suppressedAnomalies; }
    public long suppressedAnomalies() { return suppressedAnomalies; }
    /** The session has been told the connection is over. */
    public boolean closed() { return closed; }

    public WebSocketOutcome outcome() {
        boolean c2s = closeSent(Direction.CLIENT_TO_SERVER);
        boolean s2c = closeSent(Direction.SERVER_TO_CLIENT);
        if (c2s && s2c) return WebSocketOutcome.CLOSED_CLEANLY;
        if (c2s || s2c) return WebSocketOutcome.CLOSED_ONE_WAY;
        if (resetBy != null) return WebSocketOutcome.RESET_AFTER_UPGRADE;
        if (truncated[0] || truncated[1] || cutByGap[0] || cutByGap[1]) return WebSocketOutcome.TRUNCATED;
        if (finFrame[0] >= 0 || finFrame[1] >= 0) return WebSocketOutcome.CLOSED_WITHOUT_CLOSE_FRAME;
        return WebSocketOutcome.OPEN_AT_END;
    }

    /**
     * Capture frame of the event that decided the outcome: the answering close frame, the lone
     * close frame, the RST, the FIN or gap that cut a frame, the first FIN; for open_at_end the
     * last frame that carried anything (-1 if none).
     */
    public long outcomeFrame() {
        switch (outcome()) {
            case CLOSED_CLEANLY: return closeFrame[firstCloser.reverse().ordinal()];
            case CLOSED_ONE_WAY: return closeFrame[firstCloser.ordinal()];
            case RESET_AFTER_UPGRADE: return resetFrame;
            case TRUNCATED: return cutFrame;
            case CLOSED_WITHOUT_CLOSE_FRAME: return firstFin(true);
            default: return lastFrame;
        }
    }

    public long outcomeNanos() {
        switch (outcome()) {
            case CLOSED_CLEANLY: return closeNanos[firstCloser.reverse().ordinal()];
            case CLOSED_ONE_WAY: return closeNanos[firstCloser.ordinal()];
            case RESET_AFTER_UPGRADE: return resetNanos;
            case TRUNCATED: return cutNanos;
            case CLOSED_WITHOUT_CLOSE_FRAME: return firstFin(false);
            default: return lastNanos;
        }
    }

    private long firstFin(boolean frame) {
        int i;
        if (finFrame[0] < 0) i = 1;
        else if (finFrame[1] < 0) i = 0;
        else i = finFrame[0] <= finFrame[1] ? 0 : 1;
        return frame ? finFrame[i] : finNanos[i];
    }
}
