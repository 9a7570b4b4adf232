package io.gatelens.ws;

import io.gatelens.anomaly.AnomalyCode;
import io.gatelens.http.Headers;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/** The opening handshake checks of RFC 6455 section 4, on headers already parsed. */
public final class WebSocketHandshake {
    /** RFC 6455 section 1.3: appended to the key before hashing. */
    public static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private WebSocketHandshake() {}

    /**
     * True when the request tries to open a WebSocket: it asks for Upgrade: websocket, or it
     * carries a Sec-WebSocket-Key without one. The second form is what an upstream sees behind a
     * proxy that did not forward the hop-by-hop Upgrade and Connection fields, and it is worth
     * checking precisely because it then fails.
     */
    public static boolean isUpgradeRequest(String method, Headers request) {
        if (method != null && method.equals("CONNECT")) return false;
        return request.hasToken("Upgrade", "websocket") || request.get("Sec-WebSocket-Key") != null;
    }

    /** base64(SHA-1(key + GUID)): the Sec-WebSocket-Accept a server must answer to {@code key}. */
    public static String acceptFor(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] digest = sha1.digest((key + GUID).getBytes(StandardCharsets.ISO_8859_1));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform must provide SHA-1 (MessageDigest Javadoc).
            throw new IllegalStateException(e);
        }
    }

    public static HandshakeResult check(Headers request, int status, Headers response) {
        return check(null, request, status, response);
    }

    /** {@code method} may be null when unknown; {@code response} may be null for no fields. */
    public static HandshakeResult check(String method, Headers request, int status, Headers response) {
        List<HandshakeResult.Problem> problems = new ArrayList<>(2);
        boolean upgrade = request.hasToken("Upgrade", "websocket");
        boolean connUpgrade = request.hasToken("Connection", "upgrade");
        String key = trimmed(request.get("Sec-WebSocket-Key"));
        String version = trimmed(request.get("Sec-WebSocket-Version"));

        if (method != null && !method.equals("GET")) {
            bad(problems, AnomalyCode.WS_BAD_REQUEST, "method " + Text.quote(method) + ", not GET");
        }
        if (!upgrade) {
            bad(problems, AnomalyCode.WS_BAD_REQUEST, "request without Upgrade: websocket (Upgrade "
                    + Text.quote(request.get("Upgrade")) + ")");
        }
        if (!connUpgrade) {
            bad(problems, AnomalyCode.WS_BAD_REQUEST, "request without Connection: upgrade (Connection "
                    + Text.quote(request.get("Connection")) + ")");
        }
        if (key == null) {
            bad(problems, AnomalyCode.WS_BAD_REQUEST, "request without Sec-WebSocket-Key");
        } else if (!isSixteenBytesBase64(key)) {
            bad(problems, AnomalyCode.WS_BAD_REQUEST, "Sec-WebSocket-Key " + Text.quote(key)
                    + " is not base64 of 16 bytes");
        }
        if (!"13".equals(version)) {
            bad(problems, AnomalyCode.WS_BAD_REQUEST, "Sec-WebSocket-Version " + Text.quote(version)
                    + ", not 13");
        }

        String expected = key == null ? null : acceptFor(key);
        Headers resp = response == null ? new Headers() : response;
        String accept = trimmed(resp.get("Sec-WebSocket-Accept"));
        String subprotocol = trimmed(resp.get("Sec-WebSocket-Protocol"));
        List<String> extLines = resp.getAll("Sec-WebSocket-Extensions");
        String extensions = extLines.isEmpty() ? null : String.join(", ", extLines);
        int allowedRsv = 0;

        if (status == 101) {
            if (!resp.hasToken("Upgrade", "websocket")) {
                bad(problems, AnomalyCode.WS_MISSING_UPGRADE, "Upgrade " + Text.quote(resp.get("Upgrade")));
            }
            if (!resp.hasToken("Connection", "upgrade")) {
                bad(problems, AnomalyCode.WS_MISSING_CONNECTION_UPGRADE,
                        "Connection " + Text.quote(resp.get("Connection")));
            }
            if (expected == null) {
                bad(problems, AnomalyCode.WS_BAD_ACCEPT, "no key in the request to compute it from; got "
                        + Text.quote(accept));
            } else if (!expected.equals(accept)) {
                bad(problems, AnomalyCode.WS_BAD_ACCEPT, "expected " + Text.quote(expected) + ", got "
                        + Text.quote(accept));
            }
            if (subprotocol != null && !offered(request, "Sec-WebSocket-Protocol", subprotocol)) {
                bad(problems, AnomalyCode.WS_BAD_NEGOTIATION, "subprotocol " + Text.quote(subprotocol)
                        + " not among those offered " + Text.quote(request.get("Sec-WebSocket-Protocol")));
            }
            for (String line : extLines) {
                for (String ext : line.split(",")) {
                    String name = extensionName(ext);
                    if (name.isEmpty()) continue;
                    if (!offeredExtension(request, name)) {
                        bad(problems, AnomalyCode.WS_BAD_NEGOTIATION, "extension " + Text.quote(name)
                                + " not offered by the request");
                    }
                    allowedRsv |= rsvFor(name);
                }
            }
        }
        return new HandshakeResult(status, upgrade, connUpgrade, key, version, expected, accept,
                subprotocol, extensions, allowedRsv, problems);
    }

    /** RSV bits an extension may set: the deflate family uses RSV1 (RFC 7692 section 6). */
    private static int rsvFor(String extension) {
        switch (extension) {
            case "permessage-deflate":
            case "x-webkit-deflate-frame":
            case "deflate-frame":
                return 4;
            default:
                // An extension this tool does not know may use any bit: do not judge them.
                return 7;
        }
    }

    private static String extensionName(String element) {
        int semi = element.indexOf(';');
        return (semi < 0 ? element : element.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    private static boolean offeredExtension(Headers request, String name) {
        for (String line : request.getAll("Sec-WebSocket-Extensions")) {
            for (String ext : line.split(",")) {
                if (extensionName(ext).equals(name)) return true;
            }
        }
        return false;
    }

    private static boolean offered(Headers request, String field, String token) {
        for (String line : request.getAll(field)) {
            for (String part : line.split(",")) {
                // Subprotocol names are compared as sent (RFC 6455 section 11.3.4: case-sensitive).
                if (part.trim().equals(token)) return true;
            }
        }
        return false;
    }

    /** 24 characters: 22 of the base64 alphabet then "==", which is exactly 16 bytes decoded. */
    static boolean isSixteenBytesBase64(String key) {
        if (key.length() != 24 || key.charAt(22) != '=' || key.charAt(23) != '=') return false;
        for (int i = 0; i < 22; i++) {
            char c = key.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '+' || c == '/';
            if (!ok) return false;
        }
        return true;
    }

    private static String trimmed(String s) {
        return s == null ? null : s.trim();
    }

    private static void bad(List<HandshakeResult.Problem> problems, AnomalyCode code, String detail) {
        problems.add(new HandshakeResult.Problem(code, detail));
    }
}
