package io.gatelens.capture.file;

import io.gatelens.capture.Frame;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes a single-section pcapng file: the Section Header Block at construction (optionally with
 * shb_comment and shb_userappl), an Interface Description Block per {@link #addInterface} (if_name,
 * if_description and if_filter when given, and if_tsresol 9 so timestamps are nanoseconds), and an
 * Enhanced Packet Block per packet, optionally with opt_comments that Wireshark shows as
 * frame.comment (the format allows the option to repeat; Wireshark lists each).
 */
public final class PcapngWriter implements Closeable, Flushable {
    private static final byte[] PADDING = new byte[4];
    private static final byte[][] NO_COMMENTS = new byte[0][];

    private final OutputStream out;
    private final boolean bigEndian;
    private final byte[] scratch = new byte[28];
    private int interfaceCount;

    private static final int OPT_COMMENT = 1;
    private static final int SHB_USERAPPL = 4;
    private static final int IF_NAME = 2;
    private static final int IF_DESCRIPTION = 3;
    private static final int IF_FILTER = 11;

    /** Little-endian. */
    public PcapngWriter(OutputStream out) throws IOException {
        this(out, ByteOrder.LITTLE_ENDIAN);
    }

    public PcapngWriter(OutputStream out, ByteOrder order) throws IOException {
        this(out, order, null, null);
    }

    /**
     * With a section comment (Wireshark's capture file comment, capinfos' "Capture comment") and
     * the name of the application that wrote the file; either may be null.
     */
    public PcapngWriter(OutputStream out, ByteOrder order, String comment, String application) throws IOException {
        this.out = new BufferedOutputStream(out, 64 * 1024);
        this.bigEndian = order == ByteOrder.BIG_ENDIAN;
        byte[] commentBytes = optionValue(comment, "section comment");
        byte[] appBytes = optionValue(application, "application name");
        int options = optionLength(commentBytes) + optionLength(appBytes);
        if (options > 0) options += 4;
        int total = 28 + options;
        put32(0, PcapngReader.SECTION_HEADER);
        put32(4, total);
        put32(8, PcapngReader.BYTE_ORDER_MAGIC);
        put16(12, 1);
        put16(14, 0);
        // Section length unknown: we stream.
        WriterBytes.put64(scratch, 16, -1L, bigEndian);
        this.out.write(scratch, 0, 24);
        if (commentBytes != null) writeOption(OPT_COMMENT, commentBytes);
        if (appBytes != null) writeOption(SHB_USERAPPL, appBytes);
        if (options > 0) writeEndOfOptions();
        put32(0, total);
        this.out.write(scratch, 0, 4);
    }

    /** Declares an interface; returns its id for {@link #write}. */
    public int addInterface(int linkType, int snaplen, String name) throws IOException {
        return addInterface(linkType, snaplen, name, null, null);
    }

    /**
     * Declares an interface with its description and its capture filter (a libpcap filter
     * expression), as dumpcap records them; null or empty leaves an option out.
     */
    public int addInterface(int linkType, int snaplen, String name, String description, String filter)
            throws IOException {
        byte[] nameBytes = optionValue(name, "interface name");
        byte[] descriptionBytes = optionValue(description, "interface description");
        byte[] filterText = optionValue(filter, "interface filter");
        byte[] filterBytes = null;
        if (filterText != null) {
            if (filterText.length + 1 > 0xffff) throw new IllegalArgumentException("interface filter too long");
            // First byte: the kind of filter; 0 is a libpcap filter string.
            filterBytes = new byte[filterText.length + 1];
            System.arraycopy(filterText, 0, filterBytes, 1, filterText.length);
        }
        int total = 8 + 8 + optionLength(nameBytes) + optionLength(descriptionBytes) + optionLength(filterBytes)
                + 8 /* if_tsresol */ + 4 /* opt_endofopt */ + 4;
        put32(0, PcapngReader.INTERFACE_DESCRIPTION);
        put32(4, total);
        put16(8, linkType);
        put16(10, 0);
        put32(12, snaplen & 0xffffffffL);
        out.write(scratch, 0, 16);
        if (nameBytes != null) writeOption(IF_NAME, nameBytes);
        if (descriptionBytes != null) writeOption(IF_DESCRIPTION, descriptionBytes);
        if (filterBytes != null) writeOption(IF_FILTER, filterBytes);
        put16(0, 9);
        put16(2, 1);
        scratch[4] = 9;
        scratch[5] = 0;
        scratch[6] = 0;
        scratch[7] = 0;
        put32(8, 0); // opt_endofopt
        put32(12, total);
        out.write(scratch, 0, 16);
        return interfaceCount++;
    }

