package io.gatelens.report;

import io.gatelens.http.Headers;
import io.gatelens.http.RequestHead;
import io.gatelens.http.ResponseHead;
import io.gatelens.http.Transaction;
import io.gatelens.http.TransactionEnd;
import io.gatelens.pipeline.TransactionRow;
import io.gatelens.proxy.Role;
import io.gatelens.tcp.Direction;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The report's list of exchanges, bounded: at most {@code max} rows, whatever the capture's size.
 * The first exchanges are kept, and failed ones (a 5xx, no valid response, a cut body) take
 * precedence: once the list is full, a failed exchange displaces the latest healthy one held, so
 * the list holds every failure up to {@code max}. The page says how many it shows of how many.
 *
 * <p>Headers are kept only for failed exchanges (at most {@link #MAX_WITH_HEADERS} of them, each
 * value cut at {@link #MAX_VALUE} characters), and credentials never: the values of
 * Authorization, Proxy-Authorization, Cookie and Set-Cookie are replaced by their length before
 * they are stored, unless {@code showSecrets}.
 */
final class HtmlExchangeList {
    static final int MAX_WITH_HEADERS = 1_000;
    static final int MAX_HEADERS = 60;
    static final int MAX_VALUE = 300;
    static final int MAX_TARGET = 500;
    private static final Set<String> SECRET = Set.of("authorization", "proxy-authorization", "cookie", "set-cookie");

    /** One listed exchange, copied out of the row while the pass holds it. */
    record Item(long seq, long connection, String client, String server, String method, String target, String host,
                int status, String reason, long startNanos, long ttfbNanos, long totalNanos, String end,
                boolean failed, List<String[]> requestHeaders, List<String[]> responseHeaders) {}

    private final int max;
    private final boolean showSecrets;
    private final ArrayList<Item> healthy = new ArrayList<>();
    private final ArrayList<Item> failed = new ArrayList<>();
    private long seen, failedSeen, withHeaders;

    HtmlExchangeList(int max, boolean showSecrets) {
        this.max = max;
        this.showSecrets = showSecrets;
    }

    /** Every exchange of the capture, on the pass's thread, in the order the pass completes them. */
    void add(TransactionRow row) {
        Transaction t = row.transaction();
        long seq = seen++;
        boolean bad = failed(t);
        if (bad) failedSeen++;
        if (max == 0) return;
        if (healthy.size() + failed.size() >= max) {
            if (!bad || healthy.isEmpty()) return;
            healthy.remove(healthy.size() - 1);
        }
        Item item = item(row, seq, bad);
        (bad ? failed : healthy).add(item);
    }

    /** As the correlation judges it (see ProxyCorrelator's Pending.failed), from the exchange alone. */
    static boolean failed(Transaction t) {
        if (t.end() == null) return false;
        int status = t.status();
        if (status >= 500 && status <= 599) return true;
        return switch (t.end()) {
            case BODY_TRUNCATED, BODY_MALFORMED -> true;
            case CLOSED_EARLY -> status < 0 && !(t.closedFirstBy() == Direction.CLIENT_TO_SERVER && noAnswer(t));
            case CONNECTION_RESET -> t.resetBy() == Direction.SERVER_TO_CLIENT;
            default -> false;
        };
    }

    /** Not a byte from the server: no response head, and no bytes that should have been one. */
    private static boolean noAnswer(Transaction t) {
        if (t.responseFirstNanos() >= 0) return false;
        for (io.gatelens.anomaly.Anomaly a : t.anomalies()) if (a.direction() == Direction.SERVER_TO_CLIENT) return false;
        return true;
    }

    private Item item(TransactionRow row, long seq, boolean bad) {
        Transaction t = row.transaction();
        RequestHead req = t.request();
        ResponseHead resp = t.response();
        long start = t.requestFirstNanos() >= 0 ? t.requestFirstNanos() : t.responseFirstNanos();
        long ttfb = t.responseFirstNanos() >= 0 && t.requestLastNanos() >= 0 ? t.responseFirstNanos() - t.requestLastNanos() : -1;
        long last = Math.max(t.responseLastNanos(), t.requestLastNanos());
        long total = start >= 0 && last >= 0 ? last - start : -1;
        List<String[]> reqHeaders = null, respHeaders = null;
        if (bad && withHeaders < MAX_WITH_HEADERS) {
            withHeaders++;
            reqHeaders = req == null ? List.of() : headers(req.headers());
            respHeaders = resp == null ? List.of() : headers(resp.headers());
        }
        String end = t.end() == null ? "" : t.end().id();
        if (t.end() == TransactionEnd.CONNECTION_RESET && t.resetBy() != null) {
            end += t.resetBy() == Direction.SERVER_TO_CLIENT ? " by server" : " by client";
        }
        if (t.end() == TransactionEnd.CLOSED_EARLY && t.closedFirstBy() == Direction.CLIENT_TO_SERVER) {
            end += ", the client closed first";
        }
        return new Item(seq, row.connection().id(), row.connection().client().toString(),
                row.connection().server().toString(), req == null ? null : Html.cut(req.method(), 40),
                req == null ? null : Html.cut(req.target(), MAX_TARGET),
                req == null ? null : Html.cut(req.headers().get("Host"), 200), t.status(),
                resp == null ? null : Html.cut(resp.reason(), 100), start, ttfb, total, end, bad, reqHeaders, respHeaders);
    }

    private List<String[]> headers(Headers h) {
        int n = Math.min(h.size(), MAX_HEADERS);
        List<String[]> out = new ArrayList<>(n + 1);
        for (int i = 0; i < n; i++) {
            String name = Html.cut(h.name(i), 100);
            String value = h.value(i);
            if (!showSecrets && SECRET.contains(h.name(i).toLowerCase(Locale.ROOT))) {
                value = "[redacted: " + value.length() + " bytes; --show-secrets shows it]";
            } else {
                value = Html.cut(value, MAX_VALUE);
            }
            out.add(new String[] {name, value});
        }
        if (h.size() > n) out.add(new String[] {"\u2026", (h.size() - n) + " more header lines"});
        return out;
    }

    long seen() { return seen; }

    long failedSeen() { return failedSeen; }

    int listed() { return healthy.size() + failed.size(); }

    int listedFailed() { return failed.size(); }

    /**
     * The table, with its filter. {@code roles}: server endpoint to role (as finally decided);
     * {@code timelineOf}: connection id to the index of the timeline that draws it.
     */
    void render(Html h, Map<String, Role> roles, Map<Long, Integer> timelineOf) {
        List<Item> items = new ArrayList<>(listed());
        items.addAll(healthy);
        items.addAll(failed);
        items.sort((a, b) -> Long.compare(a.seq, b.seq));

        h.raw("<p class=\"note\" id=\"exchanges-note\">");
        if (listed() == seen) {
            h.raw("All ").raw(HtmlReport.thousands(seen)).raw(seen == 1 ? " exchange" : " exchanges").raw(" of the capture.");
        } else {
            h.raw("Showing ").raw(HtmlReport.thousands(listed())).raw(" of ").raw(HtmlReport.thousands(seen))
                    .raw(" exchanges (at most ").raw(HtmlReport.thousands(max)).raw(", --max-exchanges): ");
            if (failedSeen == 0) {
                h.raw("the first ").raw(HtmlReport.thousands(healthy.size())).raw(", none failed.");
            } else if (failed.size() == failedSeen) {
                h.raw("all ").raw(HtmlReport.thousands(failedSeen)).raw(failedSeen == 1 ? " failed one" : " failed ones");
                if (!healthy.isEmpty()) {
                    h.raw(" and the first ").raw(HtmlReport.thousands(healthy.size())).raw(healthy.size() == 1 ? " other" : " others");
                }
                h.raw(".");
            } else {
                h.raw("the first ").raw(HtmlReport.thousands(failed.size())).raw(" of ")
                        .raw(HtmlReport.thousands(failedSeen)).raw(" failed ones.");
            }
        }
        if (withHeaders >= MAX_WITH_HEADERS) {
            h.raw(" Headers are kept for the first ").raw(HtmlReport.thousands(MAX_WITH_HEADERS)).raw(" failed exchanges.");
        }
        h.raw(" In order of completion; times are UTC.</p>\n");

        h.raw("<div class=\"filter\" id=\"filter\"><label>Filter <input id=\"q\" type=\"search\" "
                + "placeholder=\"text in the row: GET /api, 127.0.0.1:8080, reset\" size=\"40\"></label> "
                + "<label>status <select id=\"status\"><option value=\"all\">all</option><option value=\"failed\">failed</option>"
                + "<option value=\"5xx\">5xx</option><option value=\"4xx\">4xx</option><option value=\"3xx\">3xx</option>"
                + "<option value=\"2xx\">2xx</option><option value=\"1xx\">1xx</option>"
                + "<option value=\"none\">no response</option></select></label> "
                + "<label>leg <select id=\"leg\"><option value=\"all\">all</option><option value=\"client\">client "
                + "\u2194 proxy</option><option value=\"upstream\">proxy \u2194 upstream</option></select></label> "
                + "<span id=\"match-count\" class=\"muted\"><span id=\"shown\">").num(items.size())
                .raw("</span> of ").num(items.size()).raw(" rows</span></div>\n");

        // Blocks of BLOCK rows, each a table the browser lays out only when it scrolls near
        // (content-visibility): laying out thousands of rows below the fold was most of the
        // page's load time. Fixed layout with one set of column widths keeps the blocks' columns
        // (and the header's, a table of its own that sticks to the top) aligned.
        h.raw("<div id=\"exchanges\" class=\"xlist\"><table class=\"list xt xhead\">").raw(COLUMNS)
                .raw("<thead><tr><th>conn</th><th>time</th><th>leg</th><th>client \u2192 server</th><th>Host</th>"
                        + "<th>request</th><th>status</th><th>ttfb ms</th><th>total ms</th><th>end</th><th></th></tr>"
                        + "</thead></table>\n");
        int row = 0;
        for (Item it : items) {
            if (row++ % BLOCK == 0) {
                if (row > 1) h.raw("</tbody></table></div>\n");
                h.raw("<div class=\"block\"><table class=\"list xt\">").raw(COLUMNS).raw("<tbody>\n");
            }
            Role role = roles.get(it.server);
            String leg = role == Role.PROXY ? "client" : "upstream";
            h.raw("<tr data-status=\"").raw(it.status >= 0 ? Integer.toString(it.status) : "none").raw("\" data-leg=\"")
                    .raw(leg).raw("\" data-failed=\"").raw(it.failed ? "1" : "0").raw("\"")
                    .raw(it.failed ? " class=\"failed\"" : "").raw("><td class=\"num\">").num(it.connection)
                    .raw("</td><td class=\"num\">").raw(it.startNanos >= 0 ? Times.iso(it.startNanos).substring(11, 26) : "")
                    .raw("</td><td>").raw(leg).raw("</td><td class=\"ep\">").text(it.client).raw("<br>\u2192 ").text(it.server)
                    .raw("</td><td class=\"wrap\">").text(it.host).raw("</td><td class=\"wrap req\">");
            if (it.method == null) h.raw("<span class=\"muted\">(no request seen)</span>");
            else h.text(it.method).raw(" ").text(it.target);
            h.raw("</td><td class=\"num status\">");
            if (it.status >= 0) h.num(it.status);
            else h.raw("<span class=\"muted\">none</span>");
            h.raw("</td><td class=\"num\">").raw(StreamsReport.millis(it.ttfbNanos)).raw("</td><td class=\"num\">")
                    .raw(StreamsReport.millis(it.totalNanos)).raw("</td><td class=\"end\">").text(it.end).raw("</td><td>");
            Integer tl = timelineOf.get(it.connection);
            if (tl != null) h.raw("<a href=\"#tl-").num(tl).raw("\">timeline</a> ");
            if (it.requestHeaders != null) {
                h.raw("<details class=\"heads\"><summary>headers</summary>");
                heads(h, "request", it.requestHeaders);
                heads(h, "response" + (it.status >= 0 ? " " + it.status : ""), it.responseHeaders);
                h.raw("</details>");
            }
            h.raw("</td></tr>\n");
        }
        if (row > 0) h.raw("</tbody></table></div>\n");
        h.raw("</div>\n");
    }

    /** Rows per block of the list (see render). */
    static final int BLOCK = 250;

    private static final String COLUMNS = "<colgroup><col class=\"c-conn\"><col class=\"c-time\"><col class=\"c-leg\">"
            + "<col class=\"c-ep\"><col class=\"c-host\"><col class=\"c-req\"><col class=\"c-status\"><col class=\"c-ms\">"
            + "<col class=\"c-ms\"><col class=\"c-end\"><col class=\"c-more\"></colgroup>";

    private static void heads(Html h, String title, List<String[]> headers) {
        h.raw("<div class=\"head\"><b>").text(title).raw("</b>");
        if (headers.isEmpty()) h.raw(" <span class=\"muted\">none seen</span>");
        h.raw("<dl>");
        for (String[] kv : headers) h.raw("<dt>").text(kv[0]).raw("</dt><dd>").text(kv[1]).raw("</dd>");
        h.raw("</dl></div>");
    }
}
