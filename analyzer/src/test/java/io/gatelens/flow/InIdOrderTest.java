package io.gatelens.flow;

import io.gatelens.capture.Frame;
import io.gatelens.capture.decode.DecodedPacket;
import io.gatelens.capture.decode.PacketDecoder;
import io.gatelens.testing.TcpFrames;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class InIdOrderTest {
    private final List<Long> written = new ArrayList<>();

    private static List<Connection> connections(int n) {
        TcpFrames frames = new TcpFrames();
        PacketDecoder decoder = new PacketDecoder();
        DecodedPacket p = new DecodedPacket();
        List<Connection> out = new ArrayList<>();
        FlowTable table = new FlowTable(out::add);
        for (int i = 0; i < n; i++) {
            Frame f = frames.segment(i, "10.0.0.1", 40000 + i, "10.0.0.2", 80, TcpFrames.SYN, 1, 0, 0);
            decoder.decode(f, p);
            table.observe(f, p);
        }
        table.finish();
        return out;
    }

    @Test
    void rowsComeOutInIdOrderWhateverOrderConnectionsFinish() {
        List<Connection> c = connections(5);
        InIdOrder<Connection> order = InIdOrder.connections(x -> written.add(x.id()));
        for (int i : new int[] {2, 0, 4, 1, 3}) order.accept(c.get(i));
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), written);
        assertEquals(0, order.outOfOrder());
    }

    @Test
    void oneConnectionStillOpenHoldsAtMostMaxHeld() {
        List<Connection> c = connections(6);
        InIdOrder<Connection> order = new InIdOrder<>(2, Connection::id, x -> written.add(x.id()));
        order.accept(c.get(1));
        order.accept(c.get(2));
        assertEquals(List.of(), written, "two held: at the limit, nothing forced out");
        order.accept(c.get(3));
        assertEquals(List.of(1L, 2L, 3L), written, "a third forces the lowest out, and those after it follow");
        assertEquals(1, order.outOfOrder());
        order.accept(c.get(0));
        assertEquals(List.of(1L, 2L, 3L, 0L), written, "the late one is written as soon as it is done");
    }

}
