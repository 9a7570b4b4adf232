package io.gatelens.capture.live;

import io.gatelens.capture.CaptureFormat;
import io.gatelens.capture.CaptureInterface;
import io.gatelens.capture.Frame;
import io.gatelens.capture.PacketSource;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The packets of a live capture as a {@link PacketSource}, so the analysis reads them exactly as
 * it reads a file. It runs on the taking side of a {@link PacketQueue}; each frame first goes to
 * the {@link Tap} (the file being written), and the {@link Ticker} is called at least every
 * {@code tickNanos} while packets come and while none do, on this same thread, so the writer can
 * flush and the analysis can move its clock on a quiet link.
 */
public final class LiveSource implements PacketSource {
    /** Sees every frame before the analysis does. */
    @FunctionalInterface
    public interface Tap {
        void frame(Frame frame) throws IOException;
    }

    /** Called with the monotonic time (System.nanoTime's scale) at least every tick interval. */
    @FunctionalInterface
    public interface Ticker {
        void tick(long monotonicNanos) throws IOException;
    }

    private final String name;
    private final PacketQueue queue;
    private final CaptureInterface iface;
    private final Tap tap;
    private final Ticker ticker;
    private final LongSupplier monotonic;
    private final long tickNanos;
    private PacketQueue.Batch batch;
    private int position;
    private long number;
    private long lastTick;

    /** {@code tap} and {@code ticker} may be null. */
    public LiveSource(String name, PacketQueue queue, CaptureInterface iface, Tap tap, Ticker ticker,
                      LongSupplier monotonic, long tickNanos) {
        if (tickNanos < 1) throw new IllegalArgumentException("tick interval must be positive");
        this.name = name;
        this.queue = queue;
        this.iface = iface;
        this.tap = tap;
        this.ticker = ticker;
        this.monotonic = monotonic;
        this.tickNanos = tickNanos;
        this.lastTick = monotonic.getAsLong();
    }

    @Override
    public boolean next(Frame frame) throws IOException {
        while (batch == null || position == batch.size()) {
            tickIfDue();
            try {
                batch = queue.take(batch, tickNanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for packets on " + name);
            }
            position = 0;
            if (batch == null) return false;
        }
        int i = position++;
        frame.set(++number, batch.nanos(i), iface.index(), iface.linkTypeCode(), batch.data(i), 0,
                batch.capturedLength(i), batch.originalLength(i), 0);
        if (tap != null) tap.frame(frame);
        return true;
    }

    private void tickIfDue() throws IOException {
        long now = monotonic.getAsLong();
        if (now - lastTick >= tickNanos) {
            lastTick = now;
            if (ticker != null) ticker.tick(now);
        }
    }

    /** Frames handed out so far. */
    public long frames() {
        return number;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CaptureFormat format() {
        return CaptureFormat.LIVE;
    }

    @Override
    public List<CaptureInterface> interfaces() {
        return List.of(iface);
    }

    /** Closing the source does not stop the capture: the capture's owner does that. */
    @Override
    public void close() {
    }
}
