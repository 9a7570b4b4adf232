package io.gatelens.http;

import io.gatelens.anomaly.Anomaly;
import io.gatelens.capture.Frame;
import io.gatelens.capture.PacketSource;
import io.gatelens.capture.decode.DecodedPacket;
import io.gatelens.capture.decode.PacketDecoder;
import io.gatelens.capture.file.CaptureFiles;
import io.gatelens.flow.Connection;
import io.gatelens.flow.FlowTable;
import io.gatelens.tcp.Direction;
import io.gatelens.tcp.TcpStats;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test-only stand-in for the TCP reassembler: feeds each connection's payload in capture order
 * per direction, skipping bytes already fed. Good enough for loopback captures, which lose
 * nothing; it does not reorder.
 */
final class CaptureFeeder {
    final List<Transaction> transactions = new ArrayList<>();
    final List<Anomaly> stray = new ArrayList<>();
    final Map<Connection, Feed> feeds = new LinkedHashMap<>();

    static final class Feed {
        final HttpConnection http;
        final long[] base = {-1, -1};
        final long[] fed = new long[2];
        final boolean[] fin = new boolean[2];
        boolean reset;

        Feed(HttpConnection http) {
            this.http = http;
        }
    }

    static CaptureFeeder run(Path file) throws IOException {
        CaptureFeeder f = new CaptureFeeder();
        FlowTable flows = new FlowTable(c -> { });
        try (PacketSource source = CaptureFiles.open(file)) {
            Frame frame = new Frame();
            DecodedPacket p = new DecodedPacket();
            PacketDecoder decoder = new PacketDecoder();
            while (source.next(frame)) {
                decoder.decode(frame, p);
                if (!p.isTcp()) continue;
                Connection c = flows.observe(frame, p);
                f.segment(c, c.sentByClient(p) ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT, frame, p);
            }
        }
        flows.finish();
        for (Feed feed : f.feeds.values()) feed.http.closed(new TcpStats());
        return f;
    }

    private void segment(Connection c, Direction dir, Frame frame, DecodedPacket p) {
        Feed feed = feeds.computeIfAbsent(c, k -> new Feed(new HttpConnection(k.id(), transactions::add, stray::add,
                HttpLimits.DEFAULT, UpgradeHandlerFactory.NONE)));
        int d = dir.ordinal();
        if (feed.reset) return;
        if (feed.base[d] < 0) feed.base[d] = p.syn() ? p.seq() + 1 : p.seq();
        long offset = (p.seq() - feed.base[d]) & 0xffffffffL;
        int len = p.payloadLength();
        int skip = 0;
        if (offset < feed.fed[d]) skip = (int) Math.min(len, feed.fed[d] - offset);
        if (len > skip && !feed.fin[d]) {
            if (offset + skip > feed.fed[d]) {
                feed.http.gap(dir, feed.fed[d], offset + skip - feed.fed[d], frame.number(), frame.epochNanos());
            }
            feed.http.data(dir, p.payloadBuffer(), p.payloadOffset() + skip, len - skip, offset + skip,
                    frame.number(), frame.epochNanos());
            feed.fed[d] = offset + len;
        }
        if (p.fin() && !feed.fin[d]) {
            feed.fin[d] = true;
            feed.http.fin(dir, frame.number(), frame.epochNanos());
        }
        if (p.rst()) {
            feed.reset = true;
            feed.http.reset(dir, feed.fin[d], frame.number(), frame.epochNanos());
        }
    }

    /** Transactions on connections to {@code serverPort}, in connection then index order. */
    List<Transaction> toPort(int serverPort) {
        List<Transaction> out = new ArrayList<>();
        for (Map.Entry<Connection, Feed> e : feeds.entrySet()) {
            if (e.getKey().server().port() != serverPort) continue;
            for (Transaction t : transactions) {
                if (t.connection() == e.getKey().id()) out.add(t);
            }
        }
        return out;
    }
}
