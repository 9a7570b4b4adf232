package io.gatelens.capture.file;

import io.gatelens.capture.CaptureFormat;
import io.gatelens.capture.CaptureFormatException;
import io.gatelens.capture.CaptureInterface;
import io.gatelens.capture.Frame;
import io.gatelens.capture.PacketSource;
import io.gatelens.capture.bytes.Bytes;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Reads a classic libpcap file (tcpdump.org pcap-savefile(5), draft-ietf-opsawg-pcap): either
 * byte order, microsecond or nanosecond timestamps. Records are read one at a time into a single
 * buffer that grows only when a record is larger than any before it.
 */
public final class PcapReader implements PacketSource {
    static final int FILE_HEADER_LENGTH = 24;
    static final int RECORD_HEADER_LENGTH = 16;
    /** No capture gatelens cares about has records this large; past it the length is garbage. */
    static final int MAX_RECORD_LENGTH = 16 * 1024 * 1024;
    /** libpcap's and Wireshark's usual maximum snapshot length. */
    static final int DEFAULT_MAX_SNAPLEN = 262_144;

    static final long MAGIC_MICRO = 0xa1b2c3d4L;
    static final long MAGIC_NANO = 0xa1b23c4dL;
    static final long MAGIC_MICRO_SWAPPED = 0xd4c3b2a1L;
    static final long MAGIC_NANO_SWAPPED = 0x4d3cb2a1L;

    private final CountingInput in;
    private final String name;
    private final boolean bigEndian;
    private final boolean nanos;
    private final int linkTypeCode;
    private final long snaplen;
    private final int recordLimit;
    private final List<CaptureInterface> interfaces;
    private final byte[] header = new byte[RECORD_HEADER_LENGTH];
    /** Records larger than the input's buffer are copied here. */
    private byte[] data = new byte[0];
    private long frames;
    private boolean done;

    public PcapReader(InputStream in, String name) throws IOException {
        this(new CountingInput(in), name);
    }

    PcapReader(CountingInput in, String name) throws IOException {
        this.in = in;
        this.name = name;
        byte[] h = new byte[FILE_HEADER_LENGTH];
        int n = in.read(h, 0, h.length);
        if (n == 0) {
            throw new CaptureFormatException(name, 0, 0, "empty file");
        }
        long magic = n >= 4 ? Bytes.u32le(h, 0) : -1;
        if (magic == MAGIC_MICRO || magic == MAGIC_NANO) {
            bigEndian = false;
        } else if (magic == MAGIC_MICRO_SWAPPED || magic == MAGIC_NANO_SWAPPED) {
            bigEndian = true;
        } else {
            throw new CaptureFormatException(name, 0, 0,
                    "not a pcap file (starts with " + CaptureFiles.hex(h, 0, Math.min(n, 4)) + ")");
        }
        nanos = magic == MAGIC_NANO || magic == MAGIC_NANO_SWAPPED;
        if (n < FILE_HEADER_LENGTH) {
            throw new CaptureFormatException(name, 0, 0,
                    "pcap file header cut after " + n + " of " + FILE_HEADER_LENGTH + " bytes");
        }
        int major = Bytes.u16(h, 4, bigEndian);
        int minor = Bytes.u16(h, 6, bigEndian);
        if (major != 2) {
            throw new CaptureFormatException(name, 0, 4,
                    "unsupported pcap version " + major + "." + minor);
        }
        snaplen = Bytes.u32(h, 16, bigEndian);
        // The top bits may carry FCS information (draft-ietf-opsawg-pcap); libpcap masks them
        // off the same way.
        linkTypeCode = (int) (Bytes.u32(h, 20, bigEndian) & 0x03ffffff);
        // Records above the snaplen are accepted as long as they stay below the usual maximum
        // (Wireshark does the same); anything past that is a corrupt length field.
        recordLimit = (int) Math.min(MAX_RECORD_LENGTH, Math.max(snaplen, DEFAULT_MAX_SNAPLEN));
        interfaces = List.of(new CaptureInterface(0, linkTypeCode,
                (int) Math.min(snaplen, Integer.MAX_VALUE), "", "", ""));
    }

