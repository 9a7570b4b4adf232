package io.gatelens.timeline;

/** Which connections a timeline shows: picked by id, by request line, or by finding number. */
public sealed interface Selector {
    /** The connection with this id (Wireshark's tcp.stream), and the ones the correlation ties to it. */
    record Connection(long id) implements Selector {}

    /** The first exchange whose request line ("GET /path", method and target) matches, and its other leg. */
    record Request(String line) implements Selector {}

    /** The N-th finding of {@code gatelens analyze} (1-based, in its output order), with both legs. */
    record Finding(int number) implements Selector {}
}
