package io.gatelens.capture.live;

import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;

/**
 * libpcap as pcap4j loads it (through JNA). Loading happens on first use; when the library is
 * missing, JNA's error becomes a {@link LiveCaptureException} naming the package to install.
 */
public final class Libpcap {
    /** The Debian package that holds libpcap.so.0.8. */
    public static final String DEBIAN_PACKAGE = "libpcap0.8";

    private Libpcap() {}

    /** libpcap's own version line, e.g. "libpcap version 1.10.3 (with TPACKET_V3)". */
    public static String version() throws LiveCaptureException {
        try {
            return Pcaps.libVersion();
        } catch (LinkageError e) {
            throw notLoadable(e);
        }
    }

    /**
     * JNA reports a missing library as UnsatisfiedLinkError the first time and as
     * NoClassDefFoundError (pcap4j's mapping class failed to initialise) after that.
     */
    static LiveCaptureException notLoadable(LinkageError e) {
        String detail = e.getMessage() == null ? e.getClass().getSimpleName() : firstLine(e.getMessage());
        if (detail.endsWith(":")) detail = detail.substring(0, detail.length() - 1);
        return new LiveCaptureException(LiveCaptureException.Kind.NO_LIBPCAP,
                "libpcap cannot be loaded (" + detail + "): live capture needs it; install it with "
                        + "'apt-get install " + DEBIAN_PACKAGE + "' (reading capture files does not need it)", e);
    }

    /** pcap4j wraps libpcap's message; only its first line is for the user. */
    static String message(PcapNativeException e) {
        String m = e.getMessage();
        return m == null ? "libpcap failed" : firstLine(m);
    }

    static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }
}
