package io.gatelens.report;

import io.gatelens.capture.live.LiveInterface;

import java.io.PrintWriter;
import java.util.List;

/** {@code gatelens interfaces}: tcpdump -D's list, with addresses; or one JSON object per interface. */
public final class InterfacesReport {
    private InterfacesReport() {}

    public static void text(PrintWriter out, List<LiveInterface> all) {
        if (all.isEmpty()) out.println("no interfaces to capture on (libpcap found none)");
        for (LiveInterface i : all) {
            StringBuilder b = new StringBuilder().append(i.number()).append('.').append(i.name());
            if (!i.description().isEmpty()) b.append(" (").append(Escape.text(i.description())).append(')');
            if (!i.flags().isEmpty()) b.append(" [").append(i.flags()).append(']');
            out.println(b);
            if (!i.addresses().isEmpty()) out.println("    " + String.join(", ", i.addresses()));
        }
    }

    public static void json(PrintWriter out, List<LiveInterface> all) {
        try (JsonRows rows = new JsonRows(out)) {
            for (LiveInterface i : all) {
                rows.row(g -> {
                    g.writeStringField("type", "interface");
                    g.writeNumberField("number", i.number());
                    g.writeStringField("name", i.name());
                    g.writeStringField("description", i.description());
                    g.writeArrayFieldStart("addresses");
                    for (String a : i.addresses()) g.writeString(a);
                    g.writeEndArray();
                    g.writeBooleanField("loopback", i.loopback());
                    g.writeBooleanField("up", i.up());
                    g.writeBooleanField("running", i.running());
                });
            }
        }
    }
}
