package io.gatelens.http;

import io.gatelens.anomaly.Anomaly;
import io.gatelens.anomaly.AnomalyCode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Test listener: every event as one line of text, so runs can be compared whole. */
final class Recorder implements HttpListener {
    final List<String> events = new ArrayList<>();
    final List<Anomaly> anomalies = new ArrayList<>();
    final List<RequestHead> requests = new ArrayList<>();
    final List<ResponseHead> responses = new ArrayList<>();
    final List<MessageEnd> ends = new ArrayList<>();
    final StringBuilder passed = new StringBuilder();
    /** Methods the response parser is told it is answering, oldest first. */
    final java.util.ArrayDeque<String> methods = new java.util.ArrayDeque<>();
    final boolean withFrames;

    Recorder(boolean withFrames) {
        this.withFrames = withFrames;
    }

    Recorder() {
        this(false);
    }

    String methodOfNextResponse() {
        return methods.peekFirst();
    }

    private static String headers(Headers h) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < h.size(); i++) {
            if (i > 0) sb.append("|");
            sb.append(h.name(i)).append('=').append(h.value(i));
        }
        return sb.append('}').toString();
    }

    private String where(long offset, long frame, long nanos) {
        return "@" + offset + (withFrames ? " f" + frame + " t" + nanos : "");
    }

    @Override
    public void requestHead(RequestHead h) {
        requests.add(h);
        events.add("request " + h.method() + " " + h.target() + " " + h.version() + " " + headers(h.headers())
                + " " + where(h.streamOffset(), h.frame(), h.nanos()));
    }

    @Override
    public void responseHead(ResponseHead h) {
        responses.add(h);
        if (!h.interim() && !methods.isEmpty()) methods.pollFirst();
        events.add("response " + h.version() + " " + h.status() + " " + h.reason() + " " + headers(h.headers())
                + " " + where(h.streamOffset(), h.frame(), h.nanos()));
    }

    @Override
    public void messageEnd(MessageEnd e) {
        ends.add(e);
        events.add("end " + e.how() + " " + e.endKind() + " body=" + e.bodyBytes() + " gap=" + e.cutByGap()
                + " to=" + e.endOffset() + (withFrames ? " f" + e.lastFrame() : "")
                + (e.trailers() == null ? "" : " trailers=" + headers(e.trailers())));
    }

    @Override
    public void anomaly(Anomaly a) {
        anomalies.add(a);
        events.add("anomaly " + a.code().id() + " " + where(a.streamOffset(), a.frame(), a.nanos()) + " " + a.detail());
    }

    @Override
    public void passthrough(byte[] buf, int off, int len, long streamOffset, long frame, long nanos) {
        passed.append(new String(buf, off, len, StandardCharsets.ISO_8859_1));
    }

    List<AnomalyCode> codes() {
        List<AnomalyCode> out = new ArrayList<>();
        for (Anomaly a : anomalies) out.add(a.code());
        return out;
    }

    Anomaly only(AnomalyCode code) {
        Anomaly found = null;
        for (Anomaly a : anomalies) {
            if (a.code() == code) {
                if (found != null) throw new AssertionError("two " + code + ": " + events);
                found = a;
            }
        }
        if (found == null) throw new AssertionError("no " + code + " in " + events);
        return found;
    }
}
