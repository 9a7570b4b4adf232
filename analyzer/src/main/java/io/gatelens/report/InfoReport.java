package io.gatelens.report;

import com.fasterxml.jackson.core.JsonGenerator;
import io.gatelens.capture.CaptureInterface;
import io.gatelens.capture.LinkType;
import io.gatelens.capture.decode.SkipReason;
import io.gatelens.pipeline.CaptureSummary;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;

/** Renders a {@link CaptureSummary} as capinfos-like text or one JSON object. */
public final class InfoReport {
    private final CaptureSummary s;
    private final long connections;

    public InfoReport(CaptureSummary summary, long connections) {
        this.s = summary;
        this.connections = connections;
    }

    public void writeText(PrintWriter out) {
        row(out, "File", s.file());
        row(out, "Format", s.format().label());
        row(out, "File size", s.fileBytes() + " bytes");
        row(out, "Interfaces", String.valueOf(s.interfaces().size()));
        for (CaptureInterface i : s.interfaces()) {
            StringBuilder b = new StringBuilder("  #").append(i.index()).append(' ');
            if (!i.name().isEmpty()) b.append(i.name()).append(' ');
            b.append(LinkType.describe(i.linkTypeCode())).append(", snaplen ").append(i.snaplen());
            if (!i.filter().isEmpty()) b.append(", filter \"").append(i.filter()).append('"');
            out.println(b);
        }
        row(out, "Link types", String.valueOf(s.framesByLinkType().size()));
        for (Map.Entry<Integer, Long> e : s.framesByLinkType().entrySet()) {
            out.println("  " + LinkType.describe(e.getKey()) + ": " + e.getValue() + (e.getValue() == 1 ? " frame" : " frames"));
        }
        row(out, "Frames", String.valueOf(s.frames()));
        row(out, "Captured bytes", String.valueOf(s.capturedBytes()));
        row(out, "Bytes on wire", String.valueOf(s.wireBytes()));
        if (s.hasFrames()) {
            row(out, "First frame time", Times.iso(s.firstNanos()));
            row(out, "Last frame time", Times.iso(s.lastNanos()));
        }
        row(out, "Duration", Times.secondsText(s.durationNanos()) + " s");
        row(out, "Out of time order", s.outOfOrderFrames() + " frames");
        row(out, "Cut by snaplen", s.cutBySnaplen() + " frames");
        row(out, "TCP segments", String.valueOf(s.tcpSegments()));
        row(out, "TCP connections", String.valueOf(connections));
        row(out, "Skipped", s.skippedTotal() + " frames");
        for (SkipReason r : SkipReason.values()) {
            if (r != SkipReason.NONE && s.skipped(r) > 0) {
                out.printf("  %-22s %8d  %s (first: frame %d)%n", r.id(), s.skipped(r), r.description(),
                        s.firstSkippedFrame(r));
            }
        }
        if (s.damage() != null) row(out, "Damaged", s.damage().getMessage());
    }

    private static void row(PrintWriter out, String label, String value) {
        out.printf("%-18s %s%n", label + ":", value);
    }

    public void writeJson(PrintWriter out) throws IOException {
        try (JsonGenerator g = Json.lines(out)) {
            g.writeStartObject();
            g.writeStringField("file", s.file());
            g.writeStringField("format", s.format().name().toLowerCase(java.util.Locale.ROOT));
            g.writeNumberField("file_bytes", s.fileBytes());
            g.writeArrayFieldStart("interfaces");
            for (CaptureInterface i : s.interfaces()) {
                g.writeStartObject();
                g.writeNumberField("index", i.index());
                g.writeStringField("name", i.name());
                g.writeNumberField("link_type", i.linkTypeCode());
                g.writeStringField("link_type_name", LinkType.describe(i.linkTypeCode()));
                g.writeNumberField("snaplen", i.snaplen());
                g.writeStringField("filter", i.filter());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeObjectFieldStart("frames_by_link_type");
            for (Map.Entry<Integer, Long> e : s.framesByLinkType().entrySet()) {
                g.writeNumberField(String.valueOf(e.getKey()), e.getValue());
            }
            g.writeEndObject();
            g.writeNumberField("frames", s.frames());
            g.writeNumberField("captured_bytes", s.capturedBytes());
            g.writeNumberField("wire_bytes", s.wireBytes());
            if (s.hasFrames()) {
                g.writeStringField("first", Times.iso(s.firstNanos()));
                g.writeStringField("last", Times.iso(s.lastNanos()));
            } else {
                g.writeNullField("first");
                g.writeNullField("last");
            }
            g.writeNumberField("duration_s", Times.seconds(s.durationNanos()));
            g.writeNumberField("out_of_order_frames", s.outOfOrderFrames());
            g.writeNumberField("cut_by_snaplen", s.cutBySnaplen());
            g.writeNumberField("tcp_segments", s.tcpSegments());
            g.writeNumberField("tcp_connections", connections);
            g.writeObjectFieldStart("skipped");
            for (SkipReason r : SkipReason.values()) {
                if (r != SkipReason.NONE && s.skipped(r) > 0) {
                    g.writeObjectFieldStart(r.id());
                    g.writeNumberField("frames", s.skipped(r));
                    g.writeNumberField("first_frame", s.firstSkippedFrame(r));
                    g.writeEndObject();
                }
            }
            g.writeEndObject();
            if (s.damage() != null) g.writeStringField("damage", s.damage().getMessage());
            else g.writeNullField("damage");
            g.writeEndObject();
        }
        out.println();
    }
}
