package io.gatelens.finding;

import io.gatelens.anomaly.Severity;
import io.gatelens.detect.Cause;

import java.util.List;

/**
 * What a detector concluded about one upstream exchange (or connection), with the frames that
 * prove it. Findings are data: reports render them, nothing else judges them again.
 *
 * @param cause       the registry entry; its id is part of the JSON format
 * @param severity    usually the cause's, lowered when the client did not suffer (a retried race)
 * @param explanation what the upstream did and what the proxy then does, in plain words
 * @param hint        what to change
 * @param request     request line as "METHOD target", or null when no request was seen
 * @param upstream    the upstream endpoint as "ip:port"
 * @param connection  the upstream-leg connection id (Wireshark's tcp.stream)
 * @param evidence    the proving frames in capture order; never empty
 * @param nanos       time of the decisive evidence (the reset, the FIN, the bad byte)
 * @param client      the client-facing response this explains, or null (not correlated, or only
 *                    the upstream leg is in the capture)
 */
public record Finding(Cause cause, Severity severity, String explanation, String hint, String request,
                      String upstream, long connection, List<Evidence> evidence, long nanos,
                      ClientResponse client) {
    public Finding {
        if (evidence.isEmpty()) throw new IllegalArgumentException("a finding needs evidence");
        evidence = List.copyOf(evidence);
    }

    /** The evidence frame numbers, in order. */
    public long[] frames() {
        long[] out = new long[evidence.size()];
        for (int i = 0; i < out.length; i++) out[i] = evidence.get(i).frame();
        return out;
    }

    /** The same finding tied to the client-facing response it explains. */
    public Finding withClient(ClientResponse response) {
        return new Finding(cause, severity, explanation, hint, request, upstream, connection, evidence, nanos, response);
    }

    public Finding withSeverity(Severity s) {
        return new Finding(cause, s, explanation, hint, request, upstream, connection, evidence, nanos, client);
    }
}
