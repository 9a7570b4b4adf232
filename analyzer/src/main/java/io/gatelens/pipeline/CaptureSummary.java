package io.gatelens.pipeline;

import io.gatelens.capture.CaptureFormat;
import io.gatelens.capture.CaptureFormatException;
import io.gatelens.capture.CaptureInterface;
import io.gatelens.capture.Frame;
import io.gatelens.capture.decode.DecodedPacket;
import io.gatelens.capture.decode.SkipReason;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What capinfos tells of a file, counted in the same pass as everything else. */
public final class CaptureSummary {
    private final String file;
    private long fileBytes = -1;
    private CaptureFormat format;
    private List<CaptureInterface> interfaces = List.of();
    private long frames;
    private long capturedBytes;
    private long wireBytes;
    private long firstNanos = Long.MAX_VALUE;
    private long lastNanos = Long.MIN_VALUE;
    private long outOfOrderFrames;
    private long previousNanos = Long.MIN_VALUE;
    private long cutBySnaplen;
    private long tcpSegments;
    private final long[] skipped = new long[SkipReason.values().length];
    private final long[] firstSkippedFrame = new long[SkipReason.values().length];
    private final long[] firstSkippedOffset = new long[SkipReason.values().length];
    private final Map<Integer, Long> framesByLinkType = new TreeMap<>();
    private int lastLinkType = Integer.MIN_VALUE;
    private long lastLinkTypeFrames;
    private CaptureFormatException damage;

    public CaptureSummary(String file) {
        this.file = file;
    }

    void onFrame(Frame f, DecodedPacket p) {
        frames++;
        capturedBytes += f.capturedLength();
        wireBytes += f.originalLength();
        long t = f.epochNanos();
        if (t < firstNanos) firstNanos = t;
        if (t > lastNanos) lastNanos = t;
        if (t < previousNanos) outOfOrderFrames++;
        previousNanos = t;
        if (f.cutBySnaplen()) cutBySnaplen++;
        // Runs of one link type are the norm; count them without a map lookup per frame.
        if (f.linkTypeCode() != lastLinkType) {
            flushLinkTypeRun();
            lastLinkType = f.linkTypeCode();
        }
        lastLinkTypeFrames++;
        if (p.isTcp()) {
            tcpSegments++;
        } else {
            int r = p.skipReason().ordinal();
            if (skipped[r]++ == 0) {
                firstSkippedFrame[r] = f.number();
                firstSkippedOffset[r] = f.fileOffset();
            }
        }
    }

    private void flushLinkTypeRun() {
        if (lastLinkTypeFrames > 0) framesByLinkType.merge(lastLinkType, lastLinkTypeFrames, Long::sum);
        lastLinkTypeFrames = 0;
    }

    void finish(CaptureFormat format, List<CaptureInterface> interfaces, long fileBytes,
                CaptureFormatException damage) {
        flushLinkTypeRun();
        this.format = format;
        this.interfaces = List.copyOf(interfaces);
        this.fileBytes = fileBytes;
        this.damage = damage;
    }

    public String file() { return file; }
    /** Size on disk (compressed size for a gzip file), or -1 when unknown. */
    public long fileBytes() { return fileBytes; }
    public CaptureFormat format() { return format; }
    public List<CaptureInterface> interfaces() { return interfaces; }
    public long frames() { return frames; }
    public long capturedBytes() { return capturedBytes; }
    public long wireBytes() { return wireBytes; }
    public boolean hasFrames() { return frames > 0; }
    public long firstNanos() { return firstNanos; }
    public long lastNanos() { return lastNanos; }
    public long durationNanos() { return frames > 0 ? lastNanos - firstNanos : 0; }
    /** Frames whose time is earlier than the frame before them. */
    public long outOfOrderFrames() { return outOfOrderFrames; }
    public long cutBySnaplen() { return cutBySnaplen; }
    public long tcpSegments() { return tcpSegments; }
    public long skipped(SkipReason r) { return skipped[r.ordinal()]; }
    /** The first frame skipped for this reason, or 0. */
    public long firstSkippedFrame(SkipReason r) { return firstSkippedFrame[r.ordinal()]; }
    /** Where that frame's record starts in the (decompressed) file. */
    public long firstSkippedOffset(SkipReason r) { return firstSkippedOffset[r.ordinal()]; }
    public long skippedTotal() {
        long n = 0;
        for (long s : skipped) n += s;
        return n;
    }
    /** Frame counts per LINKTYPE code, in code order. */
    public Map<Integer, Long> framesByLinkType() { return framesByLinkType; }
    /** Where the file stopped being readable, or null when it was read to its end. */
    public CaptureFormatException damage() { return damage; }
}
