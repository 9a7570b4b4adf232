package io.gatelens.proxy;

import java.util.Locale;

/**
 * What a server endpoint is in the capture. Connections to a {@link #PROXY} listener are the
 * client leg; connections to an {@link #UPSTREAM} are the legs the proxy opened.
 */
public enum Role {
    PROXY, UPSTREAM;

    /** Made once: ids are written for every row of a report. */
    private final String id = name().toLowerCase(Locale.ROOT);

    public String id() { return id; }
}
