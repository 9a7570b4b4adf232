package io.gatelens.detect;

import io.gatelens.finding.Evidence;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** Collects a finding's evidence: frames not seen (-1) are left out, the rest put in capture order. */
final class Proof {
    private final List<Evidence> items = new ArrayList<>(4);

    Proof add(long frame, long nanos, String what) {
        if (frame > 0) items.add(new Evidence(frame, nanos, what));
        return this;
    }

    boolean isEmpty() {
        return items.isEmpty();
    }

    /** In frame order; one frame named twice keeps both descriptions. */
    List<Evidence> list() {
        items.sort(Comparator.comparingLong(Evidence::frame));
        List<Evidence> out = new ArrayList<>(items.size());
        for (Evidence e : items) {
            Evidence last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last.frame() == e.frame()) {
                if (!last.what().equals(e.what())) {
                    out.set(out.size() - 1, new Evidence(e.frame(), last.nanos(), last.what() + "; " + e.what()));
                }
            } else {
                out.add(e);
            }
        }
        return out;
    }

    /** A duration for people: "0.3 ms", "28.8 ms", "1.001 s", "62 s". */
    static String duration(long nanos) {
        if (nanos < 0) return "?";
        if (nanos < 1_000_000_000L) {
            double ms = nanos / 1e6;
            return (ms < 10 ? String.format(Locale.ROOT, "%.2f", ms) : String.format(Locale.ROOT, "%.1f", ms))
                    .replaceAll("\\.?0+$", "") + " ms";
        }
        double s = nanos / 1e9;
        String t = s < 100 ? String.format(Locale.ROOT, "%.3f", s).replaceAll("\\.?0+$", "")
                : String.format(Locale.ROOT, "%.0f", s);
        return t + " s";
    }
}
