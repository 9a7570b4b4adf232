package io.gatelens.http;

/**
 * The end of one message (request or response) whose head was reported.
 *
 * @param how          how it ended
 * @param endKind      for {@link How#TRUNCATED} and {@link How#UNFINISHED}: what stopped the stream; else null
 * @param bodyBytes    body bytes seen (chunk framing excluded; gaps not counted)
 * @param cutByGap     a capture gap fell inside the body, which was skipped
 * @param endOffset    stream offset just past the last byte of the message seen
 * @param lastFrame    frame that carried the last byte seen
 * @param lastNanos    its time
 * @param trailers     chunked trailer fields, or null
 */
public record MessageEnd(How how, EndKind endKind, long bodyBytes, boolean cutByGap, long endOffset,
                         long lastFrame, long lastNanos, Headers trailers) {
    public enum How {
        /** Framing said the message was over (a gap may have been skipped: see cutByGap). */
        COMPLETE,
        /** FIN or reset before the framing said the message was over. */
        TRUNCATED,
        /** The capture stopped before the message was over. */
        UNFINISHED,
        /** Framing broke (bad chunk line, bad Content-Length in a request): the rest could not be delimited. */
        MALFORMED,
        /** A capture gap fell where the framing was needed (chunk-size line, trailers). */
        CUT_BY_GAP
    }
}
