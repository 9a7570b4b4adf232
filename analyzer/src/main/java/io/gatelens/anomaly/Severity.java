package io.gatelens.anomaly;

public enum Severity {
    ERROR, WARNING, INFO;

    /** Made once: ids are written for every row of a report. */
    private final String id = name().toLowerCase(java.util.Locale.ROOT);

    public String id() { return id; }
}
