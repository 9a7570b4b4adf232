package io.gatelens.capture;

/**
 * One captured frame as a view over a buffer the source reuses: valid only until the source's
 * next call. Copy what must outlive it. Numbers are 1-based in capture order, as Wireshark's
 * frame.number.
 */
public final class Frame {
    private long number;
    private long epochNanos;
    private int interfaceIndex;
    private int linkTypeCode;
    private LinkType linkType = LinkType.UNKNOWN;
    private int capturedLength;
    private int originalLength;
    private byte[] buffer = new byte[0];
    private int offset;
    private long fileOffset;

    /** Filled by a {@link PacketSource}; the buffer is not copied. */
    public void set(long number, long epochNanos, int interfaceIndex, int linkTypeCode,
                    byte[] buffer, int offset, int capturedLength, int originalLength, long fileOffset) {
        this.number = number;
        this.epochNanos = epochNanos;
        this.interfaceIndex = interfaceIndex;
        if (linkTypeCode != this.linkTypeCode || linkType == LinkType.UNKNOWN) {
            this.linkType = LinkType.fromCode(linkTypeCode);
        }
        this.linkTypeCode = linkTypeCode;
        this.buffer = buffer;
        this.offset = offset;
        this.capturedLength = capturedLength;
        this.originalLength = originalLength;
        this.fileOffset = fileOffset;
    }

    public long number() { return number; }
    /** Capture time in nanoseconds since 1970-01-01T00:00:00Z. */
    public long epochNanos() { return epochNanos; }
    public int interfaceIndex() { return interfaceIndex; }
    public int linkTypeCode() { return linkTypeCode; }
    public LinkType linkType() { return linkType; }
    public int capturedLength() { return capturedLength; }
    /** Length on the wire; larger than {@link #capturedLength()} when the snaplen cut the frame. */
    public int originalLength() { return originalLength; }
    public boolean cutBySnaplen() { return capturedLength < originalLength; }
    public byte[] buffer() { return buffer; }
    /** Where the frame's first byte is in {@link #buffer()}. */
    public int offset() { return offset; }
    /** Where the frame's record starts in the (decompressed) file, for error messages. */
    public long fileOffset() { return fileOffset; }
}
