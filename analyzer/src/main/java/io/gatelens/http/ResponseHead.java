package io.gatelens.http;

/**
 * A parsed status line and header section; interim (1xx other than 101) responses too.
 * {@code streamOffset}, {@code frame} and {@code nanos} locate the first byte of the status line;
 * {@code headBytes} is the size of the head on the wire, status line through the empty line that
 * ends it (what a proxy must buffer before it can act on the response), or -1 when not known.
 */
public record ResponseHead(String version, int status, String reason, Headers headers,
                           long streamOffset, long frame, long nanos, long headBytes) {
    public ResponseHead(String version, int status, String reason, Headers headers,
                        long streamOffset, long frame, long nanos) {
        this(version, status, reason, headers, streamOffset, frame, nanos, -1);
    }

    /** 1xx other than 101: the final response is still to come (RFC 9110 section 15.2). */
    public boolean interim() {
        return status >= 100 && status < 200 && status != 101;
    }
}
