package io.gatelens.finding;

/**
 * One frame a finding rests on: its 1-based number (as Wireshark counts), its time, and what it
 * shows, in a few words ("upstream RST", "request sent").
 */
public record Evidence(long frame, long nanos, String what) {
}
