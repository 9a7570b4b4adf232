package io.gatelens.pipeline;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;

/**
 * Batches from a producing thread (the pass) to one worker thread and back: a fixed set cycles
 * between a queue of filled ones and a queue of empty ones, so nothing is allocated once they
 * exist, and the producer waits when all are in flight instead of filling memory. Batches reach the
 * worker in the order they were handed over. A failure on the worker is kept and rethrown on the
 * producer at the next hand-over or at {@link #close}; the worker goes on draining (without
 * working) so the producer never waits for ever.
 *
 * @param <B> the batch type: {@code work} handles a filled one, {@code clear} drops what it
 *            references before it goes back to be filled
 */
public final class BatchPipe<B> {
    private final Object end = new Object();
    private final BlockingQueue<Object> full;
    private final BlockingQueue<B> free;
    private final Consumer<B> work;
    private final Consumer<B> clear;
    private final Thread thread;
    private volatile Throwable failure;
    private boolean closed;

    /** {@code spares}: the empty batches besides the one the pass is filling. */
    public BatchPipe(String threadName, Iterable<B> spares, int count, Consumer<B> work, Consumer<B> clear) {
        this.full = new ArrayBlockingQueue<>(count + 2);
        this.free = new ArrayBlockingQueue<>(count + 1);
        for (B b : spares) free.add(b);
        this.work = work;
        this.clear = clear;
        thread = new Thread(this::loop, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** Hands {@code filled} over and returns an empty batch to fill next. */
    public B swap(B filled) {
        rethrowFailure();
        try {
            full.put(filled);
            return free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while handing work to " + thread.getName(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private void loop() {
        try {
            while (true) {
                Object o = full.take();
                if (o == end) return;
                B b = (B) o;
                if (failure == null) {
                    try {
                        work.accept(b);
                    } catch (Throwable t) {
                        failure = t;
                    }
                }
                clear.accept(b);
                free.put(b);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Rethrows a failure of the worker, if any: for a producer that checks before it fills. */
    public void rethrowFailure() {
        Throwable t = failure;
        if (t == null) return;
        if (t instanceof RuntimeException r) throw r;
        if (t instanceof Error err) throw err;
        throw new IllegalStateException(t);
    }

    /** Hands {@code last} over (when not null), waits for the worker, and rethrows its failure. */
    public void close(B last) {
        if (closed) return;
        closed = true;
        try {
            if (last != null) full.put(last);
            full.put(end);
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + thread.getName(), e);
        }
        rethrowFailure();
    }
}
