package io.gatelens.anomaly;

public enum Severity {
    ERROR, WARNING, INFO;

    public String id() { return name().toLowerCase(java.util.Locale.ROOT); }
}
