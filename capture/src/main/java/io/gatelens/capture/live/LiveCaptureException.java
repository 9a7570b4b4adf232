package io.gatelens.capture.live;

/**
 * A live capture that cannot start or go on. The message is one line for the user, saying what
 * to do; {@link #kind()} lets the caller choose an exit code.
 */
public final class LiveCaptureException extends Exception {
    public enum Kind {
        /** libpcap is not installed or cannot be loaded. */
        NO_LIBPCAP,
        /** Capturing needs root or CAP_NET_RAW. */
        NO_PERMISSION,
        NO_SUCH_INTERFACE,
        /** The BPF filter does not compile. */
        BAD_FILTER,
        /** Anything else libpcap reports (the interface went down, an option it refused). */
        FAILED
    }

    private final Kind kind;

    public LiveCaptureException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public LiveCaptureException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
