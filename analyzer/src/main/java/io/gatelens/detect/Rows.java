package io.gatelens.detect;

import io.gatelens.anomaly.Anomaly;
import io.gatelens.anomaly.AnomalyCode;
import io.gatelens.http.Transaction;
import io.gatelens.tcp.Direction;

import java.util.Set;

/** Small lookups on an exchange that several detectors share. */
final class Rows {
    private Rows() {}

    /** The first anomaly of {@code dir} with one of {@code codes}, or null. */
    static Anomaly first(Transaction t, Direction dir, Set<AnomalyCode> codes) {
        for (Anomaly a : t.anomalies()) {
            if (a.direction() == dir && codes.contains(a.code())) return a;
        }
        return null;
    }

    static Anomaly first(Transaction t, Direction dir, AnomalyCode code) {
        for (Anomaly a : t.anomalies()) {
            if (a.direction() == dir && a.code() == code) return a;
        }
        return null;
    }

    /** "frame N" of the connection's server side in the words of an upstream leg. */
    static String closeWord(ConnectionFacts c, int side) {
        return c.closedByReset(side) ? "RST" : "FIN";
    }

    /** Server bytes that arrived after the request began: the start of an answer, even an unparsed one. */
    static long answerBytes(ConnectionFacts c, Transaction t) {
        if (c.server.turnFrame < 0 || t.requestFirstFrame() < 0
                || c.server.turnFrame <= t.requestFirstFrame()) {
            return 0;
        }
        return c.server.bytes - c.server.turnOffset;
    }
}
