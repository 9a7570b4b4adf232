package io.gatelens.finding;

/**
 * The response the proxy gave its client that a finding explains: its status (-1 when the client
 * got no valid status line, e.g. nginx relaying garbage as HTTP/0.9, or no response at all), the
 * client-leg connection and the frame that carried the status line (-1 when none).
 */
public record ClientResponse(int status, long connection, long frame, long nanos) {
}
