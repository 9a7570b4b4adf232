package io.gatelens.proxy;

import io.gatelens.flow.Endpoint;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who is proxy and who is upstream, decided per server endpoint from the capture itself, strongest
 * evidence first:
 * <ol>
 * <li><b>given</b>: {@code --proxy} / {@code --upstream} patterns win;</li>
 * <li><b>mirrored</b>: an exchange A on one endpoint, and while A waited, the same request line on
 *     another endpoint B, started after A's request and answered (or failed) before A's answer.
 *     That is a proxy forwarding A to B. Each A counts once, for its likeliest B (opened from A's
 *     server address, then the soonest after A). An endpoint is the proxy when it was the first leg
 *     of at least twice as many mirrors as it was the second, and of at least 1 in 20 of its
 *     exchanges: a proxy forwards most of what it gets, and one way, while two upstreams that
 *     serve the same URLs to busy clients overlap by chance now and then, both ways (seen on the
 *     benchmark capture: 5 chance mirrors in 25,000 exchanges). Any other endpoint with mirrors is
 *     an upstream (a proxy in a chain is both, and then counts as an upstream of the one in
 *     front). Mirrors whose second leg came from the first leg's server address are
 *     the only ones used when any exist: on loopback that is every one, across hosts it keeps two
 *     upstreams that happen to serve the same URL at once from looking like proxy and upstream;
 *     a proxy that connects out from another address than it listens on still gets the others;</li>
 * <li><b>marked</b>, for one-leg captures: requests carrying forwarding headers (X-Forwarded-For,
 *     X-Real-IP, Forwarded, Via, ...) or nginx's default HTTP/1.0 + Connection: close make the
 *     endpoint an upstream; 5xx responses that a proxy wrote itself (Server: nginx / envoy,
 *     Apache's "Proxy Error", HAProxy's error responses) make it a proxy. Upstream marks win:
 *     they say a proxy sent the request, which is what an upstream is;</li>
 * <li><b>assumed</b>: an upstream, the usual one-leg capture (tcpdump port 8080 on the proxy host).</li>
 * </ol>
 * Roles are looked up when a decision is needed, so evidence that comes later in the capture
 * counts for everything still in the correlation window.
 */
public final class Roles {
    private final List<EndpointPattern> proxies;
    private final List<EndpointPattern> upstreams;
    private final int maxEndpoints;
    private final Map<String, ServerEndpoint> endpoints = new LinkedHashMap<>();
    /** Where endpoints past the cap are counted together. */
    private ServerEndpoint overflow;
    private long overflowed;
    private boolean anySameAddressMirror;
    private boolean clientLegSeen;

    public Roles(List<EndpointPattern> proxies, List<EndpointPattern> upstreams, int maxEndpoints) {
        this.proxies = List.copyOf(proxies);
        this.upstreams = List.copyOf(upstreams);
        this.maxEndpoints = maxEndpoints;
        this.clientLegSeen = !proxies.isEmpty();
    }

    /**
     * Whether anything so far says the capture holds a proxy's client-facing leg: a --proxy
     * given, a server that is a proxy by the mirror rule, or an error page a proxy wrote itself.
     * Until then there is nothing to tie upstream exchanges to.
     */
    boolean clientLegSeen() {
        return clientLegSeen;
    }

    /** A proxy's own error page was seen (see {@link #clientLegSeen}). */
    void proxyMarked() {
        clientLegSeen = true;
    }

    /** The role of a server endpoint as the capture decided it so far (after a pass: its final one). */
    public Role roleOf(Endpoint e) {
        return role(of(e));
    }

    ServerEndpoint of(Endpoint e) {
        ServerEndpoint s = endpoints.get(e.toString());
        return s != null ? s : add(e.toString(), e.address(), e.port());
    }

    /** By "ip:port" text, as findings carry it. */
    ServerEndpoint of(String text) {
        ServerEndpoint s = endpoints.get(text);
        if (s != null) return s;
        int colon = text.lastIndexOf(':');
        String address = colon < 0 ? text : text.substring(0, colon);
        if (address.startsWith("[") && address.endsWith("]")) address = address.substring(1, address.length() - 1);
        int port;
        try {
            port = colon < 0 ? 0 : Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = 0;
        }
        return add(text, address, port);
    }

    private ServerEndpoint add(String text, String address, int port) {
        if (endpoints.size() >= maxEndpoints) {
            overflowed++;
            if (overflow == null) overflow = new ServerEndpoint("(other endpoints)", "", 0);
            return overflow;
        }
        ServerEndpoint s = new ServerEndpoint(text, address, port);
        for (EndpointPattern p : proxies) {
            if (p.matches(address, port)) {
                s.given = Role.PROXY;
                s.givenAs = "--proxy " + p;
            }
        }
        for (EndpointPattern p : upstreams) {
            if (s.given == null && p.matches(address, port)) {
                s.given = Role.UPSTREAM;
                s.givenAs = "--upstream " + p;
            }
        }
        endpoints.put(text, s);
        return s;
    }

