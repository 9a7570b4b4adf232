package io.gatelens.ws;

import io.gatelens.anomaly.Anomaly;
import io.gatelens.anomaly.AnomalySink;
import io.gatelens.tcp.Direction;
import io.gatelens.tcp.StreamListener;
import io.gatelens.tcp.TcpStats;

/**
 * One WebSocket connection after its 101: the HTTP layer hands it every later byte of both
 * directions (stream offsets as in the TCP streams). It runs a frame parser per direction and
 * keeps a {@link WebSocketSummary}. WebSocket anomalies go to the sink with the connection id;
 * anomalies the reassembler reports through {@link #anomaly} are passed on unchanged.
 */
public final class WebSocketSession implements StreamListener {
    private final long connection;
    private final AnomalySink sink;
    private final WebSocketListener frames;
    private final WebSocketFrameParser[] parsers = new WebSocketFrameParser[2];
    private final WebSocketSummary summary = new WebSocketSummary();
    /** A fragmented message is in progress, per direction, for counting messages. */
    private final boolean[] inMessage = new boolean[2];

    public WebSocketSession(long connection, HandshakeResult handshake, AnomalySink sink) {
        this(connection, handshake == null ? 0 : handshake.allowedRsv(), sink, null);
    }

    /**
     * @param allowedRsv RSV bits the negotiated extensions may set ({@link HandshakeResult#allowedRsv()})
     * @param frames     also told of every frame, or null
     */
    public WebSocketSession(long connection, int allowedRsv, AnomalySink sink, WebSocketListener frames) {
        this.connection = connection;
        this.sink = sink;
        this.frames = frames;
        WebSocketListener mine = new WebSocketListener() {
            @Override public void frame(WebSocketFrame f) { onFrame(f); }
            @Override public void anomaly(Anomaly a) { onAnomaly(a); }
        };
        for (Direction d : Direction.values()) {
            parsers[d.ordinal()] = new WebSocketFrameParser(connection, d, allowedRsv, mine);
        }
    }

    public long connection() { return connection; }
    public WebSocketSummary summary() { return summary; }

    @Override
    public void data(Direction dir, byte[] buf, int off, int len, long streamOffset, long frame, long nanos) {
        seen(frame, nanos);
        parsers[dir.ordinal()].data(buf, off, len, streamOffset, frame, nanos);
    }

    @Override
    public void gap(Direction dir, long streamOffset, long length, long frame, long nanos) {
        seen(frame, nanos);
        WebSocketFrameParser p = parsers[dir.ordinal()];
        p.gap(streamOffset, length, frame, nanos);
        if (p.cutByGap() && !summary.cutByGap[dir.ordinal()]) {
            summary.cutByGap[dir.ordinal()] = true;
            cut(frame, nanos);
        }
    }

    @Override
    public void fin(Direction dir, long frame, long nanos) {
        seen(frame, nanos);
        int d = dir.ordinal();
        if (summary.finFrame[d] < 0) {
            summary.finFrame[d] = frame;
            summary.finNanos[d] = nanos;
        }
        end(dir, frame, nanos);
    }

    @Override
    public void reset(Direction dir, boolean afterFin, long frame, long nanos) {
        seen(frame, nanos);
        if (summary.resetBy == null) {
            summary.resetBy = dir;
            summary.resetFrame = frame;
            summary.resetNanos = nanos;
        }
        // Whatever either side had in flight is lost with the connection.
        end(dir, frame, nanos);
        end(dir.reverse(), frame, nanos);
    }

    @Override
    public void closed(TcpStats stats) {
        // A direction neither FIN nor RST ended was still open when the capture stopped: a frame
        // in progress there is not truncated, just not seen to its end.
        summary.closed = true;
        summary.suppressedAnomalies = parsers[0].suppressedAnomalies() + parsers[1].suppressedAnomalies();
    }

    @Override
    public void anomaly(Anomaly a) {
        sink.anomaly(a);
    }

    private void end(Direction dir, long frame, long nanos) {
        WebSocketFrameParser p = parsers[dir.ordinal()];
        if (p.ended()) return;
        p.end(frame, nanos);
        if (p.truncated()) {
            summary.truncated[dir.ordinal()] = true;
            cut(frame, nanos);
        }
        summary.suppressedAnomalies = parsers[0].suppressedAnomalies() + parsers[1].suppressedAnomalies();
    }

    private void cut(long frame, long nanos) {
        if (summary.cutFrame < 0) {
            summary.cutFrame = frame;
            summary.cutNanos = nanos;
        }
    }

    private void seen(long frame, long nanos) {
        summary.lastFrame = frame;
        summary.lastNanos = nanos;
    }

    private void onAnomaly(Anomaly a) {
        summary.anomalies++;
        sink.anomaly(a);
    }

    private void onFrame(WebSocketFrame f) {
        int d = f.direction().ordinal();
        FrameKind kind = f.kind();
        summary.frames[d][kind.ordinal()]++;
        summary.payloadBytes[d][kind.ordinal()] += f.payloadLength();
        summary.missingBytes[d] += f.missingBytes();
        if (summary.closeFrame[d] >= 0) summary.framesAfterClose[d]++;
        if (kind == FrameKind.TEXT || kind == FrameKind.BINARY) {
            inMessage[d] = !f.fin();
            if (f.fin()) summary.messages[d]++;
            if (kind == FrameKind.TEXT && summary.firstText[d] == null && f.previewLength() > 0) {
                summary.firstText[d] = f.previewText();
            }
        } else if (kind == FrameKind.CONTINUATION && inMessage[d] && f.fin()) {
            inMessage[d] = false;
            summary.messages[d]++;
        } else if (kind == FrameKind.CLOSE && summary.closeFrame[d] < 0) {
            summary.closeFrame[d] = f.frame();
            summary.closeNanos[d] = f.nanos();
            summary.closeCode[d] = f.closeCode();
            summary.closeReason[d] = f.closeReason();
            if (summary.firstCloser == null) summary.firstCloser = f.direction();
        }
        if (frames != null) frames.frame(f);
    }
}
