package io.gatelens.report;

import io.gatelens.capture.CaptureFormatException;
import io.gatelens.capture.CaptureInterface;
import io.gatelens.capture.Frame;
import io.gatelens.capture.PacketSource;
import io.gatelens.capture.file.CaptureFiles;
import io.gatelens.capture.file.PcapngReader;
import io.gatelens.capture.file.PcapngWriter;
import io.gatelens.pipeline.CapturePass;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The second pass of {@code gatelens annotate}: every frame of a capture copied into a pcapng
 * file, its bytes, lengths, time (to the nanosecond) and interface as they were, with the
 * {@link FrameComments} of the frames findings cite added as packet comments (Wireshark's
 * frame.comment). A comment the frame already had in a pcapng input comes first (the reader keeps
 * only the first of a frame's comments).
 *
 * <p>Interfaces are declared in the source's order, each before its first frame (pcapng lets a
 * file declare them as it goes), with the source's link type, snaplen, name, description and
 * filter, so a frame's interface id in the copy is its file-wide index in the source (the copy
 * is one section). Timestamps are written in nanoseconds whatever the source's resolution, so
 * none changes. Damage stops the copy where it stops the diagnosis: the output holds the sound
 * frames before it.
 *
 * <p>What is not carried over: pcapng blocks that are not packets or interfaces (name
 * resolution, interface statistics, decryption secrets, custom blocks), packet options other
 * than the first comment (flags, hashes), and a frame's second and later comments. Wireshark
 * numbers a few such blocks as frames; when the input holds one, the copy's frame numbers from
 * there on are lower than the input's ({@link Result#firstRenumbered()}).
 */
public final class PcapngAnnotator {
    private PcapngAnnotator() {}

    /**
     * @param frames          frames copied
     * @param comments        gatelens comments written
     * @param commentedFrames frames that got at least one gatelens comment
     * @param damage          where the input was found damaged (the copy stops there), or null
     * @param firstRenumbered the input frame number from which the copy counts differently, or -1
     * @param firstNegative   the first frame with a time before 1970 (written at 1970), or -1
     * @param negativeTimes   how many such frames
     */
    public record Result(long frames, long comments, long commentedFrames, CaptureFormatException damage,
                         long firstRenumbered, long firstNegative, long negativeTimes) {}

    /**
     * Copies {@code file} into {@code out} (not closed) as pcapng with the comments. {@code
     * progress} (may be null) is told the bytes read of the file, its size and the frames copied.
     * Throws what opening the file throws (not a capture, unreadable) and write errors.
     */
    public static Result copy(Path file, OutputStream out, String sectionComment, String application,
                              FrameComments.Cursor comments, CapturePass.Progress progress) throws IOException {
        long size = Files.size(file);
        CapturePass.CountingStream counted = new CapturePass.CountingStream(CaptureFiles.input(file));
        PacketSource opened;
        try {
            opened = CaptureFiles.open(counted, file.toString());
        } catch (IOException | RuntimeException e) {
            counted.close();
            throw e;
        }
        try (PacketSource source = opened) {
            PcapngWriter writer = new PcapngWriter(out, ByteOrder.LITTLE_ENDIAN, sectionComment, application);
            Result r = copy(source, writer, comments, progress == null ? null
                    : frames -> progress.progress(counted.count(), size, frames),
                    () -> Files.size(file) < size ? counted.count() : -1);
            writer.flush();
            return r;
        }
    }

    /** Frames copied so far, every {@link CapturePass#PROGRESS_EVERY} frames. */
    interface FrameProgress {
        void frames(long copied);
    }

    /**
     * Whether the file shrank while read (a mapped file then faults instead of ending): the bytes
     * read before the fault if so, else -1.
     */
    interface Shrunk {
        long shrunkAt() throws IOException;
    }

    static Result copy(PacketSource source, PcapngWriter writer, FrameComments.Cursor cursor,
                       FrameProgress progress, Shrunk shrunk) throws IOException {
        Frame frame = new Frame();
        List<String> notes = new ArrayList<>();
        // Interfaces are declared in the source's order, each before its first frame: so a frame's
        // interface id in the copy is its file-wide index in the source.
        int declared = 0;
        long frames = 0, comments = 0, commentedFrames = 0, firstRenumbered = -1, firstNegative = -1, negative = 0;
        CaptureFormatException damage = null;
        PcapngReader pcapng = source instanceof PcapngReader r ? r : null;
        try {
            while (source.next(frame)) {
                frames++;
                if (progress != null && (frames & (CapturePass.PROGRESS_EVERY - 1)) == 0) progress.frames(frames);
                if (frame.number() != frames && firstRenumbered < 0) firstRenumbered = frame.number();
                int index = frame.interfaceIndex();
                while (declared <= index) declare(writer, source.interfaces().get(declared++));
                String original = pcapng == null ? null : pcapng.lastComment();
                int added = cursor.commentsOn(frame.number(), notes);
                long time = frame.epochNanos();
                if (time < 0) {
                    // Only a pcapng interface's negative if_tsoffset gives one; the packet block
                    // cannot hold it without that offset, which the reader does not hand on.
                    if (firstNegative < 0) firstNegative = frame.number();
                    negative++;
                    time = 0;
                }
                if (original == null && added == 0) {
                    writer.write(index, time, frame.buffer(), frame.offset(),
                            frame.capturedLength(), frame.originalLength(), (String) null);
                } else {
                    if (original != null) notes.add(0, original);
                    writer.writeWithComments(index, time, frame.buffer(), frame.offset(),
                            frame.capturedLength(), frame.originalLength(), notes);
                    notes.clear();
                    if (added > 0) {
                        comments += added;
                        commentedFrames++;
                    }
                }
            }
        } catch (CaptureFormatException e) {
            damage = e;
        } catch (InternalError e) {
            // As in CapturePass: a mapped file cut shorter while read faults; that is damage.
            long at = shrunk == null ? -1 : shrunk.shrunkAt();
            if (at < 0) throw e;
            damage = new CaptureFormatException(source.name(), frames + 1, at, "the file was cut while being read");
        }
        // Interfaces declared after the last frame (or the damage) are part of the capture too.
        while (declared < source.interfaces().size()) declare(writer, source.interfaces().get(declared++));
        return new Result(frames, comments, commentedFrames, damage, firstRenumbered, firstNegative, negative);
    }

    private static void declare(PcapngWriter writer, CaptureInterface i) throws IOException {
        writer.addInterface(i.linkTypeCode(), i.snaplen(), i.name(), i.description(), i.filter());
    }
}
