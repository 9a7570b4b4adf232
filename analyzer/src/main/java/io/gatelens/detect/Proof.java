package io.gatelens.detect;

import io.gatelens.finding.Evidence;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects a finding's evidence: frames not seen (-1) are left out, the rest put in capture order. */
public final class Proof {
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

    /**
     * A duration for people: "0.3 ms", "28.8 ms", "1.001 s", "62 s": two decimals of a millisecond
     * below 10 ms, one below a second, three of a second below 100 s, whole seconds above;
     * rounded half up, trailing zeros dropped. In integers: every finding's explanation has one,
     * and String.format with a regex to trim was a visible share of a pass with many findings.
     */
    public static String duration(long nanos) {
        if (nanos < 0) return "?";
        if (nanos < 10_000_000L) return decimals((nanos + 5_000) / 10_000, 2) + " ms";
        if (nanos < 1_000_000_000L) return decimals((nanos + 50_000) / 100_000, 1) + " ms";
        if (nanos < 99_999_500_000L) return decimals((nanos + 500_000) / 1_000_000, 3) + " s";
        return ((nanos + 500_000_000L) / 1_000_000_000L) + " s";
    }

    /** {@code units} of 10^-places, written with at most {@code places} decimals, trailing zeros dropped. */
    private static String decimals(long units, int places) {
        long scale = places == 1 ? 10 : places == 2 ? 100 : 1000;
        long whole = units / scale;
        long frac = units % scale;
        if (frac == 0) return Long.toString(whole);
        StringBuilder b = new StringBuilder().append(whole).append('.');
        String digits = Long.toString(frac + scale).substring(1); // zero-padded to places
        int end = digits.length();
        while (digits.charAt(end - 1) == '0') end--;
        return b.append(digits, 0, end).toString();
    }
}
