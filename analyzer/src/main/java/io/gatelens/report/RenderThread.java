package io.gatelens.report;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Runs rendering work (formatting rows, writing them out) on a second thread, in submission
 * order, so the capture pass on the calling thread does not wait for it: on a two-core machine
 * the JSON writer is a fifth of a pass. Work goes over in batches, and the queue is bounded, so a
 * slow reader of the output slows the pass instead of filling memory.
 *
 * <p>Submitted work must only touch objects that no longer change (finished exchanges). A failure
 * on the render thread is rethrown by the next {@link #submit} or by {@link #close}.
 */
public final class RenderThread implements AutoCloseable {
    private static final int BATCH = 64;
    private static final int BATCHES_QUEUED = 4;
    private static final Runnable[] END = new Runnable[0];

    private final BlockingQueue<Runnable[]> queue = new ArrayBlockingQueue<>(BATCHES_QUEUED);
    private final Thread thread;
    private Runnable[] batch = new Runnable[BATCH];
    private int filled;
    private volatile Throwable failure;
    private boolean closed;

    public RenderThread(String name) {
        thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    public void submit(Runnable work) {
        rethrowFailure();
        batch[filled++] = work;
        if (filled == BATCH) handOff();
    }

    private void handOff() {
        Runnable[] full = filled == BATCH ? batch : java.util.Arrays.copyOf(batch, filled);
        batch = new Runnable[BATCH];
        filled = 0;
        put(full);
    }

    private void put(Runnable[] b) {
        try {
            queue.put(b);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while handing rows to the render thread", e);
        }
    }

    private void loop() {
        try {
            while (true) {
                Runnable[] b = queue.take();
                if (b == END) return;
                if (failure != null) continue; // keep draining so the producer never blocks for ever
                try {
                    for (Runnable r : b) r.run();
                } catch (Throwable t) {
                    failure = t;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void rethrowFailure() {
        Throwable t = failure;
        if (t == null) return;
        if (t instanceof RuntimeException r) throw r;
        if (t instanceof Error e) throw e;
        throw new IllegalStateException(t);
    }

    /** Runs everything submitted, waits for it, and rethrows a failure from it. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (filled > 0) handOff();
        put(END);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the render thread", e);
        }
        rethrowFailure();
    }
}
