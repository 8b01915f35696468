package org.smapimigrate.migrate;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Watches over a volume while its migration runs: if the JVM is stopped (Ctrl-C, SIGTERM) before
 * the migration settles, a shutdown hook runs the cleanup (release the datapath, destroy the
 * volume), so an interrupted run leaves nothing that looks complete. Whoever settles first, the
 * migration or the hook, does its part; the other does nothing.
 */
final class InterruptGuard implements AutoCloseable {
    private final AtomicBoolean settled = new AtomicBoolean();
    private final Thread hook;

    private InterruptGuard(Runnable onInterrupt) {
        this.hook = new Thread(() -> {
            if (settled.compareAndSet(false, true)) {
                onInterrupt.run();
            }
        }, "smapi-migrate-interrupted");
    }

    static InterruptGuard install(Runnable onInterrupt) {
        InterruptGuard g = new InterruptGuard(onInterrupt);
        Runtime.getRuntime().addShutdownHook(g.hook);
        return g;
    }

    /** Claims the outcome for the migration; false when the shutdown hook already took over. */
    boolean settle() {
        return settled.compareAndSet(false, true);
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is shutting down: the hook runs (or ran) and settle() decides who cleans up.
        }
    }
}
