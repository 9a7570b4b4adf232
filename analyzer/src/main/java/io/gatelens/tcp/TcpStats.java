package io.gatelens.tcp;

/** What the reassembler counted on one connection, for the streams view. Filled in by the reassembler work. */
public final class TcpStats {
}
