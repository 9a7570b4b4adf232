package io.gatelens.capture.live;

/**
 * How to open a live capture; defaults as tcpdump's on Linux.
 *
 * @param device        the interface name (as {@link LiveInterfaces} lists it)
 * @param filter        a BPF filter in tcpdump's syntax, or null for every packet
 * @param snaplen       bytes kept of each packet (tcpdump's -s; 262144 is its default: whole packets)
 * @param promiscuous   see every frame on the wire, not only this host's (tcpdump's default; -p turns it off)
 * @param bufferBytes   the kernel's capture buffer; a larger one rides out bursts (tcpdump's -B)
 * @param immediate     hand each packet over at once instead of when the kernel's block fills or the
 *                      timeout passes: lower latency, more wake-ups
 * @param timeoutMillis longest a packet waits in the kernel's block before it is handed over
 */
public record LiveOptions(String device, String filter, int snaplen, boolean promiscuous, int bufferBytes,
                          boolean immediate, int timeoutMillis) {
    public static final int DEFAULT_SNAPLEN = 262_144;
    /**
     * 32 MiB, where tcpdump takes 2: a Java capture pauses now and then (the JIT compiling, the
     * collector), and the kernel's buffer is what rides those pauses out. On the load check, the
     * same packets at 133k a second lost 3.3 % with 2 MiB and none with 32.
     */
    public static final int DEFAULT_BUFFER_BYTES = 32 << 20;
    /** Short, so that live findings and the written file stay within a second of the wire. */
    public static final int DEFAULT_TIMEOUT_MILLIS = 100;

    public LiveOptions {
        if (device == null || device.isEmpty()) throw new IllegalArgumentException("no interface given");
        if (snaplen < 1 || snaplen > DEFAULT_SNAPLEN) {
            throw new IllegalArgumentException("snaplen must be 1 to " + DEFAULT_SNAPLEN);
        }
        if (bufferBytes < 0) throw new IllegalArgumentException("buffer size must not be negative");
        if (timeoutMillis < 1) throw new IllegalArgumentException("timeout must be at least 1 ms");
    }

    public static LiveOptions defaults(String device) {
        return new LiveOptions(device, null, DEFAULT_SNAPLEN, true, DEFAULT_BUFFER_BYTES, false, DEFAULT_TIMEOUT_MILLIS);
    }
}
