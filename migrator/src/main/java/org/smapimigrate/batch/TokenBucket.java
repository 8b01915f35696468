package org.smapimigrate.batch;

import java.util.function.LongSupplier;

/**
 * A byte-rate limit shared by every volume of a run: tokens (bytes) accrue at {@code rate} per
 * second up to {@code burst}; a read of n bytes takes n tokens, waiting while there are too few.
 * So over any interval of t seconds at most {@code rate * t + burst} bytes are admitted. Time comes
 * from an injected nanosecond clock, and waiting through an injected sleeper, so tests run it on a
 * fake clock. Requests larger than the burst are admitted in burst-sized parts.
 */
public final class TokenBucket {
    /** Waits the given nanoseconds (the fake one advances its clock). */
    public interface NanoSleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    private final long rate;
    private final long burst;
    private final LongSupplier nanoClock;
    private final NanoSleeper sleeper;
    private double tokens;
    private long last;

    /** @param rate bytes per second, more than 0; @param burst bytes, more than 0 */
    public TokenBucket(long rate, long burst, LongSupplier nanoClock, NanoSleeper sleeper) {
        if (rate <= 0 || burst <= 0) {
            throw new IllegalArgumentException("rate and burst must be more than zero");
        }
        this.rate = rate;
        this.burst = burst;
        this.nanoClock = nanoClock;
        this.sleeper = sleeper;
        this.last = nanoClock.getAsLong();
        this.tokens = burst;
    }

    /** The system's monotonic clock and Thread.sleep. */
    public static TokenBucket ofRate(long bytesPerSecond) {
        long burst = Math.max(64 * 1024, bytesPerSecond / 10); // a tenth of a second of traffic
        return new TokenBucket(bytesPerSecond, burst, System::nanoTime,
                n -> Thread.sleep(n / 1_000_000, (int) (n % 1_000_000)));
    }

    /** Blocks until {@code bytes} may pass. Thread-safe: volumes copying at once share it. */
    public void acquire(long bytes) throws InterruptedException {
        long left = bytes;
        while (left > 0) {
            long part = Math.min(left, burst);
            take(part);
            left -= part;
        }
    }

    private synchronized void take(long n) throws InterruptedException {
        while (true) {
            refill();
            if (tokens >= n) {
                tokens -= n;
                return;
            }
            double missing = n - tokens;
            long nanos = (long) Math.ceil(missing * 1e9 / rate);
            sleeper.sleep(Math.max(1, nanos));
        }
    }

    private void refill() {
        long now = nanoClock.getAsLong();
        long elapsed = now - last;
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + elapsed * (double) rate / 1e9);
            last = now;
        }
    }
}
