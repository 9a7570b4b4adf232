package io.gatelens.capture.decode;

/** Why a frame yielded no TCP segment. Counted per reason; never fatal. */
public enum SkipReason {
    NONE("decoded"),
    UNKNOWN_LINK_TYPE("link type not supported"),
    TRUNCATED_LINK_HEADER("link header cut short"),
    NOT_IP("not IP (e.g. ARP)"),
    TRUNCATED_IP_HEADER("IP header cut short"),
    BAD_IP_HEADER("IP header invalid"),
    NOT_TCP("IP but not TCP (e.g. UDP, ICMP)"),
    FRAGMENT_HELD("IP fragment held for reassembly"),
    FRAGMENT_DROPPED("IP fragment could not be reassembled"),
    TRUNCATED_TCP_HEADER("TCP header cut by snaplen"),
    BAD_TCP_HEADER("TCP header invalid");

    private final String description;

    SkipReason(String description) { this.description = description; }

    public String description() { return description; }

    /**
     * True when the frame is broken or beyond what gatelens reads, as opposed to traffic that is
     * simply not TCP: those are worth a warning naming the frame.
     */
    public boolean anomaly() {
        return switch (this) {
            case NONE, NOT_IP, NOT_TCP, FRAGMENT_HELD -> false;
            default -> true;
        };
    }

    /** Stable snake_case id for JSON. */
    public String id() { return name().toLowerCase(java.util.Locale.ROOT); }
}
