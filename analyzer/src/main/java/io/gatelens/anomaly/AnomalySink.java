package io.gatelens.anomaly;

/** Where parsers put what they find wrong. */
@FunctionalInterface
public interface AnomalySink {
    void anomaly(Anomaly a);
}
