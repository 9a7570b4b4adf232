package io.gatelens.report;

import io.gatelens.pipeline.BatchPipe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
    private static final int BATCHES = 5;

    private static final class Batch {
        final Runnable[] work = new Runnable[BATCH];
        int size;
    }

    private final BatchPipe<Batch> pipe;
    private Batch filling = new Batch();

    public RenderThread(String name) {
        List<Batch> spares = new ArrayList<>();
        for (int i = 0; i < BATCHES - 1; i++) spares.add(new Batch());
        pipe = new BatchPipe<>(name, spares, BATCHES, b -> {
            for (int i = 0; i < b.size; i++) b.work[i].run();
        }, b -> Arrays.fill(b.work, 0, b.size, null));
    }

    public void submit(Runnable work) {
        pipe.rethrowFailure();
        filling.work[filling.size++] = work;
        if (filling.size == BATCH) {
            filling = pipe.swap(filling);
            filling.size = 0;
        }
    }

    /** Runs everything submitted, waits for it, and rethrows a failure from it. */
    @Override
    public void close() {
        pipe.close(filling.size > 0 ? filling : null);
    }
}
