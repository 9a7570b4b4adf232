package io.gatelens.cli;

import io.gatelens.capture.LinkType;
import io.gatelens.capture.file.PcapWriter;
import io.gatelens.testing.TcpFrames;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.gatelens.testing.TcpFrames.*;

/**
 * A capture made to attack the HTML report: a client asks a proxy for a target carrying a script,
 * with headers carrying markup and credentials; the proxy forwards it, the upstream resets, the
 * proxy answers 502 with a reason phrase carrying a script and a Set-Cookie. Every payload, if
 * it ran, would change the page's title.
 */
final class HostileCapture {
    static final String TARGET = "/x<script>document.title='pwned1'</script>";
    static final String HOST = "<svg/onload=document.title='pwned2'>";
    static final String NOTE = "\"><img src=x onerror=\"document.title='pwned3'\">";
    static final String REASON = "<script>document.title='pwned4'</script>";
    static final String COOKIE = "session=SECRET-COOKIE-123";
    static final String AUTHORIZATION = "Bearer SECRET-TOKEN-456";
    static final String SET_COOKIE = "sid=SECRET-SETCOOKIE-789";

    private static final long T0 = 1_700_000_000_000_000_000L;
    private final TcpFrames frames = new TcpFrames();
    private PcapWriter w;

    private HostileCapture() {}

    static Path write(Path file) throws IOException {
        HostileCapture c = new HostileCapture();
        try (OutputStream os = Files.newOutputStream(file);
             PcapWriter w = new PcapWriter(os, LinkType.ETHERNET.code(), 262144, true)) {
            c.w = w;
            c.conversation();
        }
        return file;
    }

    /**
     * Not hostile, only long: one keep-alive connection to nginx with {@code healthy} GETs
     * answered 200, then one answered 502 by nginx itself.
     */
    static Path keepAlive(Path file, int healthy) throws IOException {
        HostileCapture c = new HostileCapture();
        try (OutputStream os = Files.newOutputStream(file);
             PcapWriter w = new PcapWriter(os, LinkType.ETHERNET.code(), 262144, true)) {
            c.w = w;
            Conn conn = c.new Conn(0, "10.0.0.1", 40000, "10.0.0.2", 80);
            double t = 1;
            for (int i = 0; i <= healthy; i++) {
                conn.send(t, true, "GET /item/" + i + " HTTP/1.1\r\nHost: shop\r\n\r\n");
                String body = i < healthy ? "ok" : "bad gateway";
                conn.send(t + 0.5, false, "HTTP/1.1 " + (i < healthy ? "200 OK" : "502 Bad Gateway\r\nServer: nginx")
                        + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
                t += 1;
            }
            conn.seg(t, true, FIN | ACK, new byte[0]);
            conn.seg(t + 0.1, false, FIN | ACK, new byte[0]);
            conn.seg(t + 0.2, true, ACK, new byte[0]);
        }
        return file;
    }

    private final class Conn {
        final String client, server;
        final int cport, sport;
        long cseq = 1000, sseq = 5000;

        Conn(double ms, String client, int cport, String server, int sport) throws IOException {
            this.client = client;
            this.cport = cport;
            this.server = server;
            this.sport = sport;
            seg(ms, true, SYN, new byte[0]);
            seg(ms + 0.01, false, SYN | ACK, new byte[0]);
            seg(ms + 0.02, true, ACK, new byte[0]);
        }

        void seg(double ms, boolean fromClient, int flags, byte[] payload) throws IOException {
            long nanos = T0 + Math.round(ms * 1e6);
            if (fromClient) {
                w.write(frames.segment(nanos, client, cport, server, sport, flags, cseq, (flags & SYN) != 0 && (flags & ACK) == 0 ? 0 : sseq, 65535, payload));
                cseq += payload.length + ((flags & (SYN | FIN)) != 0 ? 1 : 0);
            } else {
                w.write(frames.segment(nanos, server, sport, client, cport, flags, sseq, cseq, 65535, payload));
                sseq += payload.length + ((flags & (SYN | FIN)) != 0 ? 1 : 0);
            }
        }

        void send(double ms, boolean fromClient, String text) throws IOException {
            seg(ms, fromClient, PSH | ACK, text.getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    private void conversation() throws IOException {
        Conn client = new Conn(0, "10.0.0.1", 40000, "10.0.0.2", 80);
        client.send(1, true, "GET " + TARGET + " HTTP/1.1\r\nHost: " + HOST + "\r\nX-Note: " + NOTE + "\r\nCookie: " + COOKIE
                + "\r\nAuthorization: " + AUTHORIZATION + "\r\n\r\n");
        Conn upstream = new Conn(1.2, "10.0.0.2", 50000, "10.0.0.3", 8080);
        upstream.send(1.5, true, "GET " + TARGET + " HTTP/1.0\r\nHost: backend\r\nX-Forwarded-For: 10.0.0.1\r\nX-Note: "
                + NOTE + "\r\nCookie: " + COOKIE + "\r\nConnection: close\r\n\r\n");
        upstream.seg(2.5, false, RST | ACK, new byte[0]);
        String body = "bad gateway";
        client.send(3, false, "HTTP/1.1 502 " + REASON + "\r\nServer: nginx\r\nContent-Length: " + body.length()
                + "\r\nSet-Cookie: " + SET_COOKIE + "\r\nConnection: close\r\n\r\n" + body);
        client.seg(3.1, false, FIN | ACK, new byte[0]);
        client.seg(3.2, true, FIN | ACK, new byte[0]);
        client.seg(3.3, false, ACK, new byte[0]);
    }
}
