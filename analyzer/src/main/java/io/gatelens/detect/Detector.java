package io.gatelens.detect;

import io.gatelens.pipeline.TransactionRow;

/**
 * One cause family's judgement of a connection. A detector reads what the recorder kept
 * ({@link ConnectionFacts}) and the exchanges the HTTP layer hands on; it does not parse, and
 * it keeps nothing of its own between calls (what it must wait for lives in the facts), so one
 * instance serves every connection.
 *
 * <p>Per connection: {@link #exchange} for each exchange as it ends, in order, then
 * {@link #closed} once. Detectors run in a fixed order and the first failure cause found for an
 * exchange explains it: later detectors do not see that exchange (see {@link Findings#claimed()}).
 */
public interface Detector {
    default void exchange(ConnectionFacts c, TransactionRow row, Findings out) {
    }

    default void closed(ConnectionFacts c, Findings out) {
    }
}
