package io.gatelens.capture;

import java.io.IOException;

/**
 * A capture file that cannot be read further: cut mid-record, a length that disagrees, a magic
 * that is not a capture. Carries where, so the message can be one clear line.
 */
public class CaptureFormatException extends IOException {
    private final String file;
    private final long frameNumber;
    private final long byteOffset;
    private final String problem;

    /** {@code frameNumber} is the frame being read when it failed (0 for the file header). */
    public CaptureFormatException(String file, long frameNumber, long byteOffset, String problem) {
        super(file + ": " + (frameNumber > 0 ? "frame " + frameNumber + ", " : "")
                + "byte offset " + byteOffset + ": " + problem);
        this.file = file;
        this.frameNumber = frameNumber;
        this.byteOffset = byteOffset;
        this.problem = problem;
    }

    public String file() { return file; }
    public long frameNumber() { return frameNumber; }
    public long byteOffset() { return byteOffset; }
    public String problem() { return problem; }
}