    public void write(int interfaceId, Frame frame, String comment) throws IOException {
        write(interfaceId, frame.epochNanos(), frame.buffer(), frame.offset(),
                frame.capturedLength(), frame.originalLength(), comment);
    }

    /**
     * The frame with one opt_comment per element of {@code comments}, in order (may be empty).
     * (Its own name: {@code write(id, frame, null)} must stay unambiguous for existing callers.)
     */
    public void writeWithComments(int interfaceId, Frame frame, List<String> comments) throws IOException {
        writeWithComments(interfaceId, frame.epochNanos(), frame.buffer(), frame.offset(),
                frame.capturedLength(), frame.originalLength(), comments);
    }

    public void write(int interfaceId, long epochNanos, byte[] data, int offset, int capturedLength,
                      int originalLength) throws IOException {
        write(interfaceId, epochNanos, data, offset, capturedLength, originalLength, null);
    }

    /** {@code comment} may be null. */
    public void write(int interfaceId, long epochNanos, byte[] data, int offset, int capturedLength,
                      int originalLength, String comment) throws IOException {
        writeWithComments(interfaceId, epochNanos, data, offset, capturedLength, originalLength,
                comment == null ? List.of() : List.of(comment));
    }

    public void writeWithComments(int interfaceId, long epochNanos, byte[] data, int offset, int capturedLength,
                      int originalLength, List<String> comments) throws IOException {
        if (interfaceId < 0 || interfaceId >= interfaceCount) {
            throw new IllegalArgumentException("interface " + interfaceId + " not declared");
        }
        if (epochNanos < 0) {
            throw new IllegalArgumentException("timestamp " + epochNanos + " ns is before 1970");
        }
        if (capturedLength < 0 || originalLength < 0) {
            throw new IllegalArgumentException("negative length");
        }
        // Checked and measured before anything is written, so a refused comment leaves no half block.
        byte[][] commentBytes = comments.isEmpty() ? NO_COMMENTS : new byte[comments.size()][];
        long options = 0;
        for (int i = 0; i < commentBytes.length; i++) {
            commentBytes[i] = comments.get(i).getBytes(StandardCharsets.UTF_8);
            if (commentBytes[i].length > 0xffff) {
                throw new IllegalArgumentException("comment too long");
            }
            options += optionLength(commentBytes[i]);
        }
        if (options > 0) options += 4;
        long total = 28L + padded(capturedLength) + options + 4;
        put32(0, PcapngReader.ENHANCED_PACKET);
        put32(4, total);
        put32(8, interfaceId);
        put32(12, epochNanos >>> 32);
        put32(16, epochNanos & 0xffffffffL);
        put32(20, capturedLength);
        put32(24, originalLength & 0xffffffffL);
        out.write(scratch, 0, 28);
        out.write(data, offset, capturedLength);
        out.write(PADDING, 0, padded(capturedLength) - capturedLength);
        for (byte[] c : commentBytes) writeOption(OPT_COMMENT, c);
        if (options > 0) writeEndOfOptions();
        put32(0, total);
        out.write(scratch, 0, 4);
    }

    private void writeOption(int code, byte[] value) throws IOException {
        put16(0, code);
        put16(2, value.length);
        out.write(scratch, 0, 4);
        out.write(value);
        out.write(PADDING, 0, padded(value.length) - value.length);
    }

    private void writeEndOfOptions() throws IOException {
        put32(0, 0);
        out.write(scratch, 0, 4);
    }

    /** UTF-8 of an option's text, or null when there is none to write. */
    private static byte[] optionValue(String text, String what) {
        if (text == null || text.isEmpty()) return null;
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        if (b.length > 0xffff) throw new IllegalArgumentException(what + " too long");
        return b;
    }

    private static int optionLength(byte[] value) {
        return value == null ? 0 : 4 + padded(value.length);
    }

    private static int padded(int length) {
        return (length + 3) & ~3;
    }

    private void put16(int i, int v) {
        WriterBytes.put16(scratch, i, v, bigEndian);
    }

    private void put32(int i, long v) {
        WriterBytes.put32(scratch, i, v, bigEndian);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
