package org.smapimigrate.bench;

import java.nio.file.Path;

/**
 * One way of moving the benchmark disk, timed by {@link Bench}. Cases are independent classes in
 * a list ({@link BenchCases}): a new way to compare (an NBD server, another tool) is a new class
 * added there.
 */
public interface BenchCase extends AutoCloseable {

    /** Where the work runs, printed beside the figures: the comparisons only make sense per kind. */
    enum Where {
        /** A third-party program, as its users run it. */
        TOOL,
        /** Our code called inside the benchmark's own JVM: warm, no start-up. */
        IN_JVM,
        /** Our launcher started as a child process, as people run it: start-up included. */
        PROCESS;

        public String label() {
            return switch (this) {
                case TOOL -> "tool";
                case IN_JVM -> "in-JVM";
                case PROCESS -> "process";
            };
        }
    }

    String name();

    Where where();

    /** Bytes of data the case moves, for the GiB/s column. */
    long dataBytes();

    /** Once, before the first run (start a server, create inputs); not timed. */
    default void setUp() throws Exception {
    }

    /** Before every run: remove what the last run made; not timed. */
    default void reset() throws Exception {
    }

    /** One timed run. Returns the peak RSS in bytes of the process it ran, or -1 if not measured. */
    long run() throws Exception;

    /** The raw image the last run wrote, compared with qemu-img's; null when there is none. */
    default Path output() {
        return null;
    }

    /** A note printed under the table (why a figure is what it is), or null. */
    default String note() {
        return null;
    }

    @Override
    default void close() throws Exception {
    }
}
