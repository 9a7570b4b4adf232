package io.gatelens.testing;

import io.gatelens.capture.LinkType;
import io.gatelens.capture.file.PcapWriter;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import static io.gatelens.testing.TcpFrames.*;

/** A capture long enough to cross the progress interval: one connection, a handshake, then data. */
public final class ManyFrames {
    private ManyFrames() {}

    /** Writes {@code frames} frames (at least 3) as pcap, gzip-compressed when {@code gzip}. */
    public static Path write(Path file, int frames, boolean gzip) throws IOException {
        TcpFrames f = new TcpFrames();
        try (OutputStream raw = Files.newOutputStream(file);
             OutputStream os = gzip ? new GZIPOutputStream(raw) : raw;
             PcapWriter w = new PcapWriter(os, LinkType.ETHERNET.code(), 262144, true)) {
            long t = 1_700_000_000_000_000_000L;
            w.write(f.segment(t, "10.0.0.1", 40000, "10.0.0.2", 80, SYN, 100, 0, 0));
            w.write(f.segment(t + 1000, "10.0.0.2", 80, "10.0.0.1", 40000, SYN | ACK, 900, 101, 0));
            w.write(f.segment(t + 2000, "10.0.0.1", 40000, "10.0.0.2", 80, ACK, 101, 901, 0));
            long seq = 101;
            for (int i = 3; i < frames; i++) {
                w.write(f.segment(t + 1000L * i, "10.0.0.1", 40000, "10.0.0.2", 80, PSH | ACK, seq, 901, 100));
                seq += 100;
            }
        }
        return file;
    }
}
