package io.gatelens.report;

import java.io.OutputStream;

/**
 * A text writer whose bytes can also be written directly. JSON Lines then go out as UTF-8 bytes
 * from the generator, skipping a round through chars and the writer's encoder (a third of the
 * JSON writing time on a large capture).
 */
public interface ByteOutput {
    /** The stream under the writer, with the writer flushed into it first. */
    OutputStream bytes();
}
