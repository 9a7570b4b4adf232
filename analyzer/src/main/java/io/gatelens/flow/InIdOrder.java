package io.gatelens.flow;

import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * Puts connections that are done back into id order (tcp.stream order) before they are written.
 * One connection that stays open holds back every later one, so the wait is capped: past
 * {@code maxHeld} the lowest held connection is written anyway, and {@link #outOfOrder()} counts it.
 */
public final class InIdOrder implements Consumer<Connection> {
    public static final int DEFAULT_MAX_HELD = 100_000;

    private final Consumer<Connection> next;
    private final int maxHeld;
    private final PriorityQueue<Connection> held =
            new PriorityQueue<>((a, b) -> Long.compare(a.id(), b.id()));
    private long expected;
    private long outOfOrder;

    public InIdOrder(Consumer<Connection> next) {
        this(DEFAULT_MAX_HELD, next);
    }

    public InIdOrder(int maxHeld, Consumer<Connection> next) {
        this.next = next;
        this.maxHeld = maxHeld;
    }

    @Override
    public void accept(Connection c) {
        held.add(c);
        drain();
        while (held.size() > maxHeld) {
            Connection first = held.poll();
            outOfOrder++;
            expected = first.id() + 1;
            next.accept(first);
            drain();
        }
    }

    private void drain() {
        while (!held.isEmpty() && held.peek().id() <= expected) {
            Connection c = held.poll();
            expected = Math.max(expected, c.id() + 1);
            next.accept(c);
        }
    }

    /** Connections written before one with a lower id because too many were waiting. */
    public long outOfOrder() { return outOfOrder; }
}
