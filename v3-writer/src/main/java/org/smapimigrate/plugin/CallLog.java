package org.smapimigrate.plugin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Every plugin process this JVM started: plugin, method, wall time and whether it answered. Each
 * is a process start (a Python interpreter for most plugins, 50-100 ms on a small host), which for
 * small disks costs more than the data, so runs count them ({@code --debug} lists each one, the
 * run summary totals them by method) and the plan's estimate prices them.
 *
 * <p>One log per process, as there is one xapi-storage-script per host: a run reads the calls made
 * since its {@link #mark()}. Safe for concurrent jobs.
 */
public final class CallLog {
    /** One finished call. */
    public record Call(String plugin, String method, double seconds, boolean ok) {
        /** {@code Plugin/Volume.create}: the plugin and the method, as in the summary's table. */
        public String what() {
            return plugin + " " + method;
        }
    }

    /** A position in the log: the calls after it are one run's. */
    public record Mark(int index) {
    }

    /** Calls of one kind: how many and their summed time. */
    public record Tally(int count, double seconds) {
    }

    private static final CallLog PROCESS = new CallLog();

    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final List<Consumer<Call>> listeners = new CopyOnWriteArrayList<>();

    CallLog() {
    }

    /** The log of this process, which every {@link PluginClient} writes to. */
    public static CallLog process() {
        return PROCESS;
    }

    void record(Call c) {
        calls.add(c);
        for (Consumer<Call> l : listeners) {
            l.accept(c);
        }
    }

    /** Tells {@code listener} of each call as it finishes (for {@code --debug}); returns how to stop. */
    public Runnable listen(Consumer<Call> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    public Mark mark() {
        return new Mark(calls.size());
    }

    /** The calls since {@code mark}, in the order they finished. */
    public List<Call> since(Mark mark) {
        List<Call> all = new ArrayList<>(calls);
        return all.subList(Math.min(mark.index(), all.size()), all.size());
    }

    /** The calls since {@code mark} by {@code plugin method}, sorted by name. */
    public Map<String, Tally> tally(Mark mark) {
        Map<String, Tally> m = new TreeMap<>();
        for (Call c : since(mark)) {
            m.merge(c.what(), new Tally(1, c.seconds()),
                    (a, b) -> new Tally(a.count() + b.count(), a.seconds() + b.seconds()));
        }
        return m;
    }
}
