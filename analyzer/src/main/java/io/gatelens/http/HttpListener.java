package io.gatelens.http;

import io.gatelens.anomaly.Anomaly;

/** What an {@link HttpParser} reports, in stream order. Buffers are valid only during the call. */
public interface HttpListener {
    void requestHead(RequestHead head);

    /** Interim (1xx) responses too. */
    void responseHead(ResponseHead head);

    /** After a head was reported: its message is over. */
    void messageEnd(MessageEnd end);

    void anomaly(Anomaly anomaly);

    /** Bytes after a protocol switch (101, CONNECT 2xx): not HTTP, handed on as they are. */
    default void passthrough(byte[] buf, int off, int len, long streamOffset, long frame, long nanos) {
    }

    default void passthroughGap(long streamOffset, long length, long frame, long nanos) {
    }
}
