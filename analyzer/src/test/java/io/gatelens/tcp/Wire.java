package io.gatelens.tcp;

import io.gatelens.capture.Frame;
import io.gatelens.capture.LinkType;
import io.gatelens.capture.decode.DecodedPacket;
import io.gatelens.capture.decode.PacketDecoder;
import io.gatelens.flow.Connection;
import io.gatelens.flow.FlowTable;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Puts hand-made Ethernet/IPv4/TCP segments with chosen bytes through the real decoder, flow
 * table and reassembler, so a test states exactly what was on the wire.
 */
final class Wire {
    static final int FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10;
    static final byte[] NONE = new byte[0];

    final TcpReassembler reassembler;
    final FlowTable flows;
    final Map<Long, Recorder> recorders = new HashMap<>();
    private final PacketDecoder decoder = new PacketDecoder();
    private final DecodedPacket packet = new DecodedPacket();
    private final Frame frame = new Frame();
    private long number;
    long nanos = 1_700_000_000_000_000_000L;
    int clientPort = 40000;
    /** Sees every frame before it is decoded, e.g. to write it to a capture file. */
    Consumer<Frame> tap = f -> { };
    /** Bytes the snaplen cuts off the end of the next frame only. */
    int cutNext;

    Wire() {
        this(TcpLimits.DEFAULT);
    }

    Wire(TcpLimits limits) {
        reassembler = new TcpReassembler(limits, c -> recorders.computeIfAbsent(c.id(), id -> new Recorder()));
        flows = new FlowTable(reassembler::connectionDone);
    }

    /** The frame number the next {@code send} gets. */
    long nextFrame() {
        return number + 1;
    }

    long client(int flags, long seq, long ack, byte[] data) {
        return send(true, flags, seq, ack, 65535, data, 0, data.length);
    }

    long server(int flags, long seq, long ack, byte[] data) {
        return send(false, flags, seq, ack, 65535, data, 0, data.length);
    }

    /** One segment one millisecond after the previous; returns its frame number. */
    long send(boolean fromClient, int flags, long seq, long ack, int window, byte[] data, int off, int len) {
        nanos += 1_000_000;
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + 20 + len);
        b.put(new byte[12]).putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (40 + len)).putInt(0)
                .put((byte) 64).put((byte) 6).putShort((short) 0);
        byte[] c = {10, 0, 0, 1};
        byte[] s = {10, 0, 0, 2};
        b.put(fromClient ? c : s).put(fromClient ? s : c);
        b.putShort((short) (fromClient ? clientPort : 80)).putShort((short) (fromClient ? 80 : clientPort))
                .putInt((int) seq).putInt((int) ack).put((byte) 0x50).put((byte) flags).putShort((short) window).putInt(0);
        b.put(data, off, len);
        byte[] bytes = b.array();
        frame.set(++number, nanos, 0, LinkType.ETHERNET.code(), bytes, 0, bytes.length - cutNext, bytes.length, 0);
        cutNext = 0;
        tap.accept(frame);
        assertTrue(decoder.decode(frame, packet), "test frame must decode");
        Connection conn = flows.observe(frame, packet);
        reassembler.segment(conn, conn.sentByClient(packet) ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT,
                frame, packet);
        return number;
    }

    /** End of capture: every connection is done. */
    void finish() {
        flows.finish();
    }

    Recorder only() {
        assertTrue(recorders.size() == 1, "expected one connection, got " + recorders.size());
        return recorders.values().iterator().next();
    }
}
