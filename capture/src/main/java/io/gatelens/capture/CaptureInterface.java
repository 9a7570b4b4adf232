package io.gatelens.capture;

/**
 * An interface a capture was taken on. {@code index} is the frame's interface id (pcapng counts
 * interfaces across the whole file, as Wireshark's frame.interface_id does); {@code name} may be
 * empty, as may description and filter (pcapng options).
 */
public record CaptureInterface(int index, int linkTypeCode, int snaplen, String name,
                               String description, String filter) {
    public LinkType linkType() {
        return LinkType.fromCode(linkTypeCode);
    }
}
