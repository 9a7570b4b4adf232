package io.gatelens.capture.live;

import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.PcapStat;
import org.pcap4j.core.RawPacketListener;

import java.io.Closeable;
import java.sql.Timestamp;
import java.util.List;

/**
 * One live capture through pcap4j and libpcap. Packets come as raw bytes through pcap4j's loop
 * callback (its fastest path: its decoded-packet path builds an object tree per packet, and its
 * one-at-a-time call costs a native round trip per packet) and are decoded by gatelens's own
 * decoder later. Timestamps are asked in nanoseconds, falling back to microseconds where libpcap
 * refuses.
 *
 * <p>{@link #run} loops on the calling thread; {@link #stop} may be called from any thread (a
 * signal handler), and libpcap 1.10 wakes the loop's poll at once.
 */
public final class LiveCapture implements Closeable {
    private final PcapHandle handle;
    private final LiveOptions options;
    private final String description;
    private final int linkType;
    private final int snaplen;
    private final boolean nanos;
    private volatile boolean stopped;
    private long captured;
    private LiveStats last = LiveStats.NONE;

    private LiveCapture(PcapHandle handle, LiveOptions options, String description, boolean nanos)
            throws NotOpenException {
        this.handle = handle;
        this.options = options;
        this.description = description;
        this.linkType = handle.getDlt().value();
        this.snaplen = handle.getSnapshot();
        this.nanos = nanos;
    }

    /**
     * Opens the device and sets the filter. The errors users meet each become one
     * {@link LiveCaptureException}: libpcap missing, no permission, no such interface, a filter
     * that does not compile.
     */
    public static LiveCapture open(LiveOptions options) throws LiveCaptureException {
        List<LiveInterface> all = LiveInterfaces.list();
        LiveInterface device = LiveInterfaces.find(all, options.device());
        if (device == null || !device.name().equals(options.device())) {
            throw new LiveCaptureException(LiveCaptureException.Kind.NO_SUCH_INTERFACE,
                    "no interface '" + options.device() + "' to capture on; 'gatelens interfaces' lists them");
        }
        PcapHandle handle = null;
        boolean nanos = true;
        try {
            try {
                handle = builder(options).timestampPrecision(PcapHandle.TimestampPrecision.NANO).build();
            } catch (PcapNativeException e) {
                if (isPermission(e)) throw e;
                // Some libpcap builds and devices offer only microseconds: try again without asking.
                nanos = false;
                handle = builder(options).build();
            }
            if (options.filter() != null && !options.filter().isBlank()) {
                try {
                    handle.setFilter(options.filter(), BpfProgram.BpfCompileMode.OPTIMIZE);
                } catch (PcapNativeException e) {
                    handle.close();
                    throw new LiveCaptureException(LiveCaptureException.Kind.BAD_FILTER,
                            "the filter '" + options.filter() + "' does not compile: " + filterError(e), e);
                }
            }
            return new LiveCapture(handle, options, device.description(), nanos);
        } catch (PcapNativeException e) {
            if (handle != null) handle.close();
            throw activationError(options.device(), e);
        } catch (NotOpenException e) {
            throw new LiveCaptureException(LiveCaptureException.Kind.FAILED,
                    options.device() + ": the capture closed while opening", e);
        } catch (LinkageError e) {
            throw Libpcap.notLoadable(e);
        }
    }

    private static PcapHandle.Builder builder(LiveOptions o) {
        PcapHandle.Builder b = new PcapHandle.Builder(o.device())
                .snaplen(o.snaplen())
                .promiscuousMode(o.promiscuous() ? PcapNetworkInterface.PromiscuousMode.PROMISCUOUS
                        : PcapNetworkInterface.PromiscuousMode.NONPROMISCUOUS)
                .timeoutMillis(o.timeoutMillis())
                .immediateMode(o.immediate());
        if (o.bufferBytes() > 0) b.bufferSize(o.bufferBytes());
        return b;
    }

    private static boolean isPermission(PcapNativeException e) {
        String m = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
        return m.contains("permission") || m.contains("not permitted");
    }

