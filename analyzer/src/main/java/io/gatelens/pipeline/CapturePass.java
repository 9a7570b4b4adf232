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

import java.io.IOException;
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

    private final FlowTable flows;
    private final SegmentListener segments;

    public CapturePass(FlowTable flows) {
        this(flows, null);
    }

    public CapturePass(FlowTable flows, SegmentListener segments) {
        this.flows = flows;
        this.segments = segments;
    }

    /**
     * Reads {@code file} to its end or its damage. Throws only when nothing can be read at all
     * (no such file, not a capture): that is a {@link CaptureFormatException} or other
     * {@link IOException} for the caller to report.
     */
    public CaptureSummary run(Path file) throws IOException {
        CaptureSummary summary = new CaptureSummary(file.toString());
        long size = Files.size(file);
        try (PacketSource source = CaptureFiles.open(file)) {
            Frame frame = new Frame();
            DecodedPacket packet = new DecodedPacket();
            PacketDecoder decoder = new PacketDecoder();
            CaptureFormatException damage = null;
            try {
                while (source.next(frame)) {
                    decoder.decode(frame, packet);
                    summary.onFrame(frame, packet);
                    if (packet.isTcp()) {
                        Connection c = flows.observe(frame, packet);
                        if (segments != null) {
                            segments.segment(c, c.sentByClient(packet) ? Direction.CLIENT_TO_SERVER
                                    : Direction.SERVER_TO_CLIENT, frame, packet);
                        }
                    }
                }
            } catch (CaptureFormatException e) {
                damage = e;
            }
            flows.finish();
            summary.finish(source.format(), source.interfaces(), size, damage);
        }
        return summary;
    }

    public FlowTable flows() {
        return flows;
    }
}
