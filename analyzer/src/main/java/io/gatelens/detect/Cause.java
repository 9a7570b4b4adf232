package io.gatelens.detect;

import io.gatelens.anomaly.Severity;

import java.util.Locale;

/**
 * The registry of what can lie behind a proxy's 5xx, as seen between proxy and upstream (issue
 * #4's table), plus the predictors reported as warnings. Ids are stable: they are the JSON
 * {@code cause} values.
 */
public enum Cause {
    CONNECT_REFUSED(Severity.ERROR, true),
    CONNECT_TIMEOUT(Severity.ERROR, true),
    TLS_MISMATCH(Severity.ERROR, true),
    RESET_DURING_REQUEST(Severity.ERROR, true),
    RESET_BEFORE_RESPONSE(Severity.ERROR, true),
    CLOSED_BEFORE_RESPONSE(Severity.ERROR, true),
    MALFORMED_STATUS_LINE(Severity.ERROR, true),
    INVALID_HEADER(Severity.ERROR, true),
    HEADER_TOO_BIG(Severity.ERROR, true),
    CONFLICTING_FRAMING(Severity.ERROR, true),
    RESPONSE_TIMEOUT(Severity.ERROR, true),
    RESET_DURING_RESPONSE(Severity.ERROR, true),
    TRUNCATED_BODY(Severity.ERROR, true),
    BAD_CHUNKED(Severity.ERROR, true),
    KEEPALIVE_RACE(Severity.ERROR, true),
    WS_UPGRADE_REJECTED(Severity.ERROR, true),
    WS_TRUNCATED_UPGRADE(Severity.ERROR, true),
    BAD_WS_ACCEPT(Severity.ERROR, true),
    WS_RESET_AFTER_UPGRADE(Severity.ERROR, true),
    UPSTREAM_ERROR_STATUS(Severity.ERROR, true),
    UNEXPLAINED(Severity.ERROR, true),

    // Predictors: nothing failed yet, but these come before 502s.
    KEEPALIVE_IDLE_NEAR_CLOSE(Severity.WARNING, false),
    SLOW_RESPONSE_NEAR_TIMEOUT(Severity.WARNING, false),
    RETRANSMISSION_BURST(Severity.WARNING, false),
    ZERO_WINDOW_STALL(Severity.WARNING, false);

    private final Severity severity;
    private final boolean failure;

    Cause(Severity severity, boolean failure) {
        this.severity = severity;
        this.failure = failure;
    }

    /** Made once: ids are written for every row of a report. */
    private final String id = name().toLowerCase(Locale.ROOT);

    public String id() { return id; }

    /** Severity when the failure reached the client; a detector may lower it. */
    public Severity severity() { return severity; }

    /** A cause of a failed exchange, rather than a predictor. */
    public boolean failure() { return failure; }
}
