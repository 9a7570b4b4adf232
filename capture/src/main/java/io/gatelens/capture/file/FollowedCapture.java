package io.gatelens.capture.file;

import io.gatelens.capture.CaptureFormat;
import io.gatelens.capture.CaptureFormatException;
import io.gatelens.capture.CaptureInterface;
import io.gatelens.capture.Frame;
import io.gatelens.capture.PacketSource;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * A capture file followed while another program writes it ({@link CaptureFiles#follow}): the
 * frames as they are written, through {@link #source()}, until {@link #stop()} or the idle limit.
 *
 * <p>At the end the writer may be half-way through a record. That record is not returned and is
 * not damage: {@link #source()}'s {@code next} returns false as at a clean end, and
 * {@link #endedMidRecord()} tells the caller, with where the record starts
 * ({@link #cutRecord()}) and how many of its bytes had been written ({@link #cutRecordBytes()}).
 * A record found malformed before the end is reported as from any capture file, by a
 * {@link CaptureFormatException}. (A length field corrupt yet within limits cannot be told from
 * a record still being written: the follower waits for its bytes, and if the follow ends first
 * it is reported as cut.)
 *
 * <p>A file that shrinks, is replaced or removed ends the source with a
 * {@link CaptureFormatException} whose problem says so ("the file was truncated to 10 bytes while
 * followed ..."): the frames before it were sound, so a pass keeps them as it does for a cut file.
 */
public final class FollowedCapture implements Closeable {
    /** Why a follow ended. */
    public enum Ending {
        /** {@link #stop()} was called. */
        STOPPED,
        /** The file did not grow for {@link FollowOptions#idleTimeoutNanos()}. */
        IDLE_TIMEOUT
    }

    private final GrowingFileInput input;
    private final String name;
    private final FollowOptions options;
    private Source source;
    private CaptureFormatException cutRecord;
    private long cutRecordBytes;

    FollowedCapture(Path path, FollowOptions options) {
        this.name = path.toString();
        this.options = options;
        this.input = new GrowingFileInput(path, name, options);
    }

    /**
     * The frames, in a reader chosen by the file's magic. The first call waits until the file
     * exists and its header is written (calling {@code onIdle} meanwhile); later calls return the
     * same source. A gzip file is refused: it cannot be read before the writer has finished it.
     * When the follow ends before the header is whole, this throws ({@link NoSuchFileException} if
     * the file never appeared, else a {@link CaptureFormatException} saying how far it got).
     */
    public PacketSource source() throws IOException {
        if (source != null) {
            return source;
        }
        CountingInput counting = new CountingInput(input);
        PacketSource reader;
        try {
            int n = counting.peek(2);
            byte[] b = counting.peekBuffer();
            int off = counting.peekOffset();
            if (n == 2 && (b[off] & 0xff) == 0x1f && (b[off + 1] & 0xff) == 0x8b) {
                throw new CaptureFormatException(name, 0, 0, "gzip-compressed: a compressed capture"
                        + " cannot be followed while it is written (its end is only readable when the"
                        + " writer closes it); follow the uncompressed file, or read this one when complete");
            }
            reader = CaptureFiles.reader(counting, name, false);
        } catch (GrowingFileInput.FileChanged e) {
            throw changed(e, 0);
        } catch (CaptureFormatException e) {
            if (input.ending() == null) {
                throw e;
            }
            if (!input.opened()) {
                throw new NoSuchFileException(name, null, "not created before following " + how());
            }
            long got = input.delivered();
            throw new CaptureFormatException(name, 0, 0, "following " + how() + " before the file"
                    + " header was written"
                    + (got == 0 ? " (the file is empty)" : " (" + got + " bytes of it)"));
        }
        source = new Source(reader);
        return source;
    }

    /**
     * Ends the follow, from any thread (a shutdown hook), at any time, even before
     * {@link #source()}: the frames already written when the reading thread sees the stop are
     * still returned (it is woken at once if it is waiting), then {@code next} returns false.
     */
    public void stop() {
        input.stop();
    }

    /** Null while following; then whether {@link #stop()} or the idle limit ended it. */
    public Ending ending() {
        return input.ending();
    }

    /** Whether the follow ended inside a record the writer had not finished. */
    public boolean endedMidRecord() {
        return cutRecord != null;
    }

    /**
     * The unfinished last record as the reader saw it, or null: {@code frameNumber()} is the number
     * it would have had, {@code byteOffset()} where it starts, {@code problem()} the reader's words.
     */
    public CaptureFormatException cutRecord() {
        return cutRecord;
    }

    /** How many bytes of the unfinished last record had been read; 0 when none. */
    public long cutRecordBytes() {
        return cutRecordBytes;
    }

    /** Bytes read from the file so far. On the reading thread (onIdle runs there too). */
    public long bytesRead() {
        return input.delivered();
    }

    /** The options this follow runs with. */
    public FollowOptions options() {
        return options;
    }

    private String how() {
        return input.ending() == Ending.STOPPED ? "was stopped"
                : "gave up (the file did not grow for " + seconds(options.idleTimeoutNanos()) + ")";
    }

    private static String seconds(long nanos) {
        long ms = nanos / 1_000_000;
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms / 1000.0 + " s";
    }

    private CaptureFormatException changed(GrowingFileInput.FileChanged e, long frame) {
        CaptureFormatException f = new CaptureFormatException(name, frame, input.delivered(), e.problem());
        f.initCause(e);
        return f;
    }

    @Override
    public void close() throws IOException {
        input.close();
    }

    /** The reader, with the follow's end told apart from damage. */
    private final class Source implements PacketSource {
        private final PacketSource reader;
        private long lastNumber;
        private boolean ended;

        Source(PacketSource reader) {
            this.reader = reader;
        }

        @Override
        public boolean next(Frame frame) throws IOException {
            if (ended) {
                return false;
            }
            try {
                if (reader.next(frame)) {
                    lastNumber = frame.number();
                    return true;
                }
                ended = true;
                return false;
            } catch (GrowingFileInput.FileChanged e) {
                ended = true;
                throw changed(e, lastNumber + 1);
            } catch (CaptureFormatException e) {
                ended = true;
                // The input ends only when the follow does, and the readers' counting input asks
                // it for bytes only for the record at hand: a record that fails after the end was
                // cut by the end, not malformed.
                if (input.ending() == null) {
                    throw e;
                }
                cutRecord = e;
                cutRecordBytes = input.delivered() - e.byteOffset();
                return false;
            }
        }

        @Override
        public String name() {
            return reader.name();
        }

        @Override
        public CaptureFormat format() {
            return reader.format();
        }

        @Override
        public List<CaptureInterface> interfaces() {
            return reader.interfaces();
        }

        @Override
        public void close() throws IOException {
            reader.close();
        }
    }
}
