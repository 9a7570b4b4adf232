package io.gatelens.capture.file;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * Writes one capture file, pcap or pcapng, so that whoever opens it (gatelens, tshark, a
 * `gatelens analyze --follow`, or nobody until after a SIGKILL) finds whole records only.
 *
 * <p>Records are assembled in a buffer and reach the file only as whole records: the file header
 * (or Section Header and Interface Description Blocks) at opening, then whenever the buffer is
 * full, the oldest buffered record is {@link #MAX_DELAY_NANOS} old ({@link #tick} or the next
 * {@link #write}), on {@link #flush()} and on {@link #close()}. So, between calls, the file always
 * ends on a record boundary, and lags the capture by about a second at most. A reader that runs
 * while a write(2) is under way can still see the tail of that one call half-written; a reader
 * following the file must take a short last record as "not yet", not as damage.
 *
 * <p>Nothing is forced to the disk (no fsync): the page cache keeps what was written across a
 * killed process, not across a power cut.
 *
 * <p>If a write fails (disk full, I/O error) the file is cut back to the length it had before that
 * write, so it still ends on a record boundary, and the writer refuses further packets. Little-endian (the byte order of the
 * hosts we capture on). Single-threaded; {@code nowNanos} is a monotonic clock reading
 * ({@link System#nanoTime()}), passed in so tests need no sleeps.
 */
public final class CaptureFileWriter implements Closeable {
    /**
     * Size of the record buffer: 256 KiB (at 1 Gbit/s about 2 ms of traffic, so flushes stay
     * rare) plus a record header, so one frame of libpcap's largest snaplen (262144) fits.
     */
    public static final int BUFFER_BYTES = 256 * 1024 + 64;
    /** Buffered records are written out once the oldest of them is this old. */
    public static final long MAX_DELAY_NANOS = 1_000_000_000L;

    private static final long MAX_PCAP_SECONDS = 0xffffffffL;
    private static final int SHB_USERAPPL = 4;
    private static final int IF_NAME = 2;
    private static final int IF_DESCRIPTION = 3;
    private static final int IF_TSRESOL = 9;
    private static final int IF_FILTER = 11;
    /** EPB fixed part: type, length, interface, 2x timestamp, captured, original length. */
    private static final int EPB_HEAD = 28;
    private static final byte[] APPLICATION = "gatelens".getBytes(StandardCharsets.US_ASCII);

    private final Path path;
    private final FileChannel channel;
    private final ByteBuffer buffer;
    private final boolean pcapng;
    private final boolean nanos;
    /**
     * For the rare record larger than the buffer (a snaplen above libpcap's largest): header,
     * data, trailer in one writev. Made when first needed.
     */
    private final ByteBuffer[] alone = new ByteBuffer[3];
    /** Bytes in the file: whole records only. */
    private long committed;
    /** Monotonic time the first record now in the buffer was added; meaningful when not empty. */
    private long oldestBuffered;
    private long packets;
    private IOException failure;
    private boolean closed;

    /** Creates (or truncates) {@code path} and writes the file header to it at once. */
    public static CaptureFileWriter open(Path path, FileFormat format, InterfaceInfo iface) throws IOException {
        return open(path, format, iface, newBuffer());
    }

    /** A buffer for {@link #open(Path, FileFormat, InterfaceInfo, ByteBuffer)}. */
    static ByteBuffer newBuffer() {
        // Direct, so a write(2) takes it as is instead of the JDK copying a heap array first.
        return ByteBuffer.allocateDirect(BUFFER_BYTES);
    }

    /**
     * With a buffer the caller owns and may hand on to the next file once this one is closed
     * (a rotation then allocates nothing big).
     */
    static CaptureFileWriter open(Path path, FileFormat format, InterfaceInfo iface, ByteBuffer buffer)
            throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw openProblem(path, e);
        }
        return over(path, channel, format, iface, buffer);
    }

    /** Writes through {@code channel} (tests give one that fails); closes it if the header fails. */
    static CaptureFileWriter over(Path path, FileChannel channel, FileFormat format, InterfaceInfo iface,
                                  ByteBuffer buffer) throws IOException {
        try {
            return new CaptureFileWriter(path, channel, format, iface, buffer);
        } catch (IOException | RuntimeException e) {
            try {
                channel.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private CaptureFileWriter(Path path, FileChannel channel, FileFormat format, InterfaceInfo iface,
                              ByteBuffer buffer) throws IOException {
        this.path = Objects.requireNonNull(path);
        this.channel = channel;
        this.pcapng = format == FileFormat.PCAPNG;
        this.nanos = iface.nanos();
        this.buffer = buffer.clear().order(ByteOrder.LITTLE_ENDIAN);
        if (pcapng) {
            putSectionHeader();
            putInterface(iface);
        } else {
            putPcapHeader(iface);
        }
        // The header goes out now: an empty capture is a valid file from the first moment.
        drain();
    }

    /**
     * Adds one packet. {@code epochNanos} is its capture time (truncated to microseconds unless
     * the interface is {@link InterfaceInfo#nanos()}); {@code capturedLength} bytes of
     * {@code data} from {@code offset} are kept, {@code originalLength} is its length on the wire.
     */
    public void write(long epochNanos, byte[] data, int offset, int capturedLength, int originalLength,
                      long nowNanos) throws IOException {
        ensureWritable();
        Objects.checkFromIndexSize(offset, capturedLength, data.length);
        if (originalLength < 0) {
            throw new IllegalArgumentException("negative original length " + originalLength);
        }
        checkTime(epochNanos);
        int record = recordLength(capturedLength);
        if (record > buffer.remaining()) {
            drain();
            if (record > buffer.capacity()) {
                writeAlone(epochNanos, data, offset, capturedLength, originalLength, record);
                packets++;
                return;
            }
        }
        if (buffer.position() == 0) {
            oldestBuffered = nowNanos;
        }
        if (pcapng) {
            putEnhancedPacketHead(buffer, epochNanos, capturedLength, originalLength, record);
            buffer.put(data, offset, capturedLength);
            for (int pad = padding(capturedLength); pad > 0; pad--) {
                buffer.put((byte) 0);
            }
            buffer.putInt(record);
        } else {
            putPcapRecordHead(buffer, epochNanos, capturedLength, originalLength);
            buffer.put(data, offset, capturedLength);
        }
        packets++;
        if (nowNanos - oldestBuffered >= MAX_DELAY_NANOS) {
            drain();
        }
    }

    /** Writes out the buffered records if the oldest is {@link #MAX_DELAY_NANOS} old. */
    public void tick(long nowNanos) throws IOException {
        if (closed || failure != null) {
            return;
        }
        if (buffer.position() > 0 && nowNanos - oldestBuffered >= MAX_DELAY_NANOS) {
            drain();
        }
    }

    /** Writes out every buffered record now. */
    public void flush() throws IOException {
        ensureWritable();
        drain();
    }

    /** Length of the file once the buffer is written: what tcpdump's {@code -C} compares. */
    public long size() {
        return committed + buffer.position();
    }

    /** Bytes in the file now, whole records only. */
    public long writtenBytes() {
        return committed;
    }

    public long packets() {
        return packets;
    }

    public Path path() {
        return path;
    }

    /** Writes out the buffer and closes the file. After a failed write, only closes. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        IOException error = null;
        if (failure == null) {
            try {
                drain();
            } catch (IOException e) {
                error = e;
            }
        }
        buffer.clear();
        try {
            channel.close();
        } catch (IOException e) {
            IOException closing = problem("cannot close capture file", e);
            if (error == null) {
                error = closing;
            } else {
                error.addSuppressed(closing);
            }
        }
        if (error != null) {
            throw error;
        }
    }

    private void ensureWritable() throws IOException {
        if (closed) {
            throw new IllegalStateException("capture file " + path + " is closed");
        }
        if (failure != null) {
            throw new IOException("capture file " + path + " stopped after an earlier failure: "
                    + failure.getMessage(), failure);
        }
    }

    private int recordLength(int capturedLength) {
        if (pcapng) {
            long total = (long) EPB_HEAD + capturedLength + padding(capturedLength) + 4;
            if (total > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("packet of " + capturedLength + " bytes is too large");
            }
            return (int) total;
        }
        if (capturedLength > Integer.MAX_VALUE - PcapReader.RECORD_HEADER_LENGTH) {
            throw new IllegalArgumentException("packet of " + capturedLength + " bytes is too large");
        }
        return PcapReader.RECORD_HEADER_LENGTH + capturedLength;
    }

    private void checkTime(long epochNanos) {
        if (epochNanos < 0) {
            throw new IllegalArgumentException("timestamp " + epochNanos + " ns is before 1970");
        }
        if (!pcapng && epochNanos / 1_000_000_000L > MAX_PCAP_SECONDS) {
            throw new IllegalArgumentException("timestamp " + epochNanos
                    + " ns does not fit a pcap record (1970 to 2106)");
        }
    }

    private void putPcapHeader(InterfaceInfo iface) {
        buffer.putInt((int) (nanos ? PcapReader.MAGIC_NANO : PcapReader.MAGIC_MICRO));
        buffer.putShort((short) 2).putShort((short) 4);
        buffer.putInt(0).putInt(0); // thiszone, sigfigs: always 0 in practice
        buffer.putInt(iface.snaplen());
        buffer.putInt(iface.linkType());
    }

    private void putPcapRecordHead(ByteBuffer b, long epochNanos, int capturedLength, int originalLength) {
        long fraction = epochNanos % 1_000_000_000L;
        b.putInt((int) (epochNanos / 1_000_000_000L));
        b.putInt((int) (nanos ? fraction : fraction / 1000));
        b.putInt(capturedLength);
        b.putInt(originalLength);
    }

    private void putSectionHeader() {
        int total = 28 + optionLength(APPLICATION.length) + 4;
        buffer.putInt(PcapngReader.SECTION_HEADER);
        buffer.putInt(total);
        buffer.putInt((int) PcapngReader.BYTE_ORDER_MAGIC);
        buffer.putShort((short) 1).putShort((short) 0);
        buffer.putLong(-1L); // section length unknown: we stream
        putOption(SHB_USERAPPL, APPLICATION);
        buffer.putInt(0); // opt_endofopt
        buffer.putInt(total);
    }

    private void putInterface(InterfaceInfo iface) {
        byte[] name = utf8(iface.name(), "interface name");
        byte[] description = utf8(iface.description(), "interface description");
        String filterText = iface.filter() == null ? "" : iface.filter();
        byte[] filter = filterText.isEmpty() ? new byte[0] : utf8("\0" + filterText, "filter");
        int options = optionLength(1); // if_tsresol
        options += name.length > 0 ? optionLength(name.length) : 0;
        options += description.length > 0 ? optionLength(description.length) : 0;
        options += filter.length > 0 ? optionLength(filter.length) : 0;
        int total = 16 + options + 4 + 4;
        if (total > buffer.capacity()) {
            throw new IllegalArgumentException("interface description of " + total + " bytes is too large");
        }
        buffer.putInt(PcapngReader.INTERFACE_DESCRIPTION);
        buffer.putInt(total);
        buffer.putShort((short) iface.linkType());
        buffer.putShort((short) 0);
        buffer.putInt(iface.snaplen());
        if (name.length > 0) {
            putOption(IF_NAME, name);
        }
        if (description.length > 0) {
            putOption(IF_DESCRIPTION, description);
        }
        // Written even for microseconds (the default), so no reader has to guess.
        putOption(IF_TSRESOL, new byte[] {(byte) (nanos ? 9 : 6)});
        if (filter.length > 0) {
            // First byte 0: the filter is a libpcap filter string.
            putOption(IF_FILTER, filter);
        }
        buffer.putInt(0); // opt_endofopt
        buffer.putInt(total);
    }

    private void putEnhancedPacketHead(ByteBuffer b, long epochNanos, int capturedLength, int originalLength,
                                       int total) {
        long ticks = nanos ? epochNanos : epochNanos / 1000;
        b.putInt(PcapngReader.ENHANCED_PACKET);
        b.putInt(total);
        b.putInt(0); // the one interface
        b.putInt((int) (ticks >>> 32));
        b.putInt((int) ticks);
        b.putInt(capturedLength);
        b.putInt(originalLength);
    }

    private static byte[] utf8(String s, String what) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > 0xffff) {
            throw new IllegalArgumentException(what + " longer than 65535 bytes");
        }
        return b;
    }

    private void putOption(int code, byte[] value) {
        buffer.putShort((short) code);
        buffer.putShort((short) value.length);
        buffer.put(value);
        for (int pad = padding(value.length); pad > 0; pad--) {
            buffer.put((byte) 0);
        }
    }

    private static int optionLength(int valueLength) {
        return 4 + valueLength + padding(valueLength);
    }

    private static int padding(int length) {
        return -length & 3;
    }

    /** Writes the whole buffer: one write(2) unless the kernel takes less. */
    private void drain() throws IOException {
        buffer.flip();
        long whole = committed;
        try {
            while (buffer.hasRemaining()) {
                committed += channel.write(buffer);
            }
        } catch (IOException e) {
            throw failed(e, whole);
        } finally {
            buffer.clear();
        }
    }

    private void writeAlone(long epochNanos, byte[] data, int offset, int capturedLength, int originalLength,
                            int total) throws IOException {
        if (alone[0] == null) {
            alone[0] = ByteBuffer.allocate(EPB_HEAD).order(ByteOrder.LITTLE_ENDIAN);
            alone[2] = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        }
        ByteBuffer head = alone[0].clear();
        ByteBuffer tail = alone[2].clear();
        if (pcapng) {
            putEnhancedPacketHead(head, epochNanos, capturedLength, originalLength, total);
            for (int pad = padding(capturedLength); pad > 0; pad--) {
                tail.put((byte) 0);
            }
            tail.putInt(total);
        } else {
            putPcapRecordHead(head, epochNanos, capturedLength, originalLength);
        }
        head.flip();
        tail.flip();
        // Only for records larger than the buffer (a snaplen above 256 KiB): a view is cheap there.
        alone[1] = ByteBuffer.wrap(data, offset, capturedLength);
        long whole = committed;
        try {
            long left = total;
            while (left > 0) {
                long n = channel.write(alone);
                left -= n;
                committed += n;
            }
        } catch (IOException e) {
            throw failed(e, whole);
        } finally {
            alone[1] = null;
        }
    }

    /**
     * Cuts the file back to {@code whole}, its length before the failed write (which may have
     * left part of a record; on a full disk the cut also frees that space), and keeps the failure
     * for later calls. Records of that write that did reach the file are cut too: the capture is
     * failing anyway, and the buffer does not keep where its records end.
     */
    private IOException failed(IOException e, long whole) {
        IOException wrapped = problem("cannot write capture file", e);
        failure = wrapped;
        try {
            channel.truncate(whole);
            channel.position(whole);
        } catch (IOException | UnsupportedOperationException cut) {
            wrapped.addSuppressed(cut);
        }
        committed = whole;
        return wrapped;
    }

    private IOException problem(String what, IOException e) {
        String reason = e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.getMessage();
        return new IOException(what + " " + path + ": " + reason, e);
    }

    /** A message that names the file and says what is wrong with where it is to go. */
    static IOException openProblem(Path path, IOException e) {
        String reason;
        if (e instanceof NoSuchFileException) {
            Path parent = path.toAbsolutePath().getParent();
            reason = parent != null && !Files.isDirectory(parent)
                    ? "directory " + parent + " does not exist" : "no such file or directory";
        } else if (e instanceof AccessDeniedException) {
            reason = "permission denied";
        } else if (e instanceof FileSystemException f && f.getReason() != null) {
            reason = f.getReason();
        } else {
            reason = e.getMessage();
        }
        return new IOException("cannot create capture file " + path + ": " + reason, e);
    }
}
