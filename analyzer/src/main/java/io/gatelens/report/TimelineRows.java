package io.gatelens.report;

import io.gatelens.finding.ClientResponse;
import io.gatelens.finding.Evidence;
import io.gatelens.finding.Finding;
import io.gatelens.timeline.Lane;
import io.gatelens.timeline.Timeline;
import io.gatelens.timeline.TimelineEvent;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A timeline's events in the order both renderers show them, and where each finding's frames
 * fall among them. Shared so the text and the JSON lines agree on which event a finding cites.
 */
final class TimelineRows {
    /** One event and the index of its lane in {@link Timeline#lanes()}. */
    record Row(TimelineEvent event, int lane) {}

    /** A frame a finding cites, and what it shows there; placed after row {@code after} (-1: before all). */
    record Marker(Timeline.Numbered finding, long frame, String what, int after) {}

    final List<Row> rows;
    /** Markers in row order, then by finding number and frame. */
    final List<Marker> markers;

    TimelineRows(Timeline t) {
        List<Row> all = new ArrayList<>();
        for (int i = 0; i < t.lanes().size(); i++) {
            for (TimelineEvent e : t.lanes().get(i).events()) all.add(new Row(e, i));
        }
        // One time axis: by time, then frame (the capture's order when two frames share a
        // timestamp), then lane. Frame numbers alone would do on one interface, but a capture
        // merged from two interfaces (client side, upstream side) can hold frames out of time order.
        all.sort(Comparator.comparingLong((Row r) -> r.event().nanos())
                .thenComparingLong(r -> r.event().frame())
                .thenComparingInt(Row::lane));
        this.rows = List.copyOf(all);

        List<Marker> ms = new ArrayList<>();
        for (Timeline.Numbered n : t.findings()) {
            Finding f = n.finding();
            List<Long> seen = new ArrayList<>();
            for (Evidence e : f.evidence()) {
                if (seen.contains(e.frame())) continue;
                seen.add(e.frame());
                ms.add(new Marker(n, e.frame(), e.what(), place(e.frame(), f.connection())));
            }
            ClientResponse c = f.client();
            if (c != null && c.frame() >= 0 && !seen.contains(c.frame())) {
                String what = c.status() >= 0 ? "client got " + c.status() : "client got no valid status line";
                ms.add(new Marker(n, c.frame(), what, place(c.frame(), c.connection())));
            }
        }
        ms.sort(Comparator.comparingInt(Marker::after)
                .thenComparingInt((Marker m) -> m.finding().number())
                .thenComparingLong(Marker::frame));
        this.markers = List.copyOf(ms);
    }

    /**
     * The row a frame belongs after. Frame numbers count the whole capture, so a summary event
     * of one lane (a response body over frames 12 to 40) can span frames of another: first the
     * event that is exactly that frame, then one of the connection the frame is expected on whose
     * range holds it, then any lane's range, else (a frame that is no event of its own, like a
     * bare ACK) after the last event before it.
     */
    private int place(long frame, long connection) {
        for (int i = 0; i < rows.size(); i++) {
            TimelineEvent e = rows.get(i).event();
            if (e.frame() == frame && e.lastFrame() == frame) return i;
        }
        for (int i = 0; i < rows.size(); i++) {
            TimelineEvent e = rows.get(i).event();
            if (e.connection() == connection && e.frame() <= frame && frame <= e.lastFrame()) return i;
        }
        for (int i = 0; i < rows.size(); i++) {
            TimelineEvent e = rows.get(i).event();
            if (e.frame() <= frame && frame <= e.lastFrame()) return i;
        }
        int after = -1;
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).event().frame() <= frame) after = i;
        }
        return after;
    }

    /** Finding numbers with a marker after row {@code i}, each once, in order. */
    List<Integer> findingsAt(int i) {
        List<Integer> out = new ArrayList<>();
        for (Marker m : markers) {
            if (m.after() == i && !out.contains(m.finding().number())) out.add(m.finding().number());
        }
        return out;
    }

    /** The lane's role as the user thinks of it. */
    static String legId(Lane lane) {
        if (lane.role() == null) return null;
        return switch (lane.role()) {
            case PROXY -> "client";
            case UPSTREAM -> "upstream";
        };
    }
}
