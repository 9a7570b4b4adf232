package io.gatelens.capture.file;

import java.util.Objects;

/**
 * What a written capture says about the interface it came from. pcap keeps only the link type,
 * the snaplen and the timestamp resolution; pcapng also keeps name, description and filter in
 * its Interface Description Block (if_name, if_description, if_filter).
 *
 * @param name        the capture device, e.g. "eth0"; may be empty
 * @param description a human description (libpcap's), may be null or empty
 * @param linkType    the LINKTYPE_ value of the frames (1 Ethernet, 113 Linux SLL, ...)
 * @param snaplen     the most bytes kept of each frame; 0 means no limit (pcapng)
 * @param filter      the BPF filter expression the capture ran with, or null for none
 * @param nanos       timestamps kept to the nanosecond (else truncated to microseconds)
 */
public record InterfaceInfo(String name, String description, int linkType, int snaplen, String filter,
                            boolean nanos) {
    public InterfaceInfo {
        name = Objects.requireNonNullElse(name, "");
        description = Objects.requireNonNullElse(description, "");
        if (linkType < 0 || linkType > 0xffff) {
            // pcapng keeps the link type in 16 bits.
            throw new IllegalArgumentException("link type " + linkType + " out of range 0-65535");
        }
        if (snaplen < 0) {
            throw new IllegalArgumentException("negative snaplen " + snaplen);
        }
    }
}
