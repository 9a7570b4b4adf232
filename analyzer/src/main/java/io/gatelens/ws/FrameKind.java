package io.gatelens.ws;

import java.util.Locale;

/** Opcode classes of RFC 6455 section 5.2, for counting. */
public enum FrameKind {
    CONTINUATION, TEXT, BINARY, CLOSE, PING, PONG,
    /** Opcodes 3-7 and 11-15. */
    RESERVED;

    public static FrameKind of(int opcode) {
        switch (opcode) {
            case 0: return CONTINUATION;
            case 1: return TEXT;
            case 2: return BINARY;
            case 8: return CLOSE;
            case 9: return PING;
            case 10: return PONG;
            default: return RESERVED;
        }
    }

    public boolean control() { return this == CLOSE || this == PING || this == PONG; }

    /** Made once: ids are written for every row of a report. */
    private final String id = name().toLowerCase(Locale.ROOT);

    public String id() { return id; }
}
