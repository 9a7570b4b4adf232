package io.gatelens.finding;

/** Where detectors put what they find. */
@FunctionalInterface
public interface FindingSink {
    void finding(Finding f);
}
