package io.gatelens.report;

import io.gatelens.timeline.Lane;
import io.gatelens.timeline.Timeline;
import io.gatelens.timeline.TimelineEvent;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * {@code gatelens timeline --format json}: JSON Lines, in this order: a {@code lane} line per
 * connection, a {@code note} line when the timeline has one, an {@code event} line per event in
 * time order (both lanes merged, as the text shows them), and a {@code finding} line per finding
 * with {@code analyze}'s fields plus its {@code number}. An event line lists in {@code findings}
 * the numbers of the findings whose frames the text would mark under it.
 */
public final class TimelineJson {
    private TimelineJson() {}

    public static void write(PrintWriter out, Timeline t) {
        TimelineRows rows = new TimelineRows(t);
        long start = t.startNanos();
        try (JsonRows json = new JsonRows(out)) {
            for (int i = 0; i < t.lanes().size(); i++) {
                Lane lane = t.lanes().get(i);
                int index = i;
                json.row(g -> {
                    g.writeStringField("type", "lane");
                    g.writeNumberField("lane", index);
                    g.writeNumberField("connection", lane.connection());
                    g.writeStringField("client", lane.client() == null ? null : lane.client().toString());
                    g.writeStringField("server", lane.server() == null ? null : lane.server().toString());
                    // The server's role, as analyze's roles line names it; "leg" says the same from
                    // the connection's side: client (to the proxy) or upstream (from it).
                    g.writeStringField("role", lane.role() == null ? null : lane.role().id());
                    g.writeStringField("leg", TimelineRows.legId(lane));
                    g.writeNumberField("events", lane.events().size());
                    g.writeNumberField("truncated", lane.truncated());
                });
            }
            if (t.note() != null) {
                json.row(g -> {
                    g.writeStringField("type", "note");
                    g.writeStringField("text", t.note());
                });
            }
            for (int i = 0; i < rows.rows.size(); i++) {
                TimelineRows.Row row = rows.rows.get(i);
                TimelineEvent e = row.event();
                List<Integer> findings = rows.findingsAt(i);
                json.row(g -> {
                    g.writeStringField("type", "event");
                    g.writeNumberField("lane", row.lane());
                    g.writeNumberField("connection", e.connection());
                    g.writeNumberField("frame", e.frame());
                    g.writeNumberField("last_frame", e.lastFrame());
                    g.writeStringField("time", Times.iso(e.nanos()));
                    g.writeFieldName("relative_s");
                    g.writeNumber(Times.seconds(e.nanos() - start));
                    g.writeStringField("direction", e.direction().id());
                    g.writeStringField("kind", e.kind().name().toLowerCase(Locale.ROOT));
                    g.writeStringField("text", e.text());
                    g.writeArrayFieldStart("findings");
                    for (int n : findings) g.writeNumber(n);
                    g.writeEndArray();
                });
            }
            for (Timeline.Numbered n : t.findings()) {
                json.row(g -> {
                    g.writeStringField("type", "finding");
                    g.writeNumberField("number", n.number());
                    AnalyzeReport.findingFields(g, n.finding());
                });
            }
        }
    }
}
