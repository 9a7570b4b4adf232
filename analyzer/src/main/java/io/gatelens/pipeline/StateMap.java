package io.gatelens.pipeline;

import io.gatelens.tcp.TcpReassembler;

/**
 * The reassembly thread's states by connection id: open addressing on the ids, so a segment finds
 * its state in one slot of a flat array that only this thread touches. Linear probing; removal
 * shifts the following run back, so there are no tombstones.
 */
final class StateMap {
    private long[] ids;
    private TcpReassembler.State[] states;
    private int mask;
    private int size;

    StateMap() {
        allocate(1024);
    }

    private void allocate(int capacity) {
        ids = new long[capacity];
        states = new TcpReassembler.State[capacity];
        mask = capacity - 1;
    }

    int size() {
        return size;
    }

    private int home(long id) {
        // Ids are consecutive: a multiplicative hash spreads them over the table.
        return (int) ((id * 0x9E3779B97F4A7C15L) >>> 40) & mask;
    }

    TcpReassembler.State get(long id) {
        for (int i = home(id); ; i = (i + 1) & mask) {
            TcpReassembler.State s = states[i];
            if (s == null) return null;
            if (ids[i] == id) return s;
        }
    }

    /** Adds {@code s} under {@code id}, which must not be present. */
    void put(long id, TcpReassembler.State s) {
        if ((size + 1) * 2 > states.length) grow();
        insert(id, s);
        size++;
    }

    private void insert(long id, TcpReassembler.State s) {
        int i = home(id);
        while (states[i] != null) i = (i + 1) & mask;
        ids[i] = id;
        states[i] = s;
    }

    /** Removes and returns the state under {@code id}, or null. */
    TcpReassembler.State remove(long id) {
        int i = home(id);
        while (states[i] == null || ids[i] != id) {
            if (states[i] == null) return null;
            i = (i + 1) & mask;
        }
        TcpReassembler.State removed = states[i];
        states[i] = null;
        size--;
        // Move back entries of the run that follows, so every entry stays reachable from its home slot.
        for (int j = (i + 1) & mask; states[j] != null; j = (j + 1) & mask) {
            int h = home(ids[j]);
            boolean between = i <= j ? (h > i && h <= j) : (h > i || h <= j);
            if (!between) {
                ids[i] = ids[j];
                states[i] = states[j];
                states[j] = null;
                i = j;
            }
        }
        return removed;
    }

    private void grow() {
        long[] oldIds = ids;
        TcpReassembler.State[] oldStates = states;
        allocate(states.length * 2);
        for (int i = 0; i < oldStates.length; i++) if (oldStates[i] != null) insert(oldIds[i], oldStates[i]);
    }
}
