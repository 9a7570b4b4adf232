package io.gatelens.report;

import io.gatelens.detect.Cause;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The report's "causes over time": findings per cause in at most {@link #MAX_BUCKETS} time
 * buckets, stacked, over the span of the capture's exchanges, with the exchanges per bucket
 * beside them. Memory is fixed whatever the capture's length: buckets start {@link #FIRST_WIDTH}
 * wide, aligned to multiples of their width since the epoch, and when a time falls outside what
 * {@link #MAX_BUCKETS} of them can cover, the width doubles and neighbouring pairs merge. So two
 * sets (the findings, counted on the correlation thread; the exchanges, on the pass thread) always
 * merge exactly into the coarser one's buckets.
 */
final class HtmlCauseChart {
    static final int MAX_BUCKETS = 200;
    static final long FIRST_WIDTH = 1_000_000L; // 1 ms
    /** Buckets drawn at least: a capture of a few milliseconds gets narrow bars in an empty span. */
    static final int MIN_SHOWN = 40;

    /** Counts of one or more series in aligned time buckets. */
    static final class Buckets {
        private final int series;
        private long width = FIRST_WIDTH;
        /** Bucket number (time / width, floored) of counts[.][0]; valid once {@code any}. */
        private long first;
        private int used;
        private final long[][] counts;
        private boolean any;

        Buckets(int series) {
            this.series = series;
            this.counts = new long[series][MAX_BUCKETS];
        }

        void add(long nanos, int s) {
            long index = Math.floorDiv(nanos, width);
            if (!any) {
                any = true;
                first = index;
                used = 1;
            } else {
                while (index < first || index >= first + MAX_BUCKETS) {
                    long lo = Math.min(first, index);
                    long hi = Math.max(first + used - 1, index);
                    if (hi - lo < MAX_BUCKETS) {
                        shiftTo(lo);
                        break;
                    }
                    coarsen();
                    index = Math.floorDiv(nanos, width);
                }
            }
            int at = (int) (index - first);
            if (at >= used) used = at + 1;
            counts[s][at]++;
        }

        /** Moves the first bucket back to {@code lo} (a time before all held ones came). */
        private void shiftTo(long lo) {
            if (lo >= first) return;
            int by = (int) (first - lo);
            for (long[] c : counts) {
                System.arraycopy(c, 0, c, by, used);
                Arrays.fill(c, 0, by, 0);
            }
            first = lo;
            used += by;
        }

        /** Doubles the width: buckets 2k and 2k+1 (numbered from the epoch) become bucket k. */
        private void coarsen() {
            long newFirst = Math.floorDiv(first, 2);
            int newUsed = (int) (Math.floorDiv(first + used - 1, 2) - newFirst + 1);
            for (long[] c : counts) {
                long[] merged = new long[MAX_BUCKETS];
                for (int i = 0; i < used; i++) merged[(int) (Math.floorDiv(first + i, 2) - newFirst)] += c[i];
                System.arraycopy(merged, 0, c, 0, MAX_BUCKETS);
            }
            first = newFirst;
            used = newUsed;
            width *= 2;
        }

        /** Coarsens until the buckets are at least {@code w} wide (a power of two times this width). */
        void coarsenTo(long w) {
            while (width < w) coarsen();
        }

        long width() { return width; }

        boolean any() { return any; }

        long startNanos() { return first * width; }

        long endNanos() { return (first + used) * width; }

        long count(int s, long bucketNumber) {
            long at = bucketNumber - first;
            return at < 0 || at >= used ? 0 : counts[s][(int) at];
        }

        long total(int s) {
            long t = 0;
            for (int i = 0; i < used; i++) t += counts[s][i];
            return t;
        }
    }

    private final Buckets findings = new Buckets(Cause.values().length);
    private final Buckets exchanges = new Buckets(1);

    /** From the correlation thread. */
    void finding(long nanos, Cause cause) {
        findings.add(nanos, cause.ordinal());
    }

    /** From the pass thread. */
    void exchange(long nanos) {
        exchanges.add(nanos, 0);
    }

    /** Colours for the causes present, most frequent first; fixed, so never anything captured. */
    static final String[] PALETTE = {
        "#d62728", "#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf",
        "#bcbd22", "#7f7f7f", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94",
        "#f7b6d2", "#9edae5", "#dbdb8d", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd"};

    /**
     * The causes in the order of the legend (most findings first), each with its colour; the
     * chart and the tables use the same colour for a cause.
     */
    List<Cause> order() {
        List<Cause> present = new ArrayList<>();
        for (Cause c : Cause.values()) if (findings.total(c.ordinal()) > 0) present.add(c);
        present.sort((a, b) -> Long.compare(findings.total(b.ordinal()), findings.total(a.ordinal())));
        return present;
    }

    /** Writes the chart as one SVG (or a sentence when there is nothing to draw). */
    void render(Html h) {
        if (!findings.any()) {
            h.raw("<p class=\"muted\" id=\"chart-empty\">No findings to chart.</p>\n");
            return;
        }
        // Both on one grid: the coarser width, over the span of either.
        long width = Math.max(findings.width(), exchanges.width());
        findings.coarsenTo(width);
        if (exchanges.any()) exchanges.coarsenTo(width);
        long start = findings.startNanos(), end = findings.endNanos();
        if (exchanges.any()) {
            start = Math.min(start, exchanges.startNanos());
            end = Math.max(end, exchanges.endNanos());
        }
        // Two sets of at most MAX_BUCKETS each can reach past MAX_BUCKETS together: coarsen once more.
        while ((end - start) / width > MAX_BUCKETS) {
            width *= 2;
            findings.coarsenTo(width);
            if (exchanges.any()) exchanges.coarsenTo(width);
            start = Math.min(findings.startNanos(), exchanges.any() ? exchanges.startNanos() : Long.MAX_VALUE);
            end = Math.max(findings.endNanos(), exchanges.any() ? exchanges.endNanos() : Long.MIN_VALUE);
        }
        long firstBucket = Math.floorDiv(start, width);
        int n = (int) ((end - start) / width);
        if (n < MIN_SHOWN) {
            // A short capture: a few bars as wide as the chart would read as a block, not as time.
            firstBucket -= (MIN_SHOWN - n) / 2;
            n = MIN_SHOWN;
        }
        List<Cause> causes = order();
        long maxStack = 1, maxExchanges = 1;
        for (int i = 0; i < n; i++) {
            long stack = 0;
            for (Cause c : causes) stack += findings.count(c.ordinal(), firstBucket + i);
            maxStack = Math.max(maxStack, stack);
            maxExchanges = Math.max(maxExchanges, exchanges.count(0, firstBucket + i));
        }

        final int w = 1160, left = 56, right = 64, top = 14, plot = 200, bottom = 44;
        double bar = (double) (w - left - right) / n;
        h.raw("<svg id=\"cause-chart\" class=\"chart\" viewBox=\"0 0 ").num(w).raw(" ").num(top + plot + bottom)
                .raw("\" role=\"img\" aria-label=\"findings per cause over time\">\n");
        // Axes and the scale of findings (left) and exchanges (right).
        int base = top + plot;
        h.raw("<line class=\"axis\" x1=\"").num(left).raw("\" y1=\"").num(base).raw("\" x2=\"").num(w - right)
                .raw("\" y2=\"").num(base).raw("\"/>\n");
        for (long v : new long[] {maxStack, maxStack / 2}) {
            if (v == 0 || (v == maxStack / 2 && v == maxStack)) continue;
            double y = base - (double) v / maxStack * plot;
            h.raw("<line class=\"grid\" x1=\"").num(left).raw("\" y1=\"").raw(f1(y)).raw("\" x2=\"").num(w - right)
                    .raw("\" y2=\"").raw(f1(y)).raw("\"/><text class=\"tick\" x=\"").num(left - 6).raw("\" y=\"")
                    .raw(f1(y + 4)).raw("\" text-anchor=\"end\">").num(v).raw("</text>\n");
        }
        h.raw("<text class=\"tick\" x=\"").num(left - 6).raw("\" y=\"").num(base + 4)
                .raw("\" text-anchor=\"end\">0</text>\n");
        h.raw("<text class=\"tick\" x=\"").num(w - right + 6).raw("\" y=\"").num(top + 4).raw("\">").num(maxExchanges)
                .raw("</text><text class=\"tick\" x=\"").num(w - right + 6).raw("\" y=\"").num(top + 16)
                .raw("\">exch.</text>\n");
        // Exchanges per bucket: pale bars behind the findings, on their own scale (right).
        if (exchanges.any()) {
            h.raw("<path class=\"exchanges\" d=\"");
            for (int i = 0; i < n; i++) {
                long count = exchanges.count(0, firstBucket + i);
                if (count == 0) continue;
                double hgt = Math.max((double) count / maxExchanges * plot, 0.5);
                h.raw("M").raw(f1(left + i * bar)).raw(" ").raw(f1(base - hgt)).raw("h").raw(f1(Math.max(bar - 1, 1)))
                        .raw("v").raw(f1(hgt)).raw("h-").raw(f1(Math.max(bar - 1, 1))).raw("z");
            }
            h.raw("\"/>\n");
        }
        for (int i = 0; i < n; i++) {
            long bucket = firstBucket + i;
            double y = base;
            StringBuilder tip = null;
            for (int k = 0; k < causes.size(); k++) {
                Cause c = causes.get(k);
                long count = findings.count(c.ordinal(), bucket);
                if (count == 0) continue;
                double hgt = (double) count / maxStack * plot;
                y -= hgt;
                if (tip == null) {
                    tip = new StringBuilder(Times.iso(bucket * width)).append(" + ").append(duration(width));
                }
                tip.append('\n').append(c.id()).append(": ").append(count);
                h.raw("<rect class=\"bar\" data-cause=\"").raw(c.id()).raw("\" x=\"").raw(f1(left + i * bar))
                        .raw("\" y=\"").raw(f1(y)).raw("\" width=\"").raw(f1(Math.max(bar - 1, 1))).raw("\" height=\"")
                        .raw(f1(hgt)).raw("\" fill=\"").raw(colour(k)).raw("\"/>");
            }
            if (tip != null) {
                tip.append("\nexchanges: ").append(exchanges.count(0, bucket));
                h.raw("<rect class=\"hit\" x=\"").raw(f1(left + i * bar)).raw("\" y=\"").num(top).raw("\" width=\"")
                        .raw(f1(bar)).raw("\" height=\"").num(plot).raw("\"><title>").text(tip.toString())
                        .raw("</title></rect>\n");
            }
        }
        // Clock times under the axis, about every 150 px; the date once, at the start.
        int every = Math.max(1, (int) Math.ceil(150 / bar));
        for (int i = 0; i <= n; i += every) {
            double x = left + i * bar;
            String iso = Times.iso((firstBucket + i) * width);
            h.raw("<line class=\"axis\" x1=\"").raw(f1(x)).raw("\" y1=\"").num(base).raw("\" x2=\"").raw(f1(x))
                    .raw("\" y2=\"").num(base + 4).raw("\"/><text class=\"tick\" x=\"").raw(f1(x)).raw("\" y=\"")
                    .num(base + 16).raw("\" text-anchor=\"middle\">").text(clock(iso, width)).raw("</text>\n");
        }
        h.raw("<text class=\"tick\" x=\"").num(left).raw("\" y=\"").num(base + 32).raw("\">").text(
                Times.iso(firstBucket * width).substring(0, 10) + " UTC, one bar per " + duration(width)
                        + "; grey: exchanges (scale on the right)").raw("</text>\n");
        h.raw("</svg>\n");
        h.raw("<ul class=\"legend\" id=\"cause-legend\">");
        for (int k = 0; k < causes.size(); k++) {
            Cause c = causes.get(k);
            h.raw("<li data-cause=\"").raw(c.id()).raw("\"><svg class=\"swatch\" viewBox=\"0 0 10 10\"><rect width=\"10\" "
                    + "height=\"10\" fill=\"").raw(colour(k)).raw("\"/></svg>").raw(c.id()).raw(" <span class=\"count\">")
                    .num(findings.total(c.ordinal())).raw("</span></li>");
        }
        h.raw("</ul>\n");
    }

    static String colour(int rank) {
        return PALETTE[rank % PALETTE.length];
    }

    /** HH:MM:SS, with the fraction a bucket this narrow needs. */
    private static String clock(String iso, long width) {
        if (width >= 1_000_000_000L) return iso.substring(11, 19);
        if (width >= 10_000_000L) return iso.substring(11, 21);
        return iso.substring(11, 23);
    }

    static String duration(long nanos) {
        if (nanos >= 3_600_000_000_000L) return trim(nanos / 3_600_000_000_000.0) + " h";
        if (nanos >= 60_000_000_000L) return trim(nanos / 60_000_000_000.0) + " min";
        if (nanos >= 1_000_000_000L) return trim(nanos / 1e9) + " s";
        if (nanos >= 1_000_000L) return trim(nanos / 1e6) + " ms";
        return trim(nanos / 1e3) + " \u00b5s";
    }

    private static String trim(double v) {
        String s = String.format(java.util.Locale.ROOT, v >= 100 ? "%.0f" : v >= 10 ? "%.1f" : "%.2f", v);
        if (s.contains(".")) s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        return s;
    }

    /** A coordinate with one decimal, the shortest way: SVG numbers, never locale-dependent. */
    static String f1(double v) {
        long t = Math.round(v * 10);
        String sign = t < 0 ? "-" : "";
        t = Math.abs(t);
        return sign + (t / 10) + (t % 10 == 0 ? "" : "." + (t % 10));
    }
}
