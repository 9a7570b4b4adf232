package io.gatelens.ws;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gatelens.anomaly.Anomaly;
import io.gatelens.tcp.Direction;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Any bytes, cut into any chunks with gaps between some, as WebSocket frames either way: the
 * parser must never throw, must report anomalies as data, and must not allocate by the lengths
 * frames claim. Seeds in WebSocketFuzzTestInputs/ replay in every test run; JAZZER_FUZZ=1 fuzzes.
 */
class WebSocketFuzzTest {
    @FuzzTest(maxDuration = "10m")
    void anyBytesBothWays(FuzzedDataProvider data) {
        Direction dir = data.consumeBoolean() ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT;
        int rsv = data.consumeInt(0, 7);
        long[] frames = {0};
        long[] anomalies = {0};
        WebSocketFrameParser parser = new WebSocketFrameParser(1, dir, rsv, new WebSocketListener() {
            @Override
            public void frame(WebSocketFrame f) {
                frames[0]++;
            }

            @Override
            public void anomaly(Anomaly a) {
                anomalies[0]++;
                assertTrue(a.frame() >= 1, "anomalies name a frame");
            }
        });
        long offset = 0;
        long frame = 1;
        while (data.remainingBytes() > 0) {
            if (data.consumeInt(0, 15) == 0) {
                long gap = data.consumeLong(1, 1L << 40);
                parser.gap(offset, gap, frame, frame);
                offset += gap;
            } else {
                byte[] chunk = data.consumeBytes(data.consumeInt(1, 2048));
                parser.data(chunk, 0, chunk.length, offset, frame, frame);
                offset += chunk.length;
            }
            frame++;
        }
        parser.end(frame, frame);
        assertTrue(parser.frames() == frames[0], "every frame counted once");
        assertTrue(anomalies[0] <= WebSocketFrameParser.MAX_ANOMALIES + 2, "anomalies capped per direction");
    }
}
