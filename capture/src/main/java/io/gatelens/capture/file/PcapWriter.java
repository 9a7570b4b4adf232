package io.gatelens.capture.file;

import io.gatelens.capture.Frame;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteOrder;

/**
 * Writes a classic pcap file: the header at construction, then one record per call. Microsecond
 * files truncate the nanoseconds, as libpcap does. Nothing reaches {@code out} before
 * {@link #flush()} or {@link #close()} unless the internal buffer fills.
 */
public final class PcapWriter implements Closeable, Flushable {
    private static final long MAX_SECONDS = 0xffffffffL;

    private final OutputStream out;
    private final boolean bigEndian;
    private final boolean nanos;
    private final byte[] header = new byte[PcapReader.FILE_HEADER_LENGTH];

    /** Little-endian, the byte order of nearly every pcap in the wild. */
    public PcapWriter(OutputStream out, int linkType, int snaplen, boolean nanos) throws IOException {
        this(out, ByteOrder.LITTLE_ENDIAN, linkType, snaplen, nanos);
    }

    public PcapWriter(OutputStream out, ByteOrder order, int linkType, int snaplen, boolean nanos)
            throws IOException {
        this.out = new BufferedOutputStream(out, 64 * 1024);
        this.bigEndian = order == ByteOrder.BIG_ENDIAN;
        this.nanos = nanos;
        put32(0, nanos ? PcapReader.MAGIC_NANO : PcapReader.MAGIC_MICRO);
        put16(4, 2);
        put16(6, 4);
        put32(8, 0);
        put32(12, 0);
        put32(16, snaplen & 0xffffffffL);
        put32(20, linkType & 0xffffffffL);
        this.out.write(header, 0, PcapReader.FILE_HEADER_LENGTH);
    }

    public void write(Frame frame) throws IOException {
        write(frame.epochNanos(), frame.buffer(), frame.offset(), frame.capturedLength(),
                frame.originalLength());
    }

    public void write(long epochNanos, byte[] data, int offset, int capturedLength, int originalLength)
            throws IOException {
        if (epochNanos < 0 || epochNanos / 1_000_000_000L > MAX_SECONDS) {
            throw new IllegalArgumentException("timestamp " + epochNanos
                    + " ns does not fit a pcap record (1970 to 2106)");
        }
        if (capturedLength < 0 || originalLength < 0) {
            throw new IllegalArgumentException("negative length");
        }
        long nanosOfSecond = epochNanos % 1_000_000_000L;
        put32(0, epochNanos / 1_000_000_000L);
        put32(4, nanos ? nanosOfSecond : nanosOfSecond / 1000);
        put32(8, capturedLength);
        put32(12, originalLength);
        out.write(header, 0, PcapReader.RECORD_HEADER_LENGTH);
        out.write(data, offset, capturedLength);
    }

    private void put16(int i, int v) {
        WriterBytes.put16(header, i, v, bigEndian);
    }

    private void put32(int i, long v) {
        WriterBytes.put32(header, i, v, bigEndian);
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
