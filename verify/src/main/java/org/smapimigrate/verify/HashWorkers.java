package org.smapimigrate.verify;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads every {@link BlockDigester} of the process hashes on: one per core, shared, so
 * that eight copies at once still use the cores and no more. Daemon threads that end after a
 * minute idle, so a finished run leaves nothing behind. The queue holds the pieces in flight,
 * which the callers' buffer pools bound.
 */
final class HashWorkers {
    private static final int THREADS = Math.max(1, Math.min(8, Runtime.getRuntime().availableProcessors()));
    private static final AtomicInteger NUMBER = new AtomicInteger();
    private static final ExecutorService POOL = pool();

    private HashWorkers() {
    }

    static void run(Runnable task) {
        POOL.execute(task);
    }

    static int threads() {
        return THREADS;
    }

    private static ExecutorService pool() {
        ThreadPoolExecutor p = new ThreadPoolExecutor(THREADS, THREADS, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "block-digest-" + NUMBER.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        p.allowCoreThreadTimeOut(true);
        return p;
    }
}
