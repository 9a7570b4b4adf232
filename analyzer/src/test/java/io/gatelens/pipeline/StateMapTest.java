package io.gatelens.pipeline;

import io.gatelens.flow.Connection;
import io.gatelens.tcp.TcpLimits;
import io.gatelens.tcp.TcpReassembler;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** The reassembly thread's id table against a HashMap, through growth and removals mid-run. */
class StateMapTest {
    @Test
    void agreesWithAHashMapThroughRandomInsertsAndRemovals() {
        TcpReassembler r = new TcpReassembler(TcpLimits.DEFAULT, c -> null);
        Connection any = oneConnection();
        StateMap map = new StateMap();
        Map<Long, TcpReassembler.State> reference = new HashMap<>();
        List<Long> live = new ArrayList<>();
        Random random = new Random(11);
        long next = 0;
        for (int step = 0; step < 60_000; step++) {
            // Ids as the flow table gives them, consecutive; some connections live long, most not.
            if (live.isEmpty() || (live.size() < 3_000 ? random.nextInt(4) != 0 : random.nextBoolean())) {
                long id = next++;
                TcpReassembler.State s = r.newState(any);
                map.put(id, s);
                reference.put(id, s);
                live.add(id);
            } else {
                long id = live.remove(random.nextInt(live.size()));
                assertSame(reference.remove(id), map.remove(id), "step " + step);
            }
            if (step % 5_000 == 0 || step == 59_999) {
                assertEquals(reference.size(), map.size());
                for (Map.Entry<Long, TcpReassembler.State> e : reference.entrySet()) {
                    assertSame(e.getValue(), map.get(e.getKey()), "step " + step);
                }
                for (long id = Math.max(0, next - 4_000); id < next; id++) {
                    if (!reference.containsKey(id)) assertNull(map.get(id), "removed id " + id);
                }
            }
        }
        assertNull(map.remove(next + 7), "an id never added");
    }

    /** Any connection: the table keys states by the id it is given, not by their connection. */
    private static Connection oneConnection() {
        io.gatelens.capture.Frame f = new io.gatelens.testing.TcpFrames().segment(0, "10.0.0.1", 40000, "10.0.0.2", 80,
                io.gatelens.testing.TcpFrames.SYN, 1, 0, 0);
        io.gatelens.capture.decode.DecodedPacket p = new io.gatelens.capture.decode.DecodedPacket();
        assertTrue(new io.gatelens.capture.decode.PacketDecoder().decode(f, p));
        return new io.gatelens.flow.FlowTable(c -> { }).observe(f, p);
    }
}