    @Override
    public boolean next(Frame frame) throws IOException {
        if (done) {
            return false;
        }
        long recordOffset = in.position();
        // Read in place when the input's buffer holds a record header (it always does outside
        // tests that shrink it to a few bytes).
        boolean inPlace = in.capacity() >= RECORD_HEADER_LENGTH;
        int n = inPlace ? in.peek(RECORD_HEADER_LENGTH) : in.read(header, 0, RECORD_HEADER_LENGTH);
        if (n == 0 && in.streamProblem() == null) {
            done = true;
            return false;
        }
        if (n < RECORD_HEADER_LENGTH) {
            throw fail(recordOffset, "record header cut after " + n + " of "
                    + RECORD_HEADER_LENGTH + " bytes" + streamSuffix());
        }
        byte[] h = inPlace ? in.peekBuffer() : header;
        int at = inPlace ? in.peekOffset() : 0;
        long seconds = Bytes.u32(h, at, bigEndian);
        long fraction = Bytes.u32(h, at + 4, bigEndian);
        long captured = Bytes.u32(h, at + 8, bigEndian);
        long original = Bytes.u32(h, at + 12, bigEndian);
        if (captured > recordLimit) {
            throw fail(recordOffset, "absurdly large record: captured length " + captured
                    + " exceeds the limit of " + recordLimit + " bytes (snaplen " + snaplen + ")");
        }
        int length = (int) captured;
        int total = RECORD_HEADER_LENGTH + length;
        byte[] bytes;
        int from;
        if (inPlace && total <= in.capacity()) {
            // The usual case: the frame is a view of the input's buffer, not a copy.
            int got = in.peek(total);
            if (got < total) {
                throw fail(recordOffset, "record cut: header says " + length
                        + " captured bytes, the file ends after " + (got - RECORD_HEADER_LENGTH) + streamSuffix());
            }
            bytes = in.peekBuffer();
            from = in.peekOffset() + RECORD_HEADER_LENGTH;
            in.skip(total);
        } else {
            if (inPlace) in.skip(RECORD_HEADER_LENGTH);
            if (data.length < length) {
                // Exactly the size needed: the buffer never exceeds the largest record.
                data = new byte[length];
            }
            int got = in.read(data, 0, length);
            if (got < length) {
                throw fail(recordOffset, "record cut: header says " + length
                        + " captured bytes, the file ends after " + got + streamSuffix());
            }
            bytes = data;
            from = 0;
        }
        // Fractions of a second past 10^6 (10^9) are out of spec but harmless; libpcap and
        // Wireshark take them as they are, and so do we.
        long epochNanos = seconds * 1_000_000_000L + (nanos ? fraction : fraction * 1000L);
        // A captured length above the original is tolerated, as libpcap and Wireshark do:
        // some writers get it wrong and the bytes are still good. Lengths past 2^31 are clamped.
        int originalLength = (int) Math.min(original, Integer.MAX_VALUE);
        frames++;
        frame.set(frames, epochNanos, 0, linkTypeCode, bytes, from, length, originalLength,
                recordOffset);
        return true;
    }

    private String streamSuffix() {
        String p = in.streamProblem();
        return p == null ? "" : "; " + p;
    }

    private CaptureFormatException fail(long offset, String problem) {
        done = true;
        return new CaptureFormatException(name, frames + 1, offset, problem);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CaptureFormat format() {
        return nanos ? CaptureFormat.PCAP_NANO : CaptureFormat.PCAP;
    }

    @Override
    public List<CaptureInterface> interfaces() {
        return interfaces;
    }

    /** For tests: the copy buffer, only for records bigger than the input's buffer, never grows past the largest. */
    int bufferCapacity() {
        return data.length;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
