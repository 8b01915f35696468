package org.smapimigrate.execute;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * How far a run is, in the plan's bytes (those its copy and verify steps move, as the plan's
 * estimate counts them), for a progress display to poll from another thread. Within a step the
 * figure grows with the share of the disk handled, so holes move the bar as fast as data. With
 * several jobs, several steps are current at once and one display shows their sum.
 */
public final class RunProgress {
    private final long total;
    private final AtomicLong finished = new AtomicLong();
    private final Map<String, Current> current = new ConcurrentHashMap<>();

    private record Current(String step, long bytes, long span, LongSupplier done) {
    }

    private final long before;

    /** @param before bytes of the steps earlier runs finished: counted as done, but not in this run's rate */
    RunProgress(long total, long before) {
        this.total = total;
        this.before = before;
        finished.set(before);
    }

    public long totalBytes() {
        return total;
    }

    /** Bytes earlier runs finished; a display's rate and ETA count only what this run adds to them. */
    public long bytesBefore() {
        return before;
    }

    /** Bytes of the finished steps plus the shares of the current ones. */
    public long bytesDone() {
        long share = 0;
        for (Current c : current.values()) {
            if (c.span() > 0) {
                share += (long) (c.bytes() * Math.min(1.0, (double) c.done().getAsLong() / c.span()));
            }
        }
        return finished.get() + share;
    }

    /** The steps moving data now (comma-separated, by id), or null when none is. */
    public String currentStep() {
        TreeMap<String, Current> now = new TreeMap<>(current);
        return now.isEmpty() ? null : String.join(", ", now.keySet());
    }

    /** A step of {@code bytes} plan bytes starts; {@code done} counts up to {@code span}. */
    void start(String step, long bytes, long span, LongSupplier done) {
        current.put(step, new Current(step, bytes, span, done));
    }

    /** {@code step} finished; {@code bytes} are its plan bytes (0 for a step that moves none). */
    void finish(String step, long bytes) {
        finished.addAndGet(bytes);
        current.remove(step);
    }
}
