package io.gatelens.report;

import io.gatelens.anomaly.Severity;
import io.gatelens.detect.Cause;
import io.gatelens.finding.ClientResponse;
import io.gatelens.finding.Evidence;
import io.gatelens.finding.Finding;
import io.gatelens.flow.Endpoint;
import io.gatelens.proxy.AnalysisSummary;
import io.gatelens.proxy.Role;
import io.gatelens.proxy.RoleDecision;
import io.gatelens.tcp.Direction;
import io.gatelens.timeline.EventKind;
import io.gatelens.timeline.Lane;
import io.gatelens.timeline.Timeline;
import io.gatelens.timeline.TimelineEvent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.gatelens.tcp.Direction.CLIENT_TO_SERVER;
import static io.gatelens.tcp.Direction.SERVER_TO_CLIENT;

/**
 * A timeline as the builder makes one for nginx's 502 after an upstream reset that came 30 s after
 * the request, with a hostile request target: what the renderer is tested on until (and beside)
 * timelines built from captures.
 */
final class HandBuilt {
    static final long T0 = 1_700_000_000_000_000_000L;
    static final String HOSTILE = "/api/<script>document.title='pwned'</script>?\"><img src=x onerror=alert(1)>";

    private HandBuilt() {}

    static long ms(double ms) {
        return T0 + Math.round(ms * 1e6);
    }

    static Endpoint ep(int a, int b, int c, int d, int port) {
        return new Endpoint(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d}, 4, port);
    }

    static TimelineEvent ev(long conn, long frame, double ms, Direction dir, EventKind kind, String text) {
        return new TimelineEvent(conn, frame, frame, ms(ms), dir, kind, text);
    }

    static Finding reset() {
        return new Finding(Cause.RESET_BEFORE_RESPONSE, Severity.ERROR,
                "The upstream reset the connection <b>after</b> the request & before any response.",
                "Look at the upstream's logs at that time.", "GET " + HOSTILE, "10.0.0.3:8080", 1,
                List.of(new Evidence(8, ms(0.5), "request sent"), new Evidence(11, ms(30_200), "upstream RST")),
                ms(30_200), new ClientResponse(502, 0, 12, ms(30_201)));
    }

    static Timeline timeline() {
        List<TimelineEvent> client = List.of(
                ev(0, 1, 0, CLIENT_TO_SERVER, EventKind.SYN, ""),
                ev(0, 2, 0.02, SERVER_TO_CLIENT, EventKind.SYN_ACK, ""),
                ev(0, 4, 0.1, CLIENT_TO_SERVER, EventKind.REQUEST, "GET " + HOSTILE + " HTTP/1.1"),
                ev(0, 12, 30_201, SERVER_TO_CLIENT, EventKind.RESPONSE, "HTTP/1.1 502 Bad Gateway"),
                ev(0, 13, 30_201.1, SERVER_TO_CLIENT, EventKind.RESPONSE_BODY, "157 bytes in 1 segment"),
                ev(0, 14, 30_202, CLIENT_TO_SERVER, EventKind.FIN, ""));
        List<TimelineEvent> upstream = List.of(
                ev(1, 5, 0.3, CLIENT_TO_SERVER, EventKind.SYN, ""),
                ev(1, 6, 0.32, SERVER_TO_CLIENT, EventKind.SYN_ACK, ""),
                ev(1, 8, 0.5, CLIENT_TO_SERVER, EventKind.REQUEST, "GET " + HOSTILE + " HTTP/1.0"),
                ev(1, 9, 0.6, SERVER_TO_CLIENT, EventKind.OTHER, "ACK"),
                ev(1, 10, 20_000, CLIENT_TO_SERVER, EventKind.SILENCE, "no frame for 20.0 s"),
                ev(1, 11, 30_200, SERVER_TO_CLIENT, EventKind.RST, ""));
        return new Timeline(List.of(
                new Lane(0, ep(10, 0, 0, 1, 40000), ep(10, 0, 0, 2, 80), Role.PROXY, client, 0),
                new Lane(1, ep(10, 0, 0, 2, 50000), ep(10, 0, 0, 3, 8080), Role.UPSTREAM, upstream, 0)),
                List.of(new Timeline.Numbered(1, reset())), null);
    }

    /** The summary analyze would give for the capture the timeline comes from. */
    static AnalysisSummary summary() {
        TreeMap<Integer, Long> fivexx = new TreeMap<>(Map.of(502, 1L));
        Map<Cause, Long> causes = new LinkedHashMap<>();
        causes.put(Cause.RESET_BEFORE_RESPONSE, 1L);
        return new AnalysisSummary(2, 1, 1, fivexx, 1, causes, 1, 0, 0, 0, 0,
                List.of(new RoleDecision("10.0.0.2:80", Role.PROXY, RoleDecision.How.MIRRORED, "guessed from 1 mirrored request"),
                        new RoleDecision("10.0.0.3:8080", Role.UPSTREAM, RoleDecision.How.MIRRORED, "guessed from 1 mirrored request")),
                List.of(), List.of(new AnalysisSummary.Upstream("10.0.0.3:8080", 1, 0, 1, 0, 1, 0, 0, -1, -1, -1,
                        AnalysisSummary.Timeouts.NONE)),
                new AnalysisSummary.Window(120_000_000_000L, 5000, 1000, 10000, 2, 0, 0, 0));
    }

    /** A whole page around {@link #timeline()}. */
    static String page() {
        HtmlReport r = new HtmlReport(false, 10);
        r.finding(reset());
        List<Timeline> tls = new ArrayList<>(List.of(timeline()));
        return r.render(new HtmlReport.Page("hand-built.pcap", summary(), tls, 50, List.of()));
    }
}
