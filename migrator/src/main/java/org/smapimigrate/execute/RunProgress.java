package org.smapimigrate.execute;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * How far a run is, in the plan's bytes (those its copy and verify steps move, as the plan's
 * estimate counts them), for a progress display to poll from another thread. Within a step the
 * figure grows with the share of the disk handled, so holes move the bar as fast as data.
 */
public final class RunProgress {
    private final long total;
    private final AtomicLong finished = new AtomicLong();
    private final AtomicReference<Current> current = new AtomicReference<>();

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

    /** Bytes of the finished steps plus the share of the current one. */
    public long bytesDone() {
        Current c = current.get();
        long share = 0;
        if (c != null && c.span() > 0) {
            share = (long) (c.bytes() * Math.min(1.0, (double) c.done().getAsLong() / c.span()));
        }
        return finished.get() + share;
    }

    /** The step running now, or null between steps. */
    public String currentStep() {
        Current c = current.get();
        return c == null ? null : c.step();
    }

    /** A step of {@code bytes} plan bytes starts; {@code done} counts up to {@code span}. */
    void start(String step, long bytes, long span, LongSupplier done) {
        current.set(new Current(step, bytes, span, done));
    }

    void finish(long bytes) {
        finished.addAndGet(bytes);
        current.set(null);
    }
}
