package io.gatelens.capture.file;

import io.gatelens.capture.Frame;
import io.gatelens.capture.PacketSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Copies of frames, so tests can compare them after the reader has moved on. */
final class Frames {
    private Frames() {}

    record Copy(long number, long epochNanos, int interfaceIndex, int linkTypeCode,
                int capturedLength, int originalLength, byte[] data, long fileOffset) {
        static Copy of(Frame f) {
            return new Copy(f.number(), f.epochNanos(), f.interfaceIndex(), f.linkTypeCode(),
                    f.capturedLength(), f.originalLength(),
                    Arrays.copyOfRange(f.buffer(), f.offset(), f.offset() + f.capturedLength()),
                    f.fileOffset());
        }
    }

    /** Reads to the end; frames read before a failure are in {@code into}. */
    static List<Copy> readAll(PacketSource source, List<Copy> into) throws IOException {
        Frame f = new Frame();
        while (source.next(f)) {
            into.add(Copy.of(f));
        }
        return into;
    }

    static List<Copy> readAll(PacketSource source) throws IOException {
        return readAll(source, new ArrayList<>());
    }

    static PacketSource open(byte[] file) throws IOException {
        return CaptureFiles.open(new ByteArrayInputStream(file), "test.cap");
    }
}
