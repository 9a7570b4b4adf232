package io.gatelens.capture.file;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gatelens.capture.CaptureFormatException;
import io.gatelens.capture.Frame;
import io.gatelens.capture.PacketSource;
import io.gatelens.capture.decode.DecodedPacket;
import io.gatelens.capture.decode.PacketDecoder;

import java.io.ByteArrayInputStream;
import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Any bytes, as a capture file: the readers and the decoder may reject them with a
 * CaptureFormatException but never throw anything else, loop, or allocate by what a header claims.
 * The seeds (CaptureFileFuzzTestInputs/) replay in every test run; {@code JAZZER_FUZZ=1} fuzzes.
 */
class CaptureFileFuzzTest {
    @FuzzTest(maxDuration = "10m")
    void readsAnyBytes(byte[] input) throws IOException {
        Frame frame = new Frame();
        DecodedPacket packet = new DecodedPacket();
        PacketDecoder decoder = new PacketDecoder();
        long previous = 0;
        try (PacketSource source = CaptureFiles.open(new ByteArrayInputStream(input), "fuzz")) {
            while (source.next(frame)) {
                assertTrue(frame.capturedLength() >= 0 && frame.capturedLength() <= input.length,
                        "a frame cannot hold more bytes than the file");
                // Strictly increasing; pcapng blocks Wireshark numbers but gatelens skips leave holes.
                assertTrue(frame.number() > previous, "frames are numbered in order");
                previous = frame.number();
                decoder.decode(frame, packet);
            }
        } catch (CaptureFormatException expected) {
            // Rejecting bad bytes with a clear message is the right answer.
        }
    }
}
