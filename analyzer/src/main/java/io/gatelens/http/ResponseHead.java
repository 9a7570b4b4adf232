package io.gatelens.http;

/**
 * A parsed status line and header section; interim (1xx other than 101) responses too.
 * {@code streamOffset}, {@code frame} and {@code nanos} locate the first byte of the status line.
 */
public record ResponseHead(String version, int status, String reason, Headers headers,
                           long streamOffset, long frame, long nanos) {
    /** 1xx other than 101: the final response is still to come (RFC 9110 section 15.2). */
    public boolean interim() {
        return status >= 100 && status < 200 && status != 101;
    }
}
