package org.smapimigrate.plan;

/**
 * What a live plan's forecast assumes, as given on the command line or measured (the run's own
 * settings are {@code org.smapimigrate.live.LiveSettings}; the thresholds mean the same).
 *
 * @param writeRate           bytes per second the running VM writes to each disk (changed bytes as
 *                            the source's change tracking reports them)
 * @param writeRateBasis      where the figure comes from: {@code given} (--write-rate) or
 *                            {@code measured ...} (what was sampled, and for how long)
 * @param switchBelow         when the passes stop ({@code --switch-below})
 * @param maxPasses           at most this many passes before the switch-over, pass 0 included
 *                            ({@code --max-passes})
 * @param passOverheadSeconds the fixed cost of one pass besides its copy: freeze (snapshot and
 *                            writer pause), changed ranges, release
 * @param hashRate            bytes per second SHA-256 hashes on this host ({@link HashRate}): the
 *                            switch-over's check hashes the whole virtual disk of the source, zeros
 *                            included, while comparing it with the target; 0 when not counted
 */
public record ForecastSettings(long writeRate, String writeRateBasis, SwitchBelow switchBelow, int maxPasses,
                               double passOverheadSeconds, long hashRate) {
    /** Passes before the switch-over when --max-passes is not given. */
    public static final int DEFAULT_MAX_PASSES = 8; // as 'migrate --mode live'
    /** More passes than SM's chain limit allows makes no sense; this bounds the forecast's work. */
    public static final int MAX_MAX_PASSES = 64; // as 'migrate --mode live' accepts
    /** A local freeze (hard link, two VHD headers, hook runs) takes well under a second; assumed. */
    public static final double DEFAULT_PASS_OVERHEAD_SECONDS = 0.5;

    public ForecastSettings {
        if (writeRate < 0) {
            throw new IllegalArgumentException("a write rate cannot be negative: " + writeRate);
        }
        if (switchBelow == null) {
            throw new IllegalArgumentException("a live plan needs --switch-below");
        }
        if (maxPasses < 1 || maxPasses > MAX_MAX_PASSES) {
            throw new IllegalArgumentException("--max-passes is from 1 (pass 0 only) to " + MAX_MAX_PASSES + ", not " + maxPasses);
        }
        if (!(passOverheadSeconds >= 0)) {
            throw new IllegalArgumentException("pass overhead must be at least 0 s");
        }
        if (hashRate < 0) {
            throw new IllegalArgumentException("a hash rate cannot be negative: " + hashRate);
        }
    }

    /** Settings whose check's hashing is not counted (only its reading, at the copy rate). */
    public ForecastSettings(long writeRate, String writeRateBasis, SwitchBelow switchBelow, int maxPasses,
                            double passOverheadSeconds) {
        this(writeRate, writeRateBasis, switchBelow, maxPasses, passOverheadSeconds, 0);
    }

    /** The same with another write rate and its basis. */
    public ForecastSettings withWriteRate(long rate, String basis) {
        return new ForecastSettings(rate, basis, switchBelow, maxPasses, passOverheadSeconds, hashRate);
    }
}
