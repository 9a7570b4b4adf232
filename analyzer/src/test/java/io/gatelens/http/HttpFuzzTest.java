package io.gatelens.http;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gatelens.tcp.Direction;
import io.gatelens.tcp.TcpStats;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Any bytes either way on a connection, in any chunks, with gaps, FINs and resets between them:
 * the HTTP layer must never throw, must hand on every exchange once, and must keep what it holds
 * within its limits. Seeds in HttpFuzzTestInputs/ replay in every test run; JAZZER_FUZZ=1 fuzzes.
 */
class HttpFuzzTest {
    private static final HttpLimits SMALL = new HttpLimits(2048, 32, 512);

    @FuzzTest(maxDuration = "10m")
    void anyConversation(FuzzedDataProvider data) {
        List<Transaction> out = new ArrayList<>();
        HttpConnection http = new HttpConnection(7, out::add, a -> assertTrue(a.connection() == 7), SMALL, null);
        long[] offset = new long[2];
        long frame = 1;
        boolean[] ended = new boolean[2];
        while (data.remainingBytes() > 0) {
            Direction dir = data.consumeBoolean() ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT;
            int d = dir.ordinal();
            int what = data.consumeInt(0, 31);
            if (ended[d]) continue;
            if (what == 0) {
                long gap = data.consumeLong(1, 1L << 32);
                http.gap(dir, offset[d], gap, frame, frame);
                offset[d] += gap;
            } else if (what == 1) {
                http.fin(dir, frame, frame);
                ended[d] = true;
            } else if (what == 2) {
                http.reset(dir, false, frame, frame);
                ended[0] = ended[1] = true;
            } else {
                byte[] chunk = data.consumeBytes(data.consumeInt(1, 4096));
                http.data(dir, chunk, 0, chunk.length, offset[d], frame, frame);
                offset[d] += chunk.length;
            }
            frame++;
        }
        http.closed(new TcpStats(7));
        for (int i = 0; i < out.size(); i++) {
            Transaction t = out.get(i);
            assertTrue(t.connection() == 7);
            assertTrue(t.request() == null || t.request().headers().size() <= SMALL.maxHeaderCount(),
                    "no more fields kept than the limit");
        }
    }
}
