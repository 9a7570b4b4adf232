package io.gatelens.capture.file;

import io.gatelens.capture.Frame;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes a single-section pcapng file: the Section Header Block at construction, an Interface
 * Description Block per {@link #addInterface} (if_name, and if_tsresol 9 so timestamps are
 * nanoseconds), and an Enhanced Packet Block per packet, optionally with an opt_comment that
 * Wireshark shows as frame.comment.
 */
public final class PcapngWriter implements Closeable, Flushable {
    private static final byte[] PADDING = new byte[4];

    private final OutputStream out;
    private final boolean bigEndian;
    private final byte[] scratch = new byte[28];
    private int interfaceCount;

    /** Little-endian. */
    public PcapngWriter(OutputStream out) throws IOException {
        this(out, ByteOrder.LITTLE_ENDIAN);
    }

    public PcapngWriter(OutputStream out, ByteOrder order) throws IOException {
        this.out = new BufferedOutputStream(out, 64 * 1024);
        this.bigEndian = order == ByteOrder.BIG_ENDIAN;
        put32(0, PcapngReader.SECTION_HEADER);
        put32(4, 28);
        put32(8, PcapngReader.BYTE_ORDER_MAGIC);
        put16(12, 1);
        put16(14, 0);
        // Section length unknown: we stream.
        WriterBytes.put64(scratch, 16, -1L, bigEndian);
        put32(24, 28);
        this.out.write(scratch, 0, 28);
    }

    /** Declares an interface; returns its id for {@link #write}. */
    public int addInterface(int linkType, int snaplen, String name) throws IOException {
        byte[] nameBytes = name == null ? new byte[0] : name.getBytes(StandardCharsets.UTF_8);
        if (nameBytes.length > 0xffff) {
            throw new IllegalArgumentException("interface name too long");
        }
        int nameOption = nameBytes.length == 0 ? 0 : 4 + padded(nameBytes.length);
        int total = 8 + 8 + nameOption + 8 /* if_tsresol */ + 4 /* opt_endofopt */ + 4;
        put32(0, PcapngReader.INTERFACE_DESCRIPTION);
        put32(4, total);
        put16(8, linkType);
        put16(10, 0);
        put32(12, snaplen & 0xffffffffL);
        out.write(scratch, 0, 16);
        if (nameBytes.length > 0) {
            writeOption(2, nameBytes);
        }
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

    public void write(int interfaceId, long epochNanos, byte[] data, int offset, int capturedLength,
                      int originalLength) throws IOException {
        write(interfaceId, epochNanos, data, offset, capturedLength, originalLength, null);
    }

    /** {@code comment} may be null. */
    public void write(int interfaceId, long epochNanos, byte[] data, int offset, int capturedLength,
                      int originalLength, String comment) throws IOException {
        if (interfaceId < 0 || interfaceId >= interfaceCount) {
            throw new IllegalArgumentException("interface " + interfaceId + " not declared");
        }
        if (epochNanos < 0) {
            throw new IllegalArgumentException("timestamp " + epochNanos + " ns is before 1970");
        }
        if (capturedLength < 0 || originalLength < 0) {
            throw new IllegalArgumentException("negative length");
        }
        byte[] commentBytes = comment == null ? null : comment.getBytes(StandardCharsets.UTF_8);
        if (commentBytes != null && commentBytes.length > 0xffff) {
            throw new IllegalArgumentException("comment too long");
        }
        int options = commentBytes == null ? 0 : 4 + padded(commentBytes.length) + 4;
        int total = 28 + padded(capturedLength) + options + 4;
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
        if (commentBytes != null) {
            writeOption(1, commentBytes);
            put32(0, 0);
            out.write(scratch, 0, 4);
        }
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
