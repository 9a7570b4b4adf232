package io.gatelens.capture;

/**
 * The link-layer header types gatelens decodes, by their LINKTYPE_ value as written in pcap and
 * pcapng files (tcpdump.org/linktypes.html). A code not listed here is kept as a number on the
 * frame and decoded as {@link #UNKNOWN}.
 */
public enum LinkType {
    NULL(0, "BSD loopback (NULL)"),
    ETHERNET(1, "Ethernet"),
    RAW(101, "Raw IP"),
    LOOP(108, "OpenBSD loopback (LOOP)"),
    LINUX_SLL(113, "Linux cooked v1 (SLL)"),
    IPV4(228, "Raw IPv4"),
    IPV6(229, "Raw IPv6"),
    LINUX_SLL2(276, "Linux cooked v2 (SLL2)"),
    UNKNOWN(-1, "unknown");

    private final int code;
    private final String description;

    LinkType(int code, String description) {
        this.code = code;
        this.description = description;
    }

    public int code() {
        return code;
    }

    public String description() {
        return description;
    }

    public static LinkType fromCode(int code) {
        switch (code) {
            case 0: return NULL;
            case 1: return ETHERNET;
            // DLT_RAW is 12 or 14 on some BSDs; files written there may still carry it.
            case 12: case 14: case 101: return RAW;
            case 108: return LOOP;
            case 113: return LINUX_SLL;
            case 228: return IPV4;
            case 229: return IPV6;
            case 276: return LINUX_SLL2;
            default: return UNKNOWN;
        }
    }

    /** A readable name for any code, known or not, e.g. "Ethernet (1)" or "LINKTYPE 147". */
    public static String describe(int code) {
        LinkType t = fromCode(code);
        return t == UNKNOWN ? "LINKTYPE " + code : t.description + " (" + code + ")";
    }
}
