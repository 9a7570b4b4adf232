package io.gatelens.capture.live;

/** Receives each captured packet on the capture thread; {@code data} is the handler's to keep. */
@FunctionalInterface
public interface PacketHandler {
    void packet(long epochNanos, byte[] data, int capturedLength, int originalLength) throws InterruptedException;
}
