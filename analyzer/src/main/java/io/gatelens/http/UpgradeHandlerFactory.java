package io.gatelens.http;

import io.gatelens.tcp.StreamListener;

/**
 * Chooses who reads a connection's bytes after a 101 Switching Protocols. The listener gets every
 * later byte of both directions (with the stream offsets of the whole connection), then the
 * fin/reset/closed calls. Null: the bytes are only counted.
 */
@FunctionalInterface
public interface UpgradeHandlerFactory {
    UpgradeHandlerFactory NONE = (connection, request, response) -> null;

    /** {@code request} is null when the capture began after it. */
    StreamListener create(long connection, RequestHead request, ResponseHead response);
}
