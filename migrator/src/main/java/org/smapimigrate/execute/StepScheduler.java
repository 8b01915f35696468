package org.smapimigrate.execute;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Runs the items of a dependency graph on up to {@code jobs} threads: an item starts once every
 * item it names in its dependencies has finished (or was finished before), the earliest ready
 * item in the given order first, so with one job the order is exactly the given one. Everything
 * but the work itself (starting, finishing, journaling) happens on the calling thread, one item
 * at a time, so whatever the callbacks touch needs no lock.
 *
 * <p>A failure stops new items from starting; the running ones finish (and are reported finished
 * or failed), then the first failure is thrown. A graph that can never finish (a cycle, or a
 * dependency on an item that is not in the graph and not finished) is refused before anything
 * runs.
 *
 * @param <T> an item
 */
final class StepScheduler<T> {
    /** What each item does, on a worker thread. */
    interface Work<T, R> {
        R run(T item) throws Exception;
    }

    /** What happens around each item, on the calling thread. */
    interface Callbacks<T, R> {
        void started(T item) throws Exception;

        void finished(T item, R result) throws Exception;
    }

    /** The first failure of a run, with the item it happened in. */
    static final class Failed extends Exception {
        final transient Object item;
        final List<Failure> all;

        Failed(Object item, Throwable cause, List<Failure> all) {
            super(cause.getMessage(), cause, false, false);
            this.item = item;
            this.all = all;
        }
    }

    /** One item's failure. */
    record Failure(Object item, Throwable cause) {
    }

    private final List<T> items;
    private final Function<T, String> id;
    private final Function<T, List<String>> after;

    StepScheduler(List<T> items, Function<T, String> id, Function<T, List<String>> after) {
        this.items = List.copyOf(items);
        this.id = id;
        this.after = after;
    }

    /**
     * Runs every item whose id is not in {@code done}, at most {@code jobs} at once.
     *
     * @throws Failed the first item that failed (the others that failed are in {@link Failed#all})
     * @throws IllegalArgumentException when the items cannot all run (a cycle, a missing dependency)
     */
    <R> void run(Set<String> done, int jobs, Work<T, R> work, Callbacks<T, R> callbacks)
            throws Failed, InterruptedException {
        if (jobs < 1) {
            throw new IllegalArgumentException("jobs must be at least 1, not " + jobs);
        }
        Set<String> finished = new HashSet<>(done);
        List<T> pending = new ArrayList<>();
        for (T t : items) {
            if (!finished.contains(id.apply(t))) {
                pending.add(t);
            }
        }
        checkRunnable(pending, finished);
        LinkedBlockingQueue<Outcome<T, R>> outcomes = new LinkedBlockingQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(jobs, threads());
        int running = 0;
        List<Failure> failures = new ArrayList<>();
        Map<T, Boolean> started = new HashMap<>();
        try {
            while (true) {
                if (failures.isEmpty()) {
                    for (T t : pending) {
                        if (running >= jobs) {
                            break;
                        }
                        if (!started.containsKey(t) && finished.containsAll(after.apply(t))) {
                            try {
                                callbacks.started(t);
                            } catch (Exception e) {
                                failures.add(new Failure(t, e));
                                break;
                            }
                            started.put(t, true);
                            running++;
                            pool.execute(() -> {
                                try {
                                    outcomes.add(new Outcome<>(t, work.run(t), null));
                                } catch (Throwable e) {
                                    outcomes.add(new Outcome<>(t, null, e));
                                }
                            });
                        }
                    }
                }
                if (running == 0) {
                    break;
                }
                Outcome<T, R> o = outcomes.take();
                running--;
                pending.remove(o.item());
                if (o.failure() != null) {
                    failures.add(new Failure(o.item(), o.failure()));
                    continue;
                }
                try {
                    callbacks.finished(o.item(), o.result());
                    finished.add(id.apply(o.item()));
                } catch (Exception e) {
                    failures.add(new Failure(o.item(), e));
                }
            }
        } finally {
            pool.shutdownNow();
        }
        if (!failures.isEmpty()) {
            Failure first = failures.get(0);
            throw new Failed(first.item(), first.cause(), List.copyOf(failures));
        }
    }

    /** Refuses a graph whose pending items cannot all run: walks it as the run would, without running. */
    private void checkRunnable(List<T> pending, Set<String> finished) {
        Set<String> reach = new HashSet<>(finished);
        List<T> left = new ArrayList<>(pending);
        boolean progress = true;
        while (!left.isEmpty() && progress) {
            progress = left.removeIf(t -> {
                if (reach.containsAll(after.apply(t))) {
                    reach.add(id.apply(t));
                    return true;
                }
                return false;
            });
        }
        if (!left.isEmpty()) {
            T stuck = left.get(0);
            List<String> missing = new ArrayList<>(after.apply(stuck));
            missing.removeAll(reach);
            throw new IllegalArgumentException("step " + id.apply(stuck) + " waits for " + missing
                    + ", which never finish (a cycle in the plan's 'after', or steps it does not have)");
        }
    }

    private record Outcome<T, R>(T item, R result, Throwable failure) {
    }

    private static ThreadFactory threads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "smapi-migrate-job-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
