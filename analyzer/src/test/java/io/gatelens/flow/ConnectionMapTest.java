package io.gatelens.flow;

import io.gatelens.capture.Frame;
import io.gatelens.capture.decode.DecodedPacket;
import io.gatelens.capture.decode.PacketDecoder;
import io.gatelens.testing.TcpFrames;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** The open-addressing table against a HashMap, through growth and removals mid-run. */
class ConnectionMapTest {
    private final TcpFrames frames = new TcpFrames();
    private final PacketDecoder decoder = new PacketDecoder();
    private final DecodedPacket packet = new DecodedPacket();

    private ConnectionKey key(int i) {
        Frame f = frames.segment(0, "10.0." + (i >> 8 & 0xff) + "." + (i & 0xff), 1024 + (i % 50_000),
                "10.9.0.1", 8080, TcpFrames.ACK, 1, 1, 0);
        assertTrue(decoder.decode(f, packet));
        ConnectionKey k = new ConnectionKey();
        k.set(packet);
        return k.copy();
    }

    @Test
    void agreesWithAHashMapThroughRandomInsertsAndRemovals() {
        ConnectionMap map = new ConnectionMap();
        Map<ConnectionKey, Connection> reference = new HashMap<>();
        List<Connection> live = new ArrayList<>();
        Random r = new Random(5);
        Endpoint a = new Endpoint(new byte[] {10, 0, 0, 1}, 4, 1);
        int next = 0;
        for (int step = 0; step < 60_000; step++) {
            // Grow to about 3,000 live, then churn: removals shift probe runs back.
            if (live.isEmpty() || (live.size() < 3_000 ? r.nextInt(4) != 0 : r.nextBoolean())) {
                Connection c = new Connection(next, a, a, true);
                c.key = key(next++);
                map.put(c);
                reference.put(c.key, c);
                live.add(c);
            } else {
                Connection c = live.remove(r.nextInt(live.size()));
                map.remove(c);
                reference.remove(c.key);
            }
            if (step % 5_000 == 0 || step == 59_999) {
                assertEquals(reference.size(), map.size());
                for (Map.Entry<ConnectionKey, Connection> e : reference.entrySet()) {
                    assertSame(e.getValue(), map.get(e.getKey()), "step " + step);
                }
                // Keys removed earlier are gone.
                for (int i = Math.max(0, next - 4_000); i < next; i++) {
                    ConnectionKey k = key(i);
                    assertSame(reference.get(k), map.get(k), "key " + i + " at step " + step);
                }
                assertEquals(reference.size(), map.values().size());
            }
        }
    }
}
