package io.gatelens.http;

/**
 * A parsed request line and header section. {@code streamOffset}, {@code frame} and {@code nanos}
 * locate the first byte of the request line.
 */
public record RequestHead(String method, String target, String version, Headers headers,
                          long streamOffset, long frame, long nanos) {
}
