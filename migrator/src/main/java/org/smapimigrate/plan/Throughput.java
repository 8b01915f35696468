package org.smapimigrate.plan;

/**
 * The copy rate the estimate assumes.
 *
 * @param bytesPerSecond sustained rate of reading the source and writing the target
 * @param basis          where the figure comes from: {@code measured} (smapi-migrate bench),
 *                       {@code given} (--throughput) or {@code assumed} (the default)
 */
public record Throughput(long bytesPerSecond, String basis) {

    /** A conservative default for a single local disk pair when nothing was measured. */
    public static final long DEFAULT_BYTES_PER_SECOND = 200L << 20;

    public Throughput {
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("throughput must be positive, not " + bytesPerSecond);
        }
    }

    public static Throughput assumed() {
        return new Throughput(DEFAULT_BYTES_PER_SECOND, "assumed");
    }

    /** Whole seconds needed to move {@code bytes} at this rate, rounded up. */
    public long secondsFor(long bytes) {
        return bytes <= 0 ? 0 : (bytes + bytesPerSecond - 1) / bytesPerSecond;
    }
}
