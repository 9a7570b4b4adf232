package io.gatelens.cli;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGINT and SIGTERM as a request to stop, instead of the JVM's shutdown: a capture must close
 * its files, print its counts and exit with its own code, none of which a shutdown hook can do
 * once the JVM has decided to exit (with 130 or 143). A second signal of either kind while the
 * first is being handled restores the default, so a stuck stop can still be interrupted.
 */
final class Signals {
    private static final String[] NAMES = {"INT", "TERM"};
    private final SignalHandler[] previous = new SignalHandler[NAMES.length];

    private Signals() {}

    static Signals install(Runnable stop) {
        Signals s = new Signals();
        for (int i = 0; i < NAMES.length; i++) {
            try {
                s.previous[i] = Signal.handle(new Signal(NAMES[i]), sig -> {
                    stop.run();
                    s.restore();
                });
            } catch (IllegalArgumentException e) {
                // The JVM runs with -Xrs, or the signal is reserved: Ctrl-C then ends the JVM as usual.
            }
        }
        return s;
    }

    /** Gives the signals back to the JVM's default handling. */
    synchronized void restore() {
        for (int i = 0; i < NAMES.length; i++) {
            if (previous[i] != null) {
                try {
                    Signal.handle(new Signal(NAMES[i]), previous[i]);
                } catch (IllegalArgumentException ignored) {
                    // As at install.
                }
                previous[i] = null;
            }
        }
    }
}