    private static LiveCaptureException activationError(String device, PcapNativeException e) {
        String m = Libpcap.message(e);
        if (isPermission(e)) {
            return new LiveCaptureException(LiveCaptureException.Kind.NO_PERMISSION,
                    device + ": no permission to capture (" + m + "): run gatelens as root, or give Java the "
                            + "capability once with 'setcap cap_net_raw,cap_net_admin=eip \"$(readlink -f \"$(command -v java)\")\"'",
                    e);
        }
        String lower = m.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("no such device") || lower.contains("doesn't exist")) {
            return new LiveCaptureException(LiveCaptureException.Kind.NO_SUCH_INTERFACE,
                    "no interface '" + device + "' to capture on (" + m + "); 'gatelens interfaces' lists them", e);
        }
        return new LiveCaptureException(LiveCaptureException.Kind.FAILED, device + ": cannot capture: " + m, e);
    }

    /** pcap4j prefixes libpcap's compile error with its own words and the expression. */
    private static String filterError(PcapNativeException e) {
        String m = Libpcap.message(e);
        int colon = m.indexOf("pcap_compile:");
        if (colon >= 0) m = m.substring(colon + "pcap_compile:".length()).trim();
        int expr = m.indexOf(" bpfExpression:");
        return expr >= 0 ? m.substring(0, expr).trim() : m;
    }

    /**
     * Hands every packet to {@code handler} until {@link #stop}, {@code count} packets (0 for no
     * limit), or libpcap fails (the interface went away): that is thrown.
     */
    public void run(long count, PacketHandler handler) throws LiveCaptureException, InterruptedException {
        if (stopped) return;
        final InterruptedException[] interrupted = new InterruptedException[1];
        RawPacketListener listener = data -> {
            if (interrupted[0] != null) return;
            Timestamp ts = handle.getTimestamp();
            long epochNanos = Math.floorDiv(ts.getTime(), 1000L) * 1_000_000_000L + ts.getNanos();
            Integer original = handle.getOriginalLength();
            try {
                handler.packet(epochNanos, data, data.length, original == null ? data.length : original);
            } catch (InterruptedException e) {
                interrupted[0] = e;
                breakLoop();
                return;
            }
            if (++captured == count) breakLoop();
        };
        try {
            handle.loop(-1, listener);
        } catch (InterruptedException e) {
            // pcap_breakloop: a stop, the count reached, or the handler interrupted.
        } catch (PcapNativeException e) {
            if (!stopped) {
                throw new LiveCaptureException(LiveCaptureException.Kind.FAILED,
                        options.device() + ": capture failed: " + Libpcap.message(e), e);
            }
        } catch (NotOpenException e) {
            if (!stopped) throw new LiveCaptureException(LiveCaptureException.Kind.FAILED, options.device() + ": closed", e);
        }
        if (interrupted[0] != null) throw interrupted[0];
    }

    /** Ends {@link #run} soon; safe from any thread, and more than once. */
    public void stop() {
        stopped = true;
        breakLoop();
    }

    private void breakLoop() {
        try {
            handle.breakLoop();
        } catch (NotOpenException ignored) {
            // Already closed: nothing runs.
        }
    }

    /** libpcap's counters now; the last ones read before {@link #close} afterwards. */
    public synchronized LiveStats stats() {
        if (handle.isOpen()) {
            try {
                PcapStat s = handle.getStats();
                last = new LiveStats(captured, s.getNumPacketsReceived(), s.getNumPacketsDropped(),
                        s.getNumPacketsDroppedByIf());
            } catch (PcapNativeException | NotOpenException e) {
                // The counters stay as last read.
            }
        }
        return last;
    }

    public String device() { return options.device(); }
    /** libpcap's description of the device, or empty. */
    public String description() { return description; }
    public String filter() { return options.filter(); }
    /** The link-layer header type (LINKTYPE_ / DLT_ value) of every packet. */
    public int linkType() { return linkType; }
    public int snaplen() { return snaplen; }
    /** Whether timestamps carry nanoseconds (else microseconds). */
    public boolean nanos() { return nanos; }
    public long captured() { return captured; }

    @Override
    public synchronized void close() {
        stats();
        handle.close();
    }
}
