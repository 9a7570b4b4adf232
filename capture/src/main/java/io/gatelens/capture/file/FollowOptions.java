package io.gatelens.capture.file;

/**
 * How a capture file that is still being written is followed ({@link CaptureFiles#follow}).
 *
 * @param pollNanos        how long to sleep between two looks at the file while no new bytes are
 *                         there. A look is one read(2) and one fstat(2); at the default 100 ms that
 *                         costs nothing measurable, and it works on every file system (inotify
 *                         does not see writes made over NFS, and Java's WatchService polls anyway
 *                         on most platforms other than Linux).
 * @param idleTimeoutNanos end the input (as a clean end of file) once the file has not grown for
 *                         this long; 0 waits for ever, until {@link FollowedCapture#stop()}
 * @param onIdleEveryNanos the shortest time between two calls of {@code onIdle}
 * @param onIdle           called on the reading thread while it waits for the file to grow (or to
 *                         appear), at most once per {@code onIdleEveryNanos}, so the analysis can
 *                         move its clock on and report while no packet arrives; may be null. An
 *                         exception it throws comes out of the read that called it.
 */
public record FollowOptions(long pollNanos, long idleTimeoutNanos, long onIdleEveryNanos, Runnable onIdle) {
    public static final long DEFAULT_POLL_NANOS = 100_000_000L;
    public static final long DEFAULT_ON_IDLE_EVERY_NANOS = 250_000_000L;

    public FollowOptions {
        if (pollNanos <= 0) {
            throw new IllegalArgumentException("pollNanos must be positive: " + pollNanos);
        }
        if (idleTimeoutNanos < 0) {
            throw new IllegalArgumentException("idleTimeoutNanos must be 0 (no limit) or positive: "
                    + idleTimeoutNanos);
        }
        if (onIdleEveryNanos < 0) {
            throw new IllegalArgumentException("onIdleEveryNanos must not be negative: " + onIdleEveryNanos);
        }
    }

    /** Polls every 100 ms, waits for ever, no onIdle. */
    public static FollowOptions defaults() {
        return new FollowOptions(DEFAULT_POLL_NANOS, 0, DEFAULT_ON_IDLE_EVERY_NANOS, null);
    }

    public FollowOptions withPollNanos(long nanos) {
        return new FollowOptions(nanos, idleTimeoutNanos, onIdleEveryNanos, onIdle);
    }

    public FollowOptions withIdleTimeoutNanos(long nanos) {
        return new FollowOptions(pollNanos, nanos, onIdleEveryNanos, onIdle);
    }

    public FollowOptions withOnIdle(Runnable callback, long everyNanos) {
        return new FollowOptions(pollNanos, idleTimeoutNanos, everyNanos, callback);
    }

    public FollowOptions withOnIdle(Runnable callback) {
        return withOnIdle(callback, onIdleEveryNanos);
    }
}
