package io.gatelens.capture;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * Frames in capture order, one at a time, into a frame the caller reuses.
 *
 * <p>{@link #next(Frame)} returns false at a clean end of input. A file that is cut or corrupt
 * throws {@link CaptureFormatException} naming file, frame number and byte offset; every frame
 * returned before it was sound, and the source returns false from then on.
 */
public interface PacketSource extends Closeable {
    boolean next(Frame frame) throws IOException;

    /** A name for messages: the file's path, or the interface for a live capture. */
    String name();

    CaptureFormat format();

    /** Interfaces seen so far (pcapng declares them as it goes; pcap has exactly one). */
    List<CaptureInterface> interfaces();

    @Override
    void close() throws IOException;
}
