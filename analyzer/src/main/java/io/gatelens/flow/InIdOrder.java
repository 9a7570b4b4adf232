package io.gatelens.flow;

import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * Puts rows about connections that are done back into id order (tcp.stream order) before they are written.
 * One connection that stays open holds back every later one, so the wait is capped: past
 * {@code maxHeld} the lowest held connection is written anyway, and {@link #outOfOrder()} counts it.
 */
public final class InIdOrder<T> implements Consumer<T> {
    public static final int DEFAULT_MAX_HELD = 100_000;

    private final ToLongFunction<T> id;
    private final Consumer<T> next;
    private final int maxHeld;
    private final PriorityQueue<T> held;
    private long expected;
    private long outOfOrder;

    /** Connections themselves, in id order. */
    public static InIdOrder<Connection> connections(Consumer<Connection> next) {
        return new InIdOrder<>(DEFAULT_MAX_HELD, Connection::id, next);
    }

    public InIdOrder(int maxHeld, ToLongFunction<T> id, Consumer<T> next) {
        this.id = id;
        this.next = next;
        this.maxHeld = maxHeld;
        this.held = new PriorityQueue<>(Comparator.comparingLong(id));
    }

    @Override
    public void accept(T c) {
        held.add(c);
        drain();
        while (held.size() > maxHeld) {
            T first = held.poll();
            outOfOrder++;
            expected = id.applyAsLong(first) + 1;
            next.accept(first);
            drain();
        }
    }

    private void drain() {
        while (!held.isEmpty() && id.applyAsLong(held.peek()) <= expected) {
            T c = held.poll();
            expected = Math.max(expected, id.applyAsLong(c) + 1);
            next.accept(c);
        }
    }

    /** Connections written before one with a lower id because too many were waiting. */
    public long outOfOrder() { return outOfOrder; }
}
