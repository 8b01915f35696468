package org.smapimigrate.plan;

/**
 * The copy rate the estimate assumes.
 *
 * @param bytesPerSecond sustained rate of reading the source and writing the target
 * @param basis          where the figure comes from: {@code measured} (smapi-migrate bench),
 *                       {@code given} (--throughput) or {@code assumed} (the default)
 * @param pluginCallSeconds what one plugin call costs (a process start), as measured when the
 *                       target was probed; 0 when not measured
 */
public record Throughput(long bytesPerSecond, String basis, double pluginCallSeconds) {

    /** A conservative default for a single local disk pair when nothing was measured. */
    public static final long DEFAULT_BYTES_PER_SECOND = 200L << 20;

    public Throughput {
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("throughput must be positive, not " + bytesPerSecond);
        }
        if (!(pluginCallSeconds >= 0)) {
            pluginCallSeconds = 0;
        }
    }

    /** A rate with no measured plugin call cost. */
    public Throughput(long bytesPerSecond, String basis) {
        this(bytesPerSecond, basis, 0);
    }

    /** This rate with the plugin call cost measured when probing the target. */
    public Throughput withCallCost(double seconds) {
        return new Throughput(bytesPerSecond, basis, seconds);
    }

    /** Whole seconds to move {@code bytes} and make {@code calls} plugin calls, rounded up. */
    public long secondsFor(long bytes, int calls) {
        return secondsFor(bytes) + (long) Math.ceil(calls * pluginCallSeconds);
    }

    public static Throughput assumed() {
        return new Throughput(DEFAULT_BYTES_PER_SECOND, "assumed");
    }

    /** Whole seconds needed to move {@code bytes} at this rate, rounded up. */
    public long secondsFor(long bytes) {
        return bytes <= 0 ? 0 : (bytes + bytesPerSecond - 1) / bytesPerSecond;
    }
}