    /** A mirrored request: {@code front} forwarded it to {@code back}. */
    void mirror(ServerEndpoint front, ServerEndpoint back, boolean sameAddress) {
        if (sameAddress) {
            anySameAddressMirror = true;
            front.frontSame++;
            back.backSame++;
        } else {
            front.frontOther++;
            back.backOther++;
        }
        // Identical requests to two upstreams happen by chance: only a proxy by the mirror rule counts.
        if (mirroredProxy(front, front(front), back(front))) clientLegSeen = true;
    }

    /** Called for every exchange judged: the evidence as it stands, without building a reason. */
    Role role(ServerEndpoint s) {
        if (s.given != null) return s.given;
        long front = front(s);
        long back = back(s);
        if (mirroredProxy(s, front, back)) return Role.PROXY;
        if (back > 0) return Role.UPSTREAM;
        if (s.upstreamMarks > 0) return Role.UPSTREAM;
        if (s.proxyMarks > 0) return Role.PROXY;
        return Role.UPSTREAM;
    }

    private long front(ServerEndpoint s) {
        return anySameAddressMirror ? s.frontSame : s.frontOther;
    }

    private long back(ServerEndpoint s) {
        return anySameAddressMirror ? s.backSame : s.backOther;
    }

    /**
     * The mirror rule: mostly the first leg, and of a fair share of what it served (see above).
     * Being the first leg of only a few is chance, and counts for nothing.
     */
    private static boolean mirroredProxy(ServerEndpoint s, long front, long back) {
        return front > 0 && front >= 2 * back && front * 20 >= s.exchanges;
    }

    RoleDecision decide(ServerEndpoint s) {
        Role role = role(s);
        if (s == overflow) {
            return new RoleDecision(s.text, role, RoleDecision.How.ASSUMED,
                    "more than " + maxEndpoints + " server endpoints: " + overflowed + " counted together");
        }
        if (s.given != null) return new RoleDecision(s.text, role, RoleDecision.How.GIVEN, "given with " + s.givenAs);
        long front = front(s);
        long back = back(s);
        if (mirroredProxy(s, front, back)) {
            return new RoleDecision(s.text, role, RoleDecision.How.MIRRORED, "guessed from " + plural(front, "mirrored request"));
        }
        if (back > 0) {
            String reason = "guessed from " + plural(back, "mirrored request");
            if (front > 0) reason += " (also first leg of " + front + ": a proxy in a chain, or chance)";
            return new RoleDecision(s.text, role, RoleDecision.How.MIRRORED, reason);
        }
        if (s.upstreamMarks > 0) {
            return new RoleDecision(s.text, role, RoleDecision.How.MARKED, "guessed from "
                    + plural(s.upstreamMarks, "request") + " a proxy sent (" + s.upstreamMark + ")");
        }
        if (s.proxyMarks > 0) {
            return new RoleDecision(s.text, role, RoleDecision.How.MARKED, "guessed from "
                    + plural(s.proxyMarks, "error response") + " the proxy wrote itself (" + s.proxyMark + ")");
        }
        return new RoleDecision(s.text, role, RoleDecision.How.ASSUMED,
                "assumed: no mirrored request, forwarding header or proxy error response seen");
    }

    private static String plural(long n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }

    /** Every server endpoint seen, in order of first sight, with its role as decided now. */
    public List<RoleDecision> decisions() {
        List<RoleDecision> out = new ArrayList<>();
        for (ServerEndpoint s : endpoints.values()) out.add(decide(s));
        if (overflow != null) out.add(decide(overflow));
        return out;
    }

    /** --proxy / --upstream patterns that matched no endpoint in the capture (a typo, or the wrong file). */
    public List<String> unmatchedGiven() {
        List<String> out = new ArrayList<>();
        for (EndpointPattern p : proxies) if (!matchedAny(p)) out.add("--proxy " + p);
        for (EndpointPattern p : upstreams) if (!matchedAny(p)) out.add("--upstream " + p);
        return out;
    }

    private boolean matchedAny(EndpointPattern p) {
        for (ServerEndpoint s : endpoints.values()) if (p.matches(s.address, s.port)) return true;
        return false;
    }

    /** Whether anything was given at all. */
    public boolean anyGiven() {
        return !proxies.isEmpty() || !upstreams.isEmpty();
    }

    Iterable<ServerEndpoint> endpoints() {
        List<ServerEndpoint> all = new ArrayList<>(endpoints.values());
        if (overflow != null) all.add(overflow);
        return all;
    }

    long overflowed() { return overflowed; }
}
