package io.gatelens.proxy;

import io.gatelens.http.Headers;
import io.gatelens.http.RequestHead;
import io.gatelens.http.ResponseHead;

import java.util.Locale;

/**
 * What one message says about the leg it travelled on, for captures that hold only one leg (no
 * mirrored requests to go by). Each returns a short description of the mark, or null.
 */
final class Marks {
    private Marks() {}

    /** Request fields a proxy adds on the way to its upstream (nginx, HAProxy, Apache, Envoy, CDNs). */
    private static final String[] FORWARDING = {
            "X-Forwarded-For", "X-Real-IP", "Forwarded", "X-Forwarded-Proto", "X-Forwarded-Host", "Via"};

    /** Server tokens of proxies that answer 5xx themselves when the upstream fails. */
    private static final String[] PROXY_SERVERS = {"nginx", "openresty", "tengine", "envoy", "cloudflare"};

    /** A request that came from a proxy: the connection it is on is an upstream leg. */
    static String upstreamRequest(RequestHead r) {
        Headers h = r.headers();
        for (String name : FORWARDING) if (h.get(name) != null) return name;
        // nginx's defaults (proxy_http_version 1.0, proxy_set_header Connection close): clients
        // rarely speak 1.0 now, and those that do (ab) do not ask for close explicitly.
        if ("HTTP/1.0".equals(r.version()) && h.hasToken("Connection", "close")) {
            return "HTTP/1.0 with Connection: close (nginx's default upstream request)";
        }
        return null;
    }

    /**
     * A 5xx the proxy wrote itself, so the connection it is on is the client leg. Only 5xx count:
     * nginx and Envoy also put their Server token on responses they relay, and nginx is as often
     * an upstream (serving files, in front of PHP) as the proxy in question.
     */
    static String proxyErrorResponse(ResponseHead resp) {
        if (resp == null || resp.status() < 500 || resp.status() > 599) return null;
        Headers h = resp.headers();
        String server = h.get("Server");
        if (server != null) {
            String s = server.toLowerCase(Locale.ROOT);
            for (String p : PROXY_SERVERS) if (s.startsWith(p)) return "Server: " + server;
            // Apache mod_proxy's own 502/503 carry this reason phrase.
            if (s.startsWith("apache") && "Proxy Error".equalsIgnoreCase(resp.reason())) {
                return "Apache's \"Proxy Error\"";
            }
        }
        // HAProxy's built-in error responses (errorfiles): no Server and no Date, which an origin
        // server with a clock must send (RFC 9110 section 6.6.1), cache-control: no-cache, HTML.
        String type = h.get("Content-Type");
        if (server == null && h.get("Date") == null && "no-cache".equalsIgnoreCase(h.get("Cache-Control"))
                && type != null && type.toLowerCase(Locale.ROOT).startsWith("text/html")) {
            return "HAProxy's error response (no Server, no Date, Cache-Control: no-cache)";
        }
        if (h.get("Via") != null) return "Via: " + h.get("Via");
        return null;
    }
}
