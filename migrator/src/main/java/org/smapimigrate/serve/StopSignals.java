package org.smapimigrate.serve;

/**
 * SIGTERM and SIGINT (Ctrl-C) as a request to stop: {@code serve} then closes its listener and
 * connections and exits 0, as a daemon stopped by its service manager should. Uses the JDK's
 * sun.misc.Signal (module jdk.unsupported, present in every JDK 17); where a signal cannot be
 * handled that way, a shutdown hook still runs {@code stop} (the exit status is then 128+signal).
 */
public final class StopSignals {
    private StopSignals() {
    }

    @SuppressWarnings("restriction")
    public static void onStop(Runnable stop) {
        boolean handled = true;
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), s -> stop.run());
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                handled = false;
            }
        }
        if (!handled) {
            Runtime.getRuntime().addShutdownHook(new Thread(stop, "serve shutdown"));
        }
    }
}
