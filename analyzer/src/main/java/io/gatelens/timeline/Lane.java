package io.gatelens.timeline;

import io.gatelens.flow.Endpoint;
import io.gatelens.proxy.Role;

import java.util.List;

/**
 * One connection in a timeline: its endpoints, which leg it is (the server's role: a
 * {@link Role#PROXY} server means this is a client-to-proxy connection, an
 * {@link Role#UPSTREAM} one a proxy-to-upstream connection), and its events in frame order.
 * {@code truncated} counts events left out past the per-lane cap.
 */
public record Lane(long connection, Endpoint client, Endpoint server, Role role, List<TimelineEvent> events,
                   long truncated) {
    public Lane {
        events = List.copyOf(events);
    }
}
