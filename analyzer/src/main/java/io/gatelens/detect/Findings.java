package io.gatelens.detect;

import io.gatelens.anomaly.Severity;
import io.gatelens.finding.Evidence;
import io.gatelens.finding.Finding;
import io.gatelens.finding.FindingSink;
import io.gatelens.http.RequestHead;

import java.util.List;

/**
 * Where detectors put their conclusions about one connection. It completes each finding with the
 * connection, the upstream and the cause's standing texts ({@link CauseText}), and remembers
 * whether the exchange being judged already has its cause.
 */
public final class Findings {
    private final ConnectionFacts facts;
    private final Diagnosis diagnosis;
    private final FindingSink sink;
    private boolean claimed;

    Findings(ConnectionFacts facts, Diagnosis diagnosis) {
        this.facts = facts;
        this.diagnosis = diagnosis;
        this.sink = diagnosis.sink()::finding;
    }

    public DetectOptions options() {
        return diagnosis.options();
    }

    /** Time of the latest frame read. */
    long clock() {
        return diagnosis.clock();
    }

    Upstreams upstreams() {
        return diagnosis.upstreams();
    }

    void beginExchange() {
        claimed = false;
    }

    /** A failure cause was already found for the exchange being judged. */
    public boolean claimed() {
        return claimed;
    }

    /**
     * Reports {@code cause} at its own severity. {@code specific} says what this connection
     * showed (times, sizes, frames); the cause's standing text on what the proxies answer and log
     * is appended. {@code hintDetail}, when not null, is added to the cause's hint.
     */
    public void add(Cause cause, String request, String specific, String hintDetail, long nanos, List<Evidence> evidence) {
        add(cause, cause.severity(), request, specific, hintDetail, nanos, evidence);
    }

    public void add(Cause cause, Severity severity, String request, String specific, String hintDetail, long nanos,
                    List<Evidence> evidence) {
        if (cause.failure() && severity == Severity.ERROR) claimed = true;
        facts.emitted |= 1L << cause.ordinal();
        String hint = hintDetail == null ? CauseText.hint(cause) : hintDetail + " " + CauseText.hint(cause);
        sink.finding(new Finding(cause, severity, specific + " " + CauseText.proxies(cause), hint, request,
                facts.upstream, facts.connection.id(), evidence, nanos, null));
    }

    /** "METHOD target", or null when the request was not seen. */
    public static String requestLine(RequestHead r) {
        return r == null ? null : r.method() + " " + r.target();
    }
}
