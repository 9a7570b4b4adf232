package io.gatelens.capture.file;

/** The two formats a capture is written in. */
public enum FileFormat {
    /** Classic libpcap format: one link type, no interface name or filter. */
    PCAP,
    /** pcapng: one section, one interface whose description block names interface and filter. */
    PCAPNG
}
