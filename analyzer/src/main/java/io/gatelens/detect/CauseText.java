package io.gatelens.detect;

import java.util.EnumMap;
import java.util.Map;

/**
 * The standing texts of every cause, in one table: what is seen on the wire, what nginx, HAProxy
 * and Envoy answer and log for it, and what to change. A finding's explanation is the detector's
 * account of this connection followed by {@link #proxies}; its hint starts from {@link #hint}.
 *
 * <p>The nginx error-log texts are those nginx 1.22 wrote for the recorded fixtures
 * (fixtures/captures/&#42;/proxy-error.log) where one exists; HAProxy termination states are from
 * its configuration manual, section 8.5; Envoy response flags from its access-log documentation.
 */
public final class CauseText {
    /** @param seen one line: what is seen between proxy and upstream */
    public record Text(String seen, String proxies, String hint) {}

    private static final Map<Cause, Text> TEXTS = new EnumMap<>(Cause.class);

    private static void put(Cause c, String seen, String proxies, String hint) {
        TEXTS.put(c, new Text(seen, proxies, hint));
    }

    static {
        put(Cause.CONNECT_REFUSED, "the SYN is answered by RST",
                "nginx answers 502 and logs 'connect() failed (111: Connection refused) while connecting to upstream'"
                        + " (then tries the next server of the upstream block, if any); HAProxy retries the connect"
                        + " ('retries', 3 by default), then answers 503 with termination state SC--; Envoy answers 503"
                        + " with response flag UF (URX once its retries are used up).",
                "Check that the upstream process is running and listening on this address and port (ss -ltn), and"
                        + " that no firewall rejects the proxy; during deploys, drain the upstream before stopping it"
                        + " and let health checks take it out of rotation.");
        put(Cause.CONNECT_TIMEOUT, "SYNs (with retransmissions) get no answer",
                "nginx answers 504 and logs 'upstream timed out (110: Connection timed out) while connecting to"
                        + " upstream' after proxy_connect_timeout (60 s by default); HAProxy answers 503 with"
                        + " termination state sC-- after 'timeout connect'; Envoy answers 503 with response flag UF"
                        + " after the cluster's connect_timeout.",
                "Check that the upstream host is up and routable and that no firewall or security group drops SYNs"
                        + " to this port; a short connect timeout (1-3 s) with a retry on another server keeps one dead"
                        + " host from stalling requests.");
        put(Cause.TLS_MISMATCH, "one side speaks TLS and the other plain HTTP",
                "nginx (proxy_pass https:// to a plain port) answers 502 and logs 'SSL_do_handshake() failed (SSL:"
                        + " error:0A00010B:SSL routines::wrong version number) while SSL handshaking to upstream'"
                        + " (OpenSSL 3; older versions word the error differently); with proxy_pass http:// to a"
                        + " TLS port it gets no valid HTTP and logs 'upstream sent no valid HTTP/1.0 header' or"
                        + " 'upstream prematurely closed connection', or passes on the upstream's plain 400 ('The plain"
                        + " HTTP request was sent to HTTPS port'); HAProxy answers 503 with SC-- when its 'ssl'"
                        + " handshake fails and 502 with SH--/PH-- the other way round; Envoy answers 503 with UF (TLS"
                        + " error) or UC.",
                "Make the scheme match the port: proxy_pass https:// (nginx), 'ssl verify required' on the server"
                        + " line (HAProxy) or a transport_socket with TLS (Envoy) for a TLS upstream; plain http:// and"
                        + " no TLS for a plain one.");
        put(Cause.RESET_DURING_REQUEST, "RST from upstream while the proxy is still sending the request",
                "nginx answers 502 and logs 'writev() failed (104: Connection reset by peer) while sending request to"
                        + " upstream' (or '(32: Broken pipe)'), or, when the request had already gone into the"
                        + " socket buffers, 'recv() failed (104: Connection reset by peer) while reading response"
                        + " header from upstream'; HAProxy answers 502 with termination state SH--;"
                        + " Envoy answers 503 with response flag UC.",
                "The upstream refused the request while it was arriving: look for a request body size limit"
                        + " (client_max_body_size, a framework's upload limit) or an upstream that resets on a slow"
                        + " upload, and its logs at this time.");
        put(Cause.RESET_BEFORE_RESPONSE, "RST from upstream after the request, before any response byte",
                "nginx answers 502 and logs 'recv() failed (104: Connection reset by peer) while reading response"
                        + " header from upstream'; HAProxy answers 502 with termination state SH--; Envoy answers 503"
                        + " with response flag UC (upstream_reset_before_response_started{connection_termination}).",
                "The upstream aborted while handling the request: look in its logs for a crash, an out-of-memory"
                        + " kill or an unhandled error at this time; a worker killed by a request timeout"
                        + " (gunicorn --timeout, php-fpm request_terminate_timeout) resets connections like this.");
        put(Cause.CLOSED_BEFORE_RESPONSE, "FIN from upstream before a complete response header",
                "nginx answers 502 and logs 'upstream prematurely closed connection while reading response header"
                        + " from upstream'; HAProxy answers 502 with termination state SH--; Envoy answers 503 with"
                        + " response flag UC (upstream_reset_before_response_started{connection_termination}); Apache"
                        + " logs AH01102 'error reading status line from remote server'.",
                "The upstream closed the connection without answering: look in its logs for a crash or an error at"
                        + " this time, and for a worker or request limit that closes connections.");
        put(Cause.MALFORMED_STATUS_LINE, "the first response line is not a valid HTTP/1.x status line",
                "nginx logs 'upstream sent no valid HTTP/1.0 header while reading response header from upstream'"
                        + " and, as nginx 1.22 did in the recorded fixture, relays the raw bytes to the client as an"
                        + " HTTP/0.9 response (the client sees no valid status); HAProxy answers 502 with termination"
                        + " state PH--; Envoy answers 502 with response flag UPE.",
                "Fix the upstream's status line: 'HTTP/1.1' SP three digits SP reason (RFC 9112 section 4); a"
                        + " hand-written server or a debug print before the headers is the usual culprit.");
        put(Cause.INVALID_HEADER, "a response header line breaks the grammar",
                "nginx answers 502 and logs 'upstream sent invalid header: \"...\" while reading response header"
                        + " from upstream'; HAProxy answers 502 with termination state PH--; Envoy answers 502 with"
                        + " response flag UPE.",
                "Fix the header the upstream sends: names are tokens, each line 'name: value' ending in CRLF, no"
                        + " NUL, CR or LF inside a value (RFC 9112 section 5); look for header values built from"
                        + " unescaped user input.");
        put(Cause.HEADER_TOO_BIG, "the response header is larger than the proxy's buffer",
                "nginx answers 502 and logs 'upstream sent too big header while reading response header from"
                        + " upstream' when the head exceeds proxy_buffer_size (one memory page, 4 KB on x86-64, by"
                        + " default); HAProxy answers 502 with termination state PH-- past tune.bufsize minus"
                        + " tune.maxrewrite (16384 - 1024 bytes by default); Envoy answers 502 with response flag UPE"
                        + " past max_response_headers_kb (60 KiB by default).",
                "Raise the proxy's buffer (nginx proxy_buffer_size, and proxy_buffers / proxy_busy_buffers_size to"
                        + " match; HAProxy tune.bufsize) or make the upstream send smaller headers (large cookies, long"
                        + " Link or Content-Security-Policy headers).");
        put(Cause.CONFLICTING_FRAMING, "duplicate Content-Length that disagree, or Content-Length with chunked",
                "nginx answers 502 and logs 'upstream sent \"Content-Length\" and \"Transfer-Encoding\" headers at"
                        + " the same time' or 'upstream sent duplicate header line: \"Content-Length: ...\"' (recent"
                        + " versions; older ones take one value); HAProxy answers 502 with termination state PH-- for"
                        + " differing Content-Length values and takes chunked over Content-Length; Envoy answers 502"
                        + " with response flag UPE.",
                "Make the upstream frame each response once: either one Content-Length or Transfer-Encoding:"
                        + " chunked, never both (RFC 9112 section 6.3); this usually comes from a middleware adding its"
                        + " own framing header on top of the framework's.");
        put(Cause.RESPONSE_TIMEOUT, "no response byte before the proxy gives up",
                "nginx answers 504 and logs 'upstream timed out (110: Connection timed out) while reading response"
                        + " header from upstream' after proxy_read_timeout (60 s by default; 'while reading"
                        + " upstream' when the body stalls, and the client gets a cut body); HAProxy answers 504 with"
                        + " termination state sH-- after 'timeout server' (sD-- in the body); Envoy answers 504 with"
                        + " response flag UT after the route timeout (15 s by default).",
                "Make the upstream answer sooner, or raise the proxy's timeout to above its slowest legitimate"
                        + " response (nginx proxy_read_timeout, HAProxy timeout server, Envoy route timeout).");
        put(Cause.RESET_DURING_RESPONSE, "RST from upstream after part of the response",
                "nginx logs 'recv() failed (104: Connection reset by peer) while reading upstream' (or 'readv() failed"
                        + " (104: Connection reset by peer) while reading upstream' when it reads into several"
                        + " buffers; 'while reading"
                        + " response header from upstream' inside the head, answered 502); once the status line was"
                        + " passed on the client gets a cut body and the access log shows the upstream's status;"
                        + " HAProxy logs termination state SD-- (SH-- inside the head); Envoy logs response flag UC"
                        + " and resets the client's stream.",
                "The upstream aborted while sending: look in its logs for a crash or a write timeout at this time,"
                        + " and check that it does not close sockets with unread request bytes (which makes the kernel"
                        + " send RST).");
        put(Cause.TRUNCATED_BODY, "the connection ends before Content-Length or the last chunk",
                "nginx logs 'upstream prematurely closed connection while reading upstream'; it has usually passed"
                        + " the status line on already, so the client gets the upstream's status and a cut body (a 200"
                        + " in the access log); HAProxy logs termination state SD--; Envoy logs response flag UC and"
                        + " resets the client's stream.",
                "The upstream closed before its body was complete: a crash or a timeout while streaming, or a wrong"
                        + " Content-Length (computed before compression or templating).");
        put(Cause.BAD_CHUNKED, "invalid chunk-size line or chunk framing",
                "nginx logs 'upstream sent invalid chunked response while reading upstream' and closes the client"
                        + " connection: the client gets the status already sent and a cut body, or nothing at all when"
                        + " the bad chunk came in the first read; HAProxy aborts the transfer (a D-phase termination"
                        + " state such as SD-- or PD--, or PH-- on some versions); Envoy logs response flag UPE.",
                "Fix the upstream's chunked encoding: hex size, CRLF, data, CRLF, and a zero-size last chunk (RFC"
                        + " 9112 section 7.1); a handler that writes its own chunk framing under a server that also"
                        + " chunks is the usual culprit.");
        put(Cause.KEEPALIVE_RACE, "a request sent on a reused idle connection the upstream was closing",
                "nginx logs 'upstream prematurely closed connection while reading response header from upstream'"
                        + " or 'recv() failed (104: Connection reset by peer) while reading response header from"
                        + " upstream' and retries the request on another"
                        + " connection when the failed one was a cached keep-alive connection, so the client often"
                        + " gets 200; it does not retry non-idempotent requests (POST, PATCH) unless proxy_next_upstream"
                        + " has non_idempotent, and those get 502; HAProxy answers 502 with termination state SH--"
                        + " unless 'retry-on' covers it; Envoy answers 503 with response flag UC"
                        + " (upstream_reset_before_response_started{connection_termination}) unless a retry policy"
                        + " retries on reset.",
                "Make the upstream keep idle connections open longer than the proxy does: the proxy's idle timeout"
                        + " (nginx keepalive_timeout in the upstream block, 60 s by default; HAProxy http-reuse and"
                        + " timeout server; Envoy common_http_protocol_options.idle_timeout, 1 h by default) must be"
                        + " shorter than the upstream's keep-alive timeout (Node.js server.keepAliveTimeout 5 s, Apache"
                        + " KeepAliveTimeout 5 s, gunicorn --keep-alive 2 s).");
        put(Cause.WS_UPGRADE_REJECTED, "an upgrade request answered without 101",
                "nginx passes the upstream's answer on and logs nothing; without proxy_http_version 1.1 and"
                        + " proxy_set_header Upgrade / Connection it does not forward the upgrade, and the upstream"
                        + " sees a plain GET; HAProxy forwards the upgrade and passes on the answer; Envoy answers 403"
                        + " itself (upgrade_failed) when the route has no upgrade_configs for websocket, else passes the"
                        + " answer on.",
                "Forward the upgrade: nginx needs proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade;"
                        + " proxy_set_header Connection 'upgrade' in this location; Envoy needs upgrade_configs:"
                        + " [{upgrade_type: websocket}]; otherwise check the upstream's WebSocket route and its origin"
                        + " or authentication checks.");
        put(Cause.WS_TRUNCATED_UPGRADE, "the 101 response is cut off or the connection ends during the handshake",
                "nginx answers 502 and logs 'upstream prematurely closed connection while reading response header"
                        + " from upstream'; HAProxy answers 502 with termination state SH--; Envoy answers 503 with"
                        + " response flag UC.",
                "The upstream closed during the WebSocket handshake: look in its logs for an error in the upgrade"
                        + " handler (rejected origin, authentication, a crash) at this time.");
        put(Cause.BAD_WS_ACCEPT, "a 101 whose Sec-WebSocket-Accept or Upgrade/Connection headers are wrong",
                "nginx, HAProxy and Envoy pass the 101 on without checking the accept value, and log a 101; the"
                        + " client's WebSocket library then fails the handshake (browsers: \"Incorrect"
                        + " 'Sec-WebSocket-Accept' header value\") and closes the connection.",
                "Fix the upstream's handshake: Sec-WebSocket-Accept is base64(SHA-1(key +"
                        + " '258EAFA5-E914-47DA-95CA-C5AB0DC85B11')) of the key the upstream received, with Upgrade:"
                        + " websocket and Connection: Upgrade (RFC 6455 section 4.2.2); a proxy between that rewrites"
                        + " the key breaks it too.");
        put(Cause.WS_RESET_AFTER_UPGRADE, "the upgraded connection is reset or closed without a close frame right after 101",
                "nginx logs 'recv() failed (104: Connection reset by peer) while proxying upgraded connection' (or"
                        + " nothing for a FIN) and closes the client's connection: the client sees 101 and then a"
                        + " dropped connection (close code 1006); HAProxy logs the 101 with termination state SD--;"
                        + " Envoy logs the 101 with response flag UC.",
                "The upstream dropped the WebSocket without a close frame: look in its logs for an error right after"
                        + " the handshake (authentication of the first message, a crash) and make it close with a close"
                        + " frame and a status code.");
        put(Cause.UPSTREAM_ERROR_STATUS, "the upstream itself answered 502/503/504",
                "nginx passes the status on and logs no error ($upstream_status in the access log shows it; with"
                        + " proxy_next_upstream http_502 http_503 http_504 it tries the next server first); HAProxy"
                        + " passes it on with termination state ---- (retried only with 'retry-on 502 503 504');"
                        + " Envoy passes it on with no response flag (retried only with retry_on 5xx).",
                "Look behind the upstream: its own logs and the services it calls; when it is a proxy too, run"
                        + " gatelens on a capture taken at that hop.");
        put(Cause.UNEXPLAINED, "a 5xx on the client leg with no upstream evidence in the capture",
                "The proxy answered 5xx, and the capture shows nothing from an upstream that explains it.",
                "Capture the proxy's upstream side too (tcpdump on the proxy host, on the upstream port), or check"
                        + " the proxy's error log at this time.");
        put(Cause.KEEPALIVE_IDLE_NEAR_CLOSE, "keep-alive idle time before reuse approaching the upstream's idle-close time",
                "When the race happens, nginx retries idempotent requests on a fresh connection (502 for POST),"
                        + " HAProxy answers 502 (SH--) and Envoy 503 (UC) unless configured to retry.",
                "Make the proxy's idle timeout for upstream connections clearly shorter than the upstream's"
                        + " keep-alive timeout (or raise the upstream's).");
        put(Cause.SLOW_RESPONSE_NEAR_TIMEOUT, "a response close to the proxy's observed timeout",
                "Past the timeout, nginx answers 504 ('upstream timed out'), HAProxy 504 (sH--) and Envoy 504 (UT).",
                "Make the upstream faster for this request, or raise the proxy's response timeout with margin.");
        put(Cause.RETRANSMISSION_BURST, "retransmission bursts on a connection",
                "Lost segments delay requests and responses by a retransmission timeout each; near a proxy timeout"
                        + " that becomes a 504 (nginx 'upstream timed out', HAProxy sH--, Envoy UT).",
                "Look for loss on the path between proxy and upstream: interface errors and drops (ip -s link),"
                        + " an overloaded host or a congested link.");
        put(Cause.ZERO_WINDOW_STALL, "a zero-window stall on a connection",
                "A side that stops reading stalls the other; if it lasts past a proxy timeout the proxy gives up"
                        + " (nginx 'upstream timed out', HAProxy sD--/sH--, Envoy UT).",
                "Find why the receiver stopped reading: a slow client behind the proxy with response buffering off,"
                        + " full proxy buffers, or an upstream too busy to read request bodies.");
        for (Cause c : Cause.values()) {
            if (!TEXTS.containsKey(c)) throw new IllegalStateException("no text for cause " + c.id());
        }
    }

    private CauseText() {}

    public static Text of(Cause c) {
        return TEXTS.get(c);
    }

    /** What is seen on the wire, in a few words (the table). */
    public static String seen(Cause c) {
        return TEXTS.get(c).seen();
    }

    /** What nginx, HAProxy and Envoy answer and log for the cause. */
    public static String proxies(Cause c) {
        return TEXTS.get(c).proxies();
    }

    public static String hint(Cause c) {
        return TEXTS.get(c).hint();
    }
}
