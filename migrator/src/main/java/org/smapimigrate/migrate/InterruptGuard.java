package org.smapimigrate.migrate;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Watches over a volume while its migration runs: if the JVM is stopped (Ctrl-C, SIGTERM) before
 * the migration settles, a shutdown hook runs the cleanup (release the datapath, destroy the
 * volume), so an interrupted run leaves nothing that looks complete. Whoever settles first, the
 * migration or the hook, does its part; the other does nothing.
 */
final class InterruptGuard implements AutoCloseable {
    private static final int OPEN = 0;
    private static final int BY_MIGRATION = 1;
    private static final int BY_HOOK = 2;
    private final AtomicInteger owner = new AtomicInteger(OPEN);
    private final Thread hook;

    private InterruptGuard(Runnable onInterrupt) {
        this.hook = new Thread(() -> {
            if (owner.compareAndSet(OPEN, BY_HOOK)) {
                onInterrupt.run();
            }
        }, "smapi-migrate-interrupted");
    }

    static InterruptGuard install(Runnable onInterrupt) {
        InterruptGuard g = new InterruptGuard(onInterrupt);
        Runtime.getRuntime().addShutdownHook(g.hook);
        return g;
    }

    /** Claims the outcome for the migration; false when the shutdown hook took over. */
    boolean settle() {
        return owner.compareAndSet(OPEN, BY_MIGRATION) || owner.get() == BY_MIGRATION;
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
