package io.gatelens.timeline;

import io.gatelens.tcp.Direction;

/**
 * One line of a connection's life: at a frame, in a direction, something happened.
 *
 * @param connection the connection id (Wireshark's tcp.stream)
 * @param frame      the frame it happened at (for a summary, the first frame of what it sums up)
 * @param lastFrame  the last frame a summary covers; equal to {@code frame} for a single event
 * @param nanos      time of {@code frame}
 * @param direction  who sent it: client to server, or server to client
 * @param kind       what happened
 * @param text       what to show, as captured bytes made safe for a terminal by the builder
 *                   (renderers still escape it for their medium); never null
 */
public record TimelineEvent(long connection, long frame, long lastFrame, long nanos, Direction direction,
                            EventKind kind, String text) {
}
