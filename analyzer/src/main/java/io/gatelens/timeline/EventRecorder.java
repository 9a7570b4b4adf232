package io.gatelens.timeline;

import io.gatelens.anomaly.Anomaly;
import io.gatelens.flow.Connection;
import io.gatelens.http.RequestHead;
import io.gatelens.http.ResponseHead;
import io.gatelens.http.Transaction;
import io.gatelens.http.TransactionEnd;
import io.gatelens.pipeline.TransactionRow;
import io.gatelens.report.Escape;
import io.gatelens.tcp.Direction;
import io.gatelens.tcp.SegmentEvent;
import io.gatelens.tcp.StreamListener;
import io.gatelens.tcp.TcpStats;
import io.gatelens.ws.FrameKind;
import io.gatelens.ws.WebSocketSummary;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * Writes down one selected connection's life as timeline events while the pass reads it: the
 * handshake, resets, FINs, retransmissions and window events from TCP; request and response
 * heads and bodies and WebSocket frames from its HTTP analysis (which it feeds); runs of bytes
 * that no HTTP exchange explains (a TLS handshake to a plain-HTTP port, say). Runs of the same
 * thing in one direction become one event covering their frames, so a lane stays readable and
 * bounded ({@link #cap} events, the rest counted).
 */
final class EventRecorder implements StreamListener {
    private final Connection connection;
    private final StreamListener http;
    private final int cap;
    private final List<TimelineEvent> events = new ArrayList<>();
    /** Bytes per direction not yet known to belong to an exchange: kept as runs, shown if none does. */
    private final List<TimelineEvent> data = new ArrayList<>();
    private final Run[] dataRun = {new Run(), new Run()};
    private final Run[] retransmitted = {new Run(), new Run()};
    private boolean anyExchange;
    /** The frame of a 101 that switched the connection to WebSocket: bytes after it are frames. */
    private long upgradeFrame = Long.MAX_VALUE;
    private final TimelineEvent[] webSocketSummary = new TimelineEvent[2];
    private long truncated;
    private Lane lane;

    /** {@code http} makes the connection's HTTP analysis, given the sink for its exchanges. */
    EventRecorder(Connection connection, int cap, Function<java.util.function.Consumer<TransactionRow>, StreamListener> http) {
        this.connection = connection;
        this.cap = cap;
        this.http = http.apply(this::exchange);
    }

    /** Consecutive segments of one kind in one direction. */
    private static final class Run {
        long firstFrame = -1, lastFrame, firstNanos, bytes, segments;

        boolean open() { return firstFrame >= 0; }

        void add(long frame, long nanos, long len) {
            if (firstFrame < 0) {
                firstFrame = frame;
                firstNanos = nanos;
            }
            lastFrame = frame;
            bytes += len;
            segments++;
        }

        void reset() {
            firstFrame = -1;
            bytes = 0;
            segments = 0;
        }
    }

    @Override
    public void data(Direction dir, byte[] buf, int off, int len, long streamOffset, long frame, long nanos) {
        http.data(dir, buf, off, len, streamOffset, frame, nanos);
        Run other = dataRun[1 - dir.ordinal()];
        if (other.open()) closeData(Direction.values()[1 - dir.ordinal()]);
        dataRun[dir.ordinal()].add(frame, nanos, len);
    }

    @Override
    public void gap(Direction dir, long streamOffset, long length, long frame, long nanos) {
        http.gap(dir, streamOffset, length, frame, nanos);
        add(frame, frame, nanos, dir, EventKind.GAP, length + " bytes the capture did not see");
    }

    @Override
    public void fin(Direction dir, long frame, long nanos) {
        http.fin(dir, frame, nanos);
        add(frame, frame, nanos, dir, EventKind.FIN, "FIN: " + side(dir) + " has no more to send");
    }

    @Override
    public void reset(Direction dir, boolean afterFin, long frame, long nanos) {
        http.reset(dir, afterFin, frame, nanos);
        add(frame, frame, nanos, dir, EventKind.RST, "RST from the " + side(dir) + (afterFin ? " (after its FIN)" : ""));
    }

    @Override
    public void anomaly(Anomaly a) {
        http.anomaly(a);
    }

    @Override
    public void segment(SegmentEvent event, Direction dir, long frame, long nanos) {
        http.segment(event, dir, frame, nanos);
        switch (event) {
            case SYN -> add(frame, frame, nanos, dir, EventKind.SYN, "SYN: connect to " + connection.server());
            case SYN_ACK -> add(frame, frame, nanos, dir, EventKind.SYN_ACK, "SYN-ACK: the server accepts");
            case SYN_RETRANSMITTED -> add(frame, frame, nanos, dir, EventKind.RETRANSMISSION,
                    "SYN sent again: the first got no answer");
            case SYN_ACK_RETRANSMITTED -> add(frame, frame, nanos, dir, EventKind.RETRANSMISSION, "SYN-ACK sent again");
            case RETRANSMISSION -> retransmitted[dir.ordinal()].add(frame, nanos, 0);
            case ZERO_WINDOW -> add(frame, frame, nanos, dir, EventKind.ZERO_WINDOW,
                    "zero window: the " + side(dir) + " stopped reading");
            case WINDOW_OPENED -> add(frame, frame, nanos, dir, EventKind.OTHER, "window open again: the " + side(dir)
                    + " reads again");
        }
    }

    @Override
    public void closed(TcpStats stats) {
        http.closed(stats);
        for (Direction d : Direction.values()) {
            closeRetransmitted(d);
            if (dataRun[d.ordinal()].open()) closeData(d);
        }
        // Bytes no HTTP message covers (a TLS ClientHello to a plain-HTTP port, bytes before a
        // garbage status line): shown, since they are often the point. After a 101 they are the
        // WebSocket frames: the summary of each direction goes at its first run.
        for (TimelineEvent e : data) {
            if (e.frame() > upgradeFrame) {
                TimelineEvent summary = webSocketSummary[e.direction().ordinal()];
                if (summary == null && coveredByHttp(e)) continue; // a close frame, already shown
                webSocketSummary[e.direction().ordinal()] = null;
                append(new TimelineEvent(e.connection(), e.frame(), e.lastFrame(), e.nanos(), e.direction(),
                        EventKind.WEBSOCKET, summary != null ? summary.text()
                        : e.text().replace("bytes that are not HTTP", "bytes of WebSocket frames")));
            } else if (!coveredByHttp(e)) {
                append(e);
            }
        }
        for (TimelineEvent summary : webSocketSummary) if (summary != null) append(summary);
        events.sort(Comparator.comparingLong(TimelineEvent::frame));
        lane = new Lane(connection.id(), connection.client(), connection.server(), null, events, truncated);
    }

    private boolean coveredByHttp(TimelineEvent run) {
        if (!anyExchange) return false;
        for (TimelineEvent e : events) {
            if (e.direction() != run.direction()) continue;
            boolean http = switch (e.kind()) {
                case REQUEST, REQUEST_BODY, RESPONSE, RESPONSE_BODY, WEBSOCKET -> true;
                default -> false;
            };
            if (http && e.frame() <= run.lastFrame() && e.lastFrame() >= run.frame()) return true;
        }
        return false;
    }

    /** The lane, once the connection closed (role filled in by the caller); null before. */
    Lane lane() {
        return lane;
    }

    private void exchange(TransactionRow row) {
        anyExchange = true;
        Transaction t = row.transaction();
        RequestHead req = t.request();
        if (req != null && t.requestFirstFrame() >= 0) {
            add(t.requestFirstFrame(), t.requestFirstFrame(), t.requestFirstNanos(), Direction.CLIENT_TO_SERVER,
                    EventKind.REQUEST, Escape.text(req.method() + " " + req.target() + " " + req.version()));
            if (t.requestBodyBytes() > 0) {
                add(t.requestFirstFrame(), t.requestLastFrame(), t.requestFirstNanos(), Direction.CLIENT_TO_SERVER,
                        EventKind.REQUEST_BODY, body(t.requestBodyBytes(), t.requestFirstNanos(), t.requestLastNanos(),
                                t.requestFirstFrame(), t.requestLastFrame()));
            }
        }
        ResponseHead resp = t.response();
        if (resp != null && t.responseFirstFrame() >= 0) {
            add(t.responseFirstFrame(), t.responseFirstFrame(), t.responseFirstNanos(), Direction.SERVER_TO_CLIENT,
                    EventKind.RESPONSE, Escape.text(resp.version() + " " + resp.status() + " " + resp.reason()));
            if (t.responseBodyBytes() > 0) {
                add(t.responseFirstFrame(), t.responseLastFrame(), t.responseFirstNanos(), Direction.SERVER_TO_CLIENT,
                        EventKind.RESPONSE_BODY, body(t.responseBodyBytes(), t.responseFirstNanos(),
                                t.responseLastNanos(), t.responseFirstFrame(), t.responseLastFrame()));
            }
        }
        // A reset or early FIN shows as its own TCP event; other ends say what the bytes did.
        if (t.end() == TransactionEnd.BODY_TRUNCATED || t.end() == TransactionEnd.BODY_MALFORMED
                || t.end() == TransactionEnd.CUT_BY_GAP || t.end() == TransactionEnd.CAPTURE_ENDED) {
            long frame = Math.max(t.responseLastFrame(), t.requestLastFrame());
            long nanos = Math.max(t.responseLastNanos(), t.requestLastNanos());
            if (frame >= 0) {
                add(frame, frame, nanos, resp == null ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT,
                        EventKind.OTHER, "exchange ended: " + t.end().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
            }
        }
        WebSocketSummary ws = row.webSocket();
        if (ws != null && resp != null && resp.status() == 101) upgradeFrame = t.responseFirstFrame();
        if (ws != null) {
            for (Direction d : Direction.values()) webSocket(ws, d);
        }
    }

    private void webSocket(WebSocketSummary ws, Direction d) {
        long frames = ws.frames(d);
        if (frames > 0) {
            StringBuilder b = new StringBuilder("WebSocket: ").append(frames).append(frames == 1 ? " frame" : " frames");
            String sep = " (";
            for (FrameKind k : FrameKind.values()) {
                long n = ws.frames(d, k);
                if (n > 0) {
                    b.append(sep).append(n).append(' ').append(k.name().toLowerCase(java.util.Locale.ROOT));
                    sep = ", ";
                }
            }
            if (!sep.equals(" (")) b.append(')');
            b.append(", ").append(ws.payloadBytes(d)).append(" payload bytes");
            if (ws.firstText(d) != null) b.append(", first text '").append(Escape.text(ws.firstText(d))).append('\'');
            // Placed at the direction's first bytes after the 101 when the connection closes.
            long frame = ws.outcomeFrame();
            webSocketSummary[d.ordinal()] = new TimelineEvent(connection.id(), frame, frame, ws.outcomeNanos(), d,
                    EventKind.WEBSOCKET, b.toString());
        }
        if (ws.closeSent(d)) {
            String reason = ws.closeReason(d);
            add(ws.closeFrame(d), ws.closeFrame(d), ws.closeNanos(d), d, EventKind.WEBSOCKET,
                    "WebSocket close " + ws.closeCode(d) + (reason == null || reason.isEmpty() ? "" : " '" + Escape.text(reason) + "'"));
        }
    }

    private static String body(long bytes, long firstNanos, long lastNanos, long firstFrame, long lastFrame) {
        StringBuilder b = new StringBuilder("body ").append(bytes).append(bytes == 1 ? " byte" : " bytes");
        if (lastFrame > firstFrame && lastNanos >= firstNanos) {
            b.append(" over ").append(io.gatelens.detect.Proof.duration(lastNanos - firstNanos))
                    .append(", frames ").append(firstFrame).append('-').append(lastFrame);
        }
        return b.toString();
    }

    private void closeRetransmitted(Direction d) {
        Run r = retransmitted[d.ordinal()];
        if (!r.open()) return;
        add(r.firstFrame, r.lastFrame, r.firstNanos, d, EventKind.RETRANSMISSION,
                r.segments == 1 ? "a segment sent again" : r.segments + " segments sent again");
        r.reset();
    }

    private void closeData(Direction d) {
        Run r = dataRun[d.ordinal()];
        if (data.size() < cap) {
            data.add(new TimelineEvent(connection.id(), r.firstFrame, r.lastFrame, r.firstNanos, d, EventKind.OTHER,
                    r.bytes + " bytes that are not HTTP" + (r.segments > 1 ? " in " + r.segments + " segments" : "")));
        }
        r.reset();
    }

    private void add(long frame, long lastFrame, long nanos, Direction dir, EventKind kind, String text) {
        // A retransmission run ends where anything else happens in its direction.
        if (kind != EventKind.RETRANSMISSION) closeRetransmitted(dir);
        append(new TimelineEvent(connection.id(), frame, lastFrame, nanos, dir, kind, text));
    }

    private void append(TimelineEvent e) {
        if (events.size() >= cap) {
            truncated++;
            return;
        }
        events.add(e);
    }

    private static String side(Direction d) {
        return d == Direction.CLIENT_TO_SERVER ? "client" : "server";
    }
}
