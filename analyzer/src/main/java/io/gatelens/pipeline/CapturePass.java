package io.gatelens.pipeline;

import io.gatelens.capture.CaptureFormatException;
import io.gatelens.capture.Frame;
import io.gatelens.capture.PacketSource;
import io.gatelens.capture.decode.DecodedPacket;
import io.gatelens.capture.decode.PacketDecoder;
import io.gatelens.capture.file.CaptureFiles;
import io.gatelens.flow.Connection;
import io.gatelens.flow.FlowTable;
import io.gatelens.tcp.Direction;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One streaming pass over a capture: frames are decoded into one reused packet and handed on;
 * nothing per frame is kept. A file damaged part-way ends the pass early with what was sound.
 */
public final class CapturePass {
    /** Receives every TCP segment with its connection and direction, in capture order. */
    @FunctionalInterface
    public interface SegmentListener {
        void segment(Connection connection, Direction direction, Frame frame, DecodedPacket packet);
    }

    /**
     * Told how far the pass has read, every {@link #PROGRESS_EVERY} frames, on the pass's thread.
     * Bytes are counted as read from the file, before any gzip decompression, so that they
     * compare with the file's size; read-ahead puts them up to a buffer or two ahead of the frames.
     */
    @FunctionalInterface
    public interface Progress {
        /** {@code totalBytes} is the file's size, or -1 when it has none (a pipe, /dev/stdin). */
        void progress(long bytesRead, long totalBytes, long frames);
    }

    /**
     * Frames between two progress reports: a power of two, so the check on each frame is one mask;
     * even the slowest pass (about 0.5 M frames/s) still reports ~100 times a second.
     */
    public static final int PROGRESS_EVERY = 4096;

    private final FlowTable flows;
    private final SegmentListener segments;
    private final Progress progress;

    public CapturePass(FlowTable flows) {
        this(flows, null, null);
    }

    public CapturePass(FlowTable flows, SegmentListener segments) {
        this(flows, segments, null);
    }

    /** {@code segments} and {@code progress} may be null. */
    public CapturePass(FlowTable flows, SegmentListener segments, Progress progress) {
        this.flows = flows;
        this.segments = segments;
        this.progress = progress;
    }

    /**
     * Reads {@code file} to its end or its damage. Throws only when nothing can be read at all
     * (no such file, not a capture): that is a {@link CaptureFormatException} or other
     * {@link IOException} for the caller to report.
     */
    public CaptureSummary run(Path file) throws IOException {
        CaptureSummary summary = new CaptureSummary(file.toString());
        long size = Files.size(file);
        boolean regular = Files.isRegularFile(file);
        long total = regular ? size : -1;
        CountingStream raw = new CountingStream(CaptureFiles.input(file));
        PacketSource opened;
        try {
            opened = CaptureFiles.open(raw, file.toString());
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
        try (PacketSource source = opened) {
            read(source, summary, raw, total, regular ? file : null, size);
        }
        return summary;
    }

    /**
     * Reads frames from {@code source} until it ends (a live capture that was stopped, a followed
     * file that was let go) or is damaged. Same as a file's pass, frame for frame.
     */
    public CaptureSummary run(PacketSource source) throws IOException {
        CaptureSummary summary = new CaptureSummary(source.name());
        read(source, summary, null, -1, null, -1);
        return summary;
    }

    /** {@code counted} (may be null) gives bytes read for progress; {@code file} is for a mapping fault. */
    private void read(PacketSource source, CaptureSummary summary, CountingStream counted, long total,
                      Path file, long size) throws IOException {
        long frames = 0;
        Frame frame = new Frame();
        DecodedPacket packet = new DecodedPacket();
        PacketDecoder decoder = new PacketDecoder();
        CaptureFormatException damage = null;
        try {
            while (source.next(frame)) {
                if (progress != null && (++frames & (PROGRESS_EVERY - 1)) == 0) {
                    progress.progress(counted == null ? -1 : counted.count, total, frames);
                }
                decoder.decode(frame, packet);
                summary.onFrame(frame, packet);
                if (packet.isTcp()) {
                    Connection c = flows.observe(frame, packet);
                    if (segments != null) {
                        segments.segment(c, flows.lastSentByClient() ? Direction.CLIENT_TO_SERVER
                                : Direction.SERVER_TO_CLIENT, frame, packet);
                    }
                }
            }
        } catch (CaptureFormatException e) {
            damage = e;
        } catch (InternalError e) {
            // A mapped file cut shorter while it is read faults on the lost pages; the JVM
            // reports it as an InternalError, at the access or a little later. It is damage
            // like a cut file, not gatelens failing: the pass keeps what it read.
            if (file == null) throw e;
            long now = Files.size(file);
            if (now >= size) throw e;
            damage = new CaptureFormatException(file.toString(), frames, counted.count,
                    "the file was cut to " + now + " bytes while being read");
        }
        flows.finish();
        summary.finish(source.format(), source.interfaces(), size, damage);
    }

    public FlowTable flows() {
        return flows;
    }

    /**
     * Counts the bytes read from the file, for a progress line; called once per buffer fill, not
     * per frame. Marks pass through (a mapped file marks by itself); a reset takes the count back.
     */
    public static final class CountingStream extends FilterInputStream {
        long count;

        public CountingStream(InputStream in) {
            super(in);
        }

        /** Bytes read so far. */
        public long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) count++;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) count += n;
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = in.skip(n);
            if (s > 0) count += s;
            return s;
        }

        private long markCount;

        @Override
        public boolean markSupported() {
            return in.markSupported();
        }

        @Override
        public synchronized void mark(int readLimit) {
            in.mark(readLimit);
            markCount = count;
        }

        @Override
        public synchronized void reset() throws IOException {
            in.reset();
            count = markCount;
        }
    }
}
