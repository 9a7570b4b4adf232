package io.gatelens.capture.live;

import java.util.List;

/**
 * A device libpcap can capture on, as {@code tcpdump -D} lists it: its number in the list (from
 * 1; {@code -i} takes it too), name, description, addresses with prefix length, and state.
 */
public record LiveInterface(int number, String name, String description, List<String> addresses,
                            boolean loopback, boolean up, boolean running) {
    /** tcpdump's bracketed flags: "Loopback, Up, Running". */
    public String flags() {
        StringBuilder b = new StringBuilder();
        if (loopback) b.append("Loopback");
        if (up) b.append(b.length() > 0 ? ", " : "").append("Up");
        if (running) b.append(b.length() > 0 ? ", " : "").append("Running");
        return b.toString();
    }
}
