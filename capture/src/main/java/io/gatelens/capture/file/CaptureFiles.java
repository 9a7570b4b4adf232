package io.gatelens.capture.file;

import io.gatelens.capture.CaptureFormatException;
import io.gatelens.capture.PacketSource;
import io.gatelens.capture.bytes.Bytes;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Opens a capture file by what it is, not by its name: gzip is decompressed on the fly (as
 * Wireshark and tcpdump do for .pcap.gz), then the first four bytes tell classic pcap from
 * pcapng.
 */
public final class CaptureFiles {
    private static final int GZIP_BUFFER = 64 * 1024;
    /** Below this, mapping windows (or a read-ahead thread) costs more than it saves. */
    static final long READ_AHEAD_FROM = 8L << 20;

    private CaptureFiles() {}

    public static PacketSource open(Path path) throws IOException {
        InputStream raw = input(path);
        try {
            return open(raw, path.toString());
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /**
     * The bytes of {@code path} as stored, for {@link #open(InputStream, String)}: a large regular
     * file is mapped a window at a time (or, where it cannot be mapped, read ahead on a second
     * thread); a pipe ({@code /dev/stdin}, {@code <(...)}) is read through FileInputStream, since
     * a FileChannel on a pipe fails with "Illegal seek" as soon as a BufferedInputStream asks how
     * much is available.
     */
    public static InputStream input(Path path) throws IOException {
        if (!Files.isRegularFile(path)) return new FileInputStream(path.toFile());
        if (Files.size(path) >= READ_AHEAD_FROM) {
            try {
                return new MappedInput(path);
            } catch (IOException | UnsupportedOperationException e) {
                // A file system that cannot map: read ahead instead.
            }
            return new ReadAhead(Files.newInputStream(path), path.getFileName().toString());
        }
        return Files.newInputStream(path);
    }

    /** Reads from {@code in} (closed with the returned source); {@code name} is for messages. */
    public static PacketSource open(InputStream in, String name) throws IOException {
        // Marking is needed to look at the first bytes; a mapped file marks by itself, and a
        // buffer in front of it would only copy every byte once more.
        InputStream buffered = in.markSupported() ? in : new BufferedInputStream(in, GZIP_BUFFER);
        buffered.mark(2);
        int b0 = buffered.read();
        int b1 = buffered.read();
        buffered.reset();
        boolean gzip = b0 == 0x1f && b1 == 0x8b;
        InputStream stream = buffered;
        if (gzip) {
            try {
                stream = new GZIPInputStream(buffered, GZIP_BUFFER);
            } catch (EOFException | ZipException e) {
                throw new CaptureFormatException(name, 0, 0, "bad gzip header (" + e.getMessage() + ")");
            }
        }
        return reader(new CountingInput(stream), name, gzip);
    }

    /**
     * Follows a capture file another program is still writing (tcpdump -U -w, dumpcap, gatelens
     * capture), from its first byte; the file need not exist yet. Returns at once: the wait for the
     * file and its header happens in {@link FollowedCapture#source()}, so a shutdown hook can be
     * given {@link FollowedCapture#stop()} before anything is read. A path that exists but is not
     * a regular file (a directory, a pipe) is refused here.
     */
    public static FollowedCapture follow(Path path, FollowOptions options) throws IOException {
        if (Files.exists(path) && !Files.isRegularFile(path)) {
            throw GrowingFileInput.notRegular(path.toString());
        }
        return new FollowedCapture(path, options);
    }

    /** The reader the first four bytes of {@code input} call for. */
    static PacketSource reader(CountingInput input, String name, boolean gzip) throws IOException {
        int n = input.peek(4);
        String after = gzip ? " after gzip decompression" : "";
        if (n == 0) {
            String why = input.streamProblem();
            throw new CaptureFormatException(name, 0, 0,
                    why != null ? "gzip " + why : "empty file" + (gzip ? " (after gzip decompression)" : ""));
        }
        byte[] b = input.peekBuffer();
        int off = input.peekOffset();
        if (n == 4) {
            if (Bytes.u32be(b, off) == PcapngReader.SECTION_HEADER) {
                return new PcapngReader(input, name);
            }
            long magic = Bytes.u32le(b, off);
            if (magic == PcapReader.MAGIC_MICRO || magic == PcapReader.MAGIC_NANO
                    || magic == PcapReader.MAGIC_MICRO_SWAPPED || magic == PcapReader.MAGIC_NANO_SWAPPED) {
                return new PcapReader(input, name);
            }
        }
        throw new CaptureFormatException(name, 0, 0,
                "not a pcap or pcapng file (starts with " + hex(b, off, n) + after + ")");
    }

    static String hex(byte[] b, int off, int len) {
        StringBuilder s = new StringBuilder(len * 3);
        for (int i = 0; i < len; i++) {
            if (i > 0) {
                s.append(' ');
            }
            s.append(Character.forDigit((b[off + i] >> 4) & 0xf, 16))
                    .append(Character.forDigit(b[off + i] & 0xf, 16));
        }
        return s.toString();
    }
}
