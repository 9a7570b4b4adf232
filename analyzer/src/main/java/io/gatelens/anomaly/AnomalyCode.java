package io.gatelens.anomaly;

/**
 * The one registry of what parsers can find wrong in the bytes (Wireshark's expert info, Zeek's
 * weirds). Ids are stable snake_case: they are part of the JSON output. Summaries say what was
 * seen, not what it means for a diagnosis: judging is the detectors' job.
 */
public enum AnomalyCode {
    // --- TCP reassembly
    TCP_OVERLAP_CONFLICT("tcp", Severity.WARNING, "retransmitted bytes differ from the bytes first seen (first copy kept)"),
    TCP_GAP("tcp", Severity.WARNING, "bytes missing from the capture: delivered as a gap"),
    TCP_BUFFER_LIMIT("tcp", Severity.WARNING, "reassembly buffer cap hit on this connection; held data given up as a gap"),
    TCP_DATA_AFTER_FIN("tcp", Severity.WARNING, "data beyond the sender's FIN"),
    TCP_SYN_DATA("tcp", Severity.INFO, "data carried on a SYN (TCP Fast Open): delivered as stream data"),

    // --- HTTP/1.x (RFC 9110 / 9112)
    HTTP_BAD_REQUEST_LINE("http", Severity.ERROR, "request line does not match method SP target SP HTTP-version"),
    HTTP_BAD_STATUS_LINE("http", Severity.ERROR, "status line does not match HTTP-version SP 3DIGIT SP reason"),
    HTTP_BAD_VERSION("http", Severity.ERROR, "HTTP version is not HTTP/1.0 or HTTP/1.1"),
    HTTP_HEADER_WITHOUT_COLON("http", Severity.ERROR, "header line without a colon"),
    HTTP_BAD_HEADER_NAME("http", Severity.ERROR, "header name has characters outside token"),
    HTTP_WHITESPACE_BEFORE_COLON("http", Severity.ERROR, "whitespace between header name and colon"),
    HTTP_NUL_IN_HEADER("http", Severity.ERROR, "NUL byte in the header section"),
    HTTP_BARE_CR("http", Severity.ERROR, "CR not followed by LF"),
    HTTP_BARE_LF("http", Severity.INFO, "line ended by LF alone"),
    HTTP_OBSOLETE_LINE_FOLDING("http", Severity.WARNING, "header value continued on a line starting with whitespace"),
    HTTP_HEADER_TOO_LARGE("http", Severity.ERROR, "header section larger than the parser's limit"),
    HTTP_BAD_CONTENT_LENGTH("http", Severity.ERROR, "Content-Length is not a non-negative decimal number"),
    HTTP_CONFLICTING_CONTENT_LENGTH("http", Severity.ERROR, "several Content-Length values that disagree"),
    HTTP_CONTENT_LENGTH_WITH_CHUNKED("http", Severity.ERROR, "both Content-Length and Transfer-Encoding: chunked"),
    HTTP_BAD_TRANSFER_ENCODING("http", Severity.ERROR, "Transfer-Encoding that does not end in chunked"),
    HTTP_BAD_CHUNK_SIZE("http", Severity.ERROR, "chunk-size line is not hexadecimal"),
    HTTP_BAD_CHUNK_END("http", Severity.ERROR, "chunk data not followed by CRLF"),
    HTTP_BODY_TRUNCATED("http", Severity.ERROR, "stream ended before the body did"),
    HTTP_HEADER_TRUNCATED("http", Severity.ERROR, "stream ended inside the header section"),
    HTTP_CUT_BY_GAP("http", Severity.WARNING, "a capture gap fell inside the message"),
    HTTP_RESYNC("http", Severity.INFO, "parsing resumed at the next message start after bytes it could not use"),
    HTTP_RESPONSE_WITHOUT_REQUEST("http", Severity.WARNING, "a response with no request left to answer"),
    HTTP_DATA_AFTER_CLOSE("http", Severity.WARNING, "bytes after a message that closes the connection"),
    NOT_HTTP_TLS("http", Severity.WARNING, "TLS records where HTTP/1.x was expected"),
    NOT_HTTP_H2_PREFACE("http", Severity.WARNING, "HTTP/2 connection preface where HTTP/1.x was expected"),
    NOT_HTTP("http", Severity.WARNING, "bytes that are not HTTP/1.x"),

    // --- WebSocket (RFC 6455)
    WS_BAD_ACCEPT("websocket", Severity.ERROR, "Sec-WebSocket-Accept is not the value computed from the request's key"),
    WS_MISSING_UPGRADE("websocket", Severity.ERROR, "101 without Upgrade: websocket"),
    WS_MISSING_CONNECTION_UPGRADE("websocket", Severity.ERROR, "101 without Connection: upgrade"),
    WS_BAD_REQUEST("websocket", Severity.ERROR, "upgrade request missing Sec-WebSocket-Key or version 13"),
    WS_UNMASKED_CLIENT_FRAME("websocket", Severity.ERROR, "client frame not masked"),
    WS_MASKED_SERVER_FRAME("websocket", Severity.ERROR, "server frame masked"),
    WS_RESERVED_BITS("websocket", Severity.ERROR, "RSV bits set without a negotiated extension"),
    WS_BAD_OPCODE("websocket", Severity.ERROR, "reserved opcode"),
    WS_BAD_CONTROL_FRAME("websocket", Severity.ERROR, "control frame fragmented or longer than 125 bytes"),
    WS_BAD_CONTINUATION("websocket", Severity.ERROR, "continuation without a message to continue, or a new message inside one"),
    WS_NON_MINIMAL_LENGTH("websocket", Severity.WARNING, "payload length not in its shortest form"),
    WS_BAD_CLOSE("websocket", Severity.ERROR, "close frame with a 1-byte payload or a code not allowed on the wire"),
    WS_DATA_AFTER_CLOSE("websocket", Severity.WARNING, "frames after the sender's close frame"),
    WS_FRAME_TRUNCATED("websocket", Severity.ERROR, "stream ended inside a frame"),
    WS_BAD_LENGTH("websocket", Severity.ERROR, "64-bit payload length with its most significant bit set"),
    WS_CUT_BY_GAP("websocket", Severity.WARNING, "a capture gap outside a payload of known length: rest of this direction not parsed"),
    WS_BAD_NEGOTIATION("websocket", Severity.ERROR, "101 selects a subprotocol or extension the request did not offer");

    private final String group;
    private final Severity severity;
    private final String summary;

    AnomalyCode(String group, Severity severity, String summary) {
        this.group = group;
        this.severity = severity;
        this.summary = summary;
    }

    /** Made once: ids are written for every row of a report. */
    private final String id = name().toLowerCase(java.util.Locale.ROOT);

    public String id() { return id; }
    public String group() { return group; }
    public Severity severity() { return severity; }
    public String summary() { return summary; }
}
