package io.gatelens.capture.file;

import io.gatelens.capture.CaptureFormat;
import io.gatelens.capture.CaptureFormatException;
import io.gatelens.capture.CaptureInterface;
import io.gatelens.capture.Frame;
import io.gatelens.capture.PacketSource;
import io.gatelens.capture.bytes.Bytes;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Reads pcapng (draft-ietf-opsawg-pcapng): any number of sections, each in its own byte order;
 * Interface Description, Enhanced, Simple and (obsolete) Packet Blocks. Every other block type is
 * skipped by its length without being held in memory.
 *
 * <p>Interface ids restart at 0 in every section; frames carry the file-wide index instead (the
 * index of {@link CaptureInterface}). (tshark 4.0 prints the section-local id as
 * frame.interface_id, and in later sections looks the interface up in the first one's place.)
 * Frame numbers follow Wireshark's, see {@link #numberedByWireshark}. Each block is read whole into one reused buffer that grows
 * only when a block is larger than any before it; frames are views into it.
 */
public final class PcapngReader implements PacketSource {
    static final int SECTION_HEADER = 0x0a0d0d0a;
    static final int INTERFACE_DESCRIPTION = 1;
    static final int PACKET = 2;
    static final int SIMPLE_PACKET = 3;
    static final int ENHANCED_PACKET = 6;
    static final long BYTE_ORDER_MAGIC = 0x1a2b3c4dL;
    /** Largest block read into memory: a 16 MiB packet plus room for options. */
    static final int MAX_BLOCK_LENGTH = 16 * 1024 * 1024 + 64 * 1024;
    /** Default if_tsresol: microseconds. */
    static final int DEFAULT_TSRESOL = 6;

    private static final int OPT_END = 0;
    private static final int OPT_COMMENT = 1;
    private static final int IF_NAME = 2;
    private static final int IF_DESCRIPTION = 3;
    private static final int IF_TSRESOL = 9;
    private static final int IF_FILTER = 11;
    private static final int IF_TSOFFSET = 14;

    private final CountingInput in;
    private final String name;
    private final List<CaptureInterface> interfaces = new ArrayList<>();
    private final List<CaptureInterface> interfacesView = Collections.unmodifiableList(interfaces);
    private final List<TimestampScale> scales = new ArrayList<>();
    private final byte[] head = new byte[12];
    private byte[] block = new byte[0];
    private boolean bigEndian;
    /** File-wide index of interface 0 of the current section. */
    private int sectionFirstInterface;
    private int sections;
    private long frames;
    private boolean done;
    /** Until the first section header is read, errors are about the file header (frame 0). */
    private boolean headerRead;
    private int commentOffset;
    private int commentLength = -1;

    public PcapngReader(InputStream in, String name) throws IOException {
        this(new CountingInput(in), name);
    }

    PcapngReader(CountingInput in, String name) throws IOException {
        this.in = in;
        this.name = name;
        int n = in.read(head, 0, 8);
        if (n == 0) {
            throw new CaptureFormatException(name, 0, 0, "empty file");
        }
        if (n < 4 || Bytes.u32be(head, 0) != SECTION_HEADER) {
            throw new CaptureFormatException(name, 0, 0, "not a pcapng file (starts with "
                    + CaptureFiles.hex(head, 0, Math.min(n, 4)) + ")");
        }
        if (n < 8) {
            throw fail(0, "section header block cut after " + n + " bytes");
        }
        readSectionHeader(0);
        headerRead = true;
    }

    @Override
    public boolean next(Frame frame) throws IOException {
        // Each pass consumes at least 12 bytes of input, so this ends with the file.
        while (!done) {
            long offset = in.position();
            int n = in.read(head, 0, 8);
            if (n == 0 && in.streamProblem() == null) {
                done = true;
                return false;
            }
            if (n < 8) {
                throw fail(offset, "block header cut after " + n + " of 8 bytes" + streamSuffix());
            }
            if (Bytes.u32be(head, 0) == SECTION_HEADER) {
                readSectionHeader(offset);
                continue;
            }
            long type = Bytes.u32(head, 0, bigEndian);
            long total = Bytes.u32(head, 4, bigEndian);
            checkTotalLength(total, offset);
            if (type == ENHANCED_PACKET || type == SIMPLE_PACKET || type == PACKET) {
                readPacket(frame, type, readBody(type, total, offset), offset);
                return true;
            } else if (type == INTERFACE_DESCRIPTION) {
                readInterface(readBody(type, total, offset), offset);
            } else {
                skipBlock(type, total, offset);
                if (numberedByWireshark(type)) {
                    frames++;
                }
            }
        }
        return false;
    }

    /** The comment (opt_comment) of the frame last returned, or null; valid until the next call. */
    public String lastComment() {
        return commentLength < 0 ? null
                : new String(block, commentOffset, commentLength, StandardCharsets.UTF_8);
    }

    private void readSectionHeader(long offset) throws IOException {
        int n = in.read(head, 8, 4);
        if (n < 4) {
            throw fail(offset, "section header block cut after " + (8 + n) + " bytes" + streamSuffix());
        }
        if (Bytes.u32be(head, 8) == BYTE_ORDER_MAGIC) {
            bigEndian = true;
        } else if (Bytes.u32le(head, 8) == BYTE_ORDER_MAGIC) {
            bigEndian = false;
        } else {
            throw fail(offset + 8, "bad byte-order magic " + CaptureFiles.hex(head, 8, 4)
                    + " in section header block");
        }
        long total = Bytes.u32(head, 4, bigEndian);
        checkTotalLength(total, offset);
        if (total < 28) {
            throw fail(offset, "bad block total length " + total + " for a section header block"
                    + " (at least 28)");
        }
        // Found by CaptureFileFuzzTest: a length past 2^31 went negative as an int.
        if (total > MAX_BLOCK_LENGTH) {
            throw fail(offset, "absurdly large section header block: total length " + total
                    + " exceeds the limit of " + MAX_BLOCK_LENGTH + " bytes");
        }
        int rest = (int) total - 12;
        ensureBlockCapacity(rest);
        int got = in.read(block, 0, rest);
        if (got < rest) {
            throw fail(offset, "section header block of " + total + " bytes runs past the end of"
                    + " the file (" + (12 + got) + " bytes left)" + streamSuffix());
        }
        checkTrailingLength(total, rest, offset);
        int major = Bytes.u16(block, 0, bigEndian);
        if (major != 1) {
            throw fail(offset, "unsupported pcapng version " + major + "."
                    + Bytes.u16(block, 2, bigEndian));
        }
        sections++;
        sectionFirstInterface = interfaces.size();
    }

    private void checkTotalLength(long total, long offset) throws CaptureFormatException {
        if (total < 12) {
            throw fail(offset, "bad block total length " + total + " (less than 12)");
        }
        if (total % 4 != 0) {
            throw fail(offset, "bad block total length " + total + " (not a multiple of 4)");
        }
    }

    /** Reads the rest of a block after its first 8 bytes; returns the body length. */
    private int readBody(long type, long total, long offset) throws IOException {
        if (total > MAX_BLOCK_LENGTH) {
            throw fail(offset, "absurdly large block: type " + type + ", total length " + total
                    + " exceeds the limit of " + MAX_BLOCK_LENGTH + " bytes");
        }
        int rest = (int) total - 8;
        ensureBlockCapacity(rest);
        int got = in.read(block, 0, rest);
        if (got < rest) {
            throw fail(offset, "block of type " + type + " and " + total + " bytes runs past the"
                    + " end of the file (" + (8 + got) + " bytes left)" + streamSuffix());
        }
        checkTrailingLength(total, rest, offset);
        return rest - 4;
    }

    private void skipBlock(long type, long total, long offset) throws IOException {
        long body = total - 12;
        long skipped = in.skip(body);
        int got = skipped == body ? in.read(head, 8, 4) : 0;
        if (skipped < body || got < 4) {
            throw fail(offset, "block of type " + type + " and " + total + " bytes runs past the"
                    + " end of the file (" + (8 + skipped + got) + " bytes left)" + streamSuffix());
        }
        long trailing = Bytes.u32(head, 8, bigEndian);
        if (trailing != total) {
            throw fail(offset, "block total length mismatch: leading " + total + ", trailing "
                    + trailing);
        }
    }

    /**
     * Blocks Wireshark shows as records with a frame number of their own (checked against tshark
     * 4.0): custom blocks, systemd journal exports and sysdig events. gatelens does not deliver
     * them but skips their numbers, so frame numbers stay equal to Wireshark's frame.number.
     */
    static boolean numberedByWireshark(long type) {
        return type == 0x00000bad || type == 0x40000badL || type == 9
                || type == 0x204 || type == 0x216 || type == 0x221;
    }

    private void checkTrailingLength(long total, int rest, long offset) throws CaptureFormatException {
        long trailing = Bytes.u32(block, rest - 4, bigEndian);
        if (trailing != total) {
            throw fail(offset, "block total length mismatch: leading " + total + ", trailing "
                    + trailing);
        }
    }

    private void ensureBlockCapacity(int length) {
        if (block.length < length) {
            // Exactly the size needed: the buffer never exceeds the largest block.
            block = new byte[length];
        }
    }

    private void readInterface(int length, long offset) throws CaptureFormatException {
        if (length < 8) {
            throw fail(offset, "interface description block too short (" + length + " body bytes)");
        }
        int linkType = Bytes.u16(block, 0, bigEndian);
        long snaplen = Bytes.u32(block, 4, bigEndian);
        String ifName = "";
        String description = "";
        String filter = "";
        int tsresol = DEFAULT_TSRESOL;
        long tsoffset = 0;
        int p = 8;
        while (p + 4 <= length) {
            int code = Bytes.u16(block, p, bigEndian);
            int len = Bytes.u16(block, p + 2, bigEndian);
            p += 4;
            if (code == OPT_END) {
                break;
            }
            if (p + len > length) {
                throw fail(offset, "interface option " + code + " of " + len
                        + " bytes runs past the end of its block");
            }
            switch (code) {
                case IF_NAME -> ifName = text(p, len);
                case IF_DESCRIPTION -> description = text(p, len);
                // First byte is the filter kind; 0 is a libpcap filter string.
                case IF_FILTER -> filter = len > 1 && block[p] == 0 ? text(p + 1, len - 1) : "";
                case IF_TSRESOL -> {
                    if (len >= 1) {
                        tsresol = block[p] & 0xff;
                    }
                }
                case IF_TSOFFSET -> {
                    if (len >= 8) {
                        tsoffset = Bytes.u64(block, p, bigEndian);
                    }
                }
                default -> { }
            }
            p += (len + 3) & ~3;
        }
        int index = interfaces.size();
        interfaces.add(new CaptureInterface(index, linkType, (int) Math.min(snaplen, Integer.MAX_VALUE),
                ifName, description, filter));
        scales.add(TimestampScale.of(tsresol, tsoffset));
    }

    /** UTF-8 text of an option; writers disagree on a trailing NUL, so drop any. */
    private String text(int p, int len) {
        int end = p + len;
        while (end > p && block[end - 1] == 0) {
            end--;
        }
        return new String(block, p, end - p, StandardCharsets.UTF_8);
    }

    private void readPacket(Frame frame, long type, int length, long offset)
            throws CaptureFormatException {
        int sectionInterfaces = interfaces.size() - sectionFirstInterface;
        long localId;
        long ticks;
        long captured;
        long original;
        int dataOffset;
        if (type == SIMPLE_PACKET) {
            if (length < 4) {
                throw fail(offset, "simple packet block too short (" + length + " body bytes)");
            }
            localId = 0;
            original = Bytes.u32(block, 0, bigEndian);
            dataOffset = 4;
            ticks = 0;
            captured = 0; // set below, needs the interface's snaplen
        } else {
            if (length < 20) {
                throw fail(offset, (type == ENHANCED_PACKET ? "enhanced" : "obsolete")
                        + " packet block too short (" + length + " body bytes)");
            }
            if (type == ENHANCED_PACKET) {
                localId = Bytes.u32(block, 0, bigEndian);
            } else {
                // Packet Block: 16-bit interface id, then a 16-bit drops count we do not need.
                localId = Bytes.u16(block, 0, bigEndian);
            }
            ticks = (Bytes.u32(block, 4, bigEndian) << 32) | Bytes.u32(block, 8, bigEndian);
            captured = Bytes.u32(block, 12, bigEndian);
            original = Bytes.u32(block, 16, bigEndian);
            dataOffset = 20;
        }
        if (localId >= sectionInterfaces) {
            throw fail(offset, "packet refers to interface " + localId + " but its section declares "
                    + sectionInterfaces + " interface" + (sectionInterfaces == 1 ? "" : "s"));
        }
        int index = sectionFirstInterface + (int) localId;
        CaptureInterface iface = interfaces.get(index);
        long epochNanos;
        if (type == SIMPLE_PACKET) {
            // No length field: the data is min(original, snaplen) bytes, then padding.
            captured = Math.min(original, length - 4);
            if (iface.snaplen() > 0) {
                captured = Math.min(captured, iface.snaplen());
            }
            // No timestamp either. Wireshark shows none; a Frame always has one, so the epoch.
            epochNanos = 0;
            commentLength = -1;
        } else {
            if (captured > length - 20) {
                throw fail(offset, "captured length " + captured + " runs past the end of its block ("
                        + (length - 20) + " bytes of packet data and options)");
            }
            epochNanos = scales.get(index).toEpochNanos(ticks);
            if (epochNanos == TimestampScale.OUT_OF_RANGE) {
                throw fail(offset, "timestamp " + Long.toUnsignedString(ticks) + " (if_tsresol "
                        + scales.get(index).tsresol() + ") is out of range for nanoseconds since 1970");
            }
            findComment(dataOffset + (((int) captured + 3) & ~3), length, offset);
        }
        frames++;
        frame.set(frames, epochNanos, index, iface.linkTypeCode(), block, dataOffset, (int) captured,
                (int) Math.min(original, Integer.MAX_VALUE), offset);
    }

    private void findComment(int p, int end, long offset) throws CaptureFormatException {
        commentLength = -1;
        while (p + 4 <= end) {
            int code = Bytes.u16(block, p, bigEndian);
            int len = Bytes.u16(block, p + 2, bigEndian);
            p += 4;
            if (code == OPT_END) {
                return;
            }
            if (p + len > end) {
                throw fail(offset, "packet option " + code + " of " + len
                        + " bytes runs past the end of its block");
            }
            if (code == OPT_COMMENT && commentLength < 0) {
                commentOffset = p;
                commentLength = len;
            }
            p += (len + 3) & ~3;
        }
    }

    private String streamSuffix() {
        String p = in.streamProblem();
        return p == null ? "" : "; " + p;
    }

    private CaptureFormatException fail(long offset, String problem) {
        done = true;
        return new CaptureFormatException(name, headerRead ? frames + 1 : 0, offset, problem);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CaptureFormat format() {
        return CaptureFormat.PCAPNG;
    }

    @Override
    public List<CaptureInterface> interfaces() {
        return interfacesView;
    }

    /** Sections seen so far. */
    public int sections() {
        return sections;
    }

    /** For tests: the block buffer never grows past the largest block read. */
    int bufferCapacity() {
        return block.length;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
