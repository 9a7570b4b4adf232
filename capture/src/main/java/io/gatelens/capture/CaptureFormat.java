package io.gatelens.capture;

public enum CaptureFormat {
    PCAP("pcap"),
    PCAP_NANO("pcap (nanosecond)"),
    PCAPNG("pcapng"),
    LIVE("live");

    private final String label;

    CaptureFormat(String label) { this.label = label; }

    public String label() { return label; }
}
