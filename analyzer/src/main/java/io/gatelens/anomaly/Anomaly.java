package io.gatelens.anomaly;

import io.gatelens.tcp.Direction;

/**
 * One thing found wrong in the bytes, with where: the connection, the direction, the frame that
 * carried the offending byte (1-based, as Wireshark), its time, and the offset in that
 * direction's byte stream (gaps counted). {@code detail} is short and made of escaped text only.
 */
public record Anomaly(AnomalyCode code, long connection, Direction direction, long frame, long nanos,
                      long streamOffset, String detail) {
}
