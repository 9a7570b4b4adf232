package io.gatelens.flow;

import java.util.ArrayList;
import java.util.List;

/**
 * The live connections by 4-tuple: open addressing with the key's words stored inline, so a
 * lookup reads one slot of a flat array and then the connection it was after, instead of
 * HashMap's bucket, node and key objects (three cache misses per segment on a big table).
 * Linear probing; removal shifts the following run back, so there are no tombstones.
 */
final class ConnectionMap {
    private static final int WORDS = 6; // loHi, loLo, hiHi, hiLo, ports, version

    private long[] keys;
    private Connection[] values;
    private int mask;
    private int size;

    ConnectionMap() {
        allocate(1024);
    }

    private void allocate(int capacity) {
        keys = new long[capacity * WORDS];
        values = new Connection[capacity];
        mask = capacity - 1;
    }

    int size() {
        return size;
    }

    Connection get(ConnectionKey k) {
        for (int i = k.hashCode() & mask; ; i = (i + 1) & mask) {
            Connection c = values[i];
            if (c == null) return null;
            if (k.matches(keys, i * WORDS)) return c;
        }
    }

    /** Adds {@code c} under its own key, which must not be present. */
    void put(Connection c) {
        if ((size + 1) * 2 > values.length) grow();
        insert(c);
        size++;
    }

    private void insert(Connection c) {
        int i = c.key.hashCode() & mask;
        while (values[i] != null) i = (i + 1) & mask;
        values[i] = c;
        c.key.store(keys, i * WORDS);
    }

    void remove(Connection c) {
        int i = c.key.hashCode() & mask;
        while (values[i] != c) {
            if (values[i] == null) return;
            i = (i + 1) & mask;
        }
        values[i] = null;
        size--;
        // Move back entries of the run that follows, so every entry stays reachable from its home slot.
        for (int j = (i + 1) & mask; values[j] != null; j = (j + 1) & mask) {
            int home = values[j].key.hashCode() & mask;
            // Entry j may fill the hole at i when its home is not in (i, j] (cyclically).
            boolean between = i <= j ? (home > i && home <= j) : (home > i || home <= j);
            if (!between) {
                values[i] = values[j];
                System.arraycopy(keys, j * WORDS, keys, i * WORDS, WORDS);
                values[j] = null;
                i = j;
            }
        }
    }

    List<Connection> values() {
        List<Connection> out = new ArrayList<>(size);
        for (Connection c : values) if (c != null) out.add(c);
        return out;
    }

    void clear() {
        java.util.Arrays.fill(values, null);
        size = 0;
    }

    private void grow() {
        Connection[] old = values;
        allocate(old.length * 2);
        for (Connection c : old) if (c != null) insert(c);
    }
}
