package io.gatelens.tcp;

/** Which way bytes travel on a connection. */
public enum Direction {
    CLIENT_TO_SERVER("c>s"),
    SERVER_TO_CLIENT("s>c");

    private final String arrow;

    Direction(String arrow) { this.arrow = arrow; }

    public Direction reverse() {
        return this == CLIENT_TO_SERVER ? SERVER_TO_CLIENT : CLIENT_TO_SERVER;
    }

    /** Short form for tables: "c>s" or "s>c". */
    public String arrow() { return arrow; }

    public String id() { return this == CLIENT_TO_SERVER ? "client_to_server" : "server_to_client"; }
}
