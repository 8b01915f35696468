package org.smapimigrate.batch;

import java.util.HashMap;
import java.util.Map;
import org.smapimigrate.execute.SourceLimit;

/**
 * The bandwidth limits of one batch run: one {@link TokenBucket} per job with a
 * {@code bandwidth:}, made at the job's first volume and shared by all its volumes for the rest of
 * the run, its concurrent ones included, so the job's source reads together stay within the rate.
 * Jobs run one after the other, so at any moment the run reads at most the running job's rate.
 * Handed to the engine as its {@link SourceLimit}, the same hook {@code migrate --bandwidth} uses.
 */
public final class JobBandwidth {
    private final Map<String, TokenBucket> buckets = new HashMap<>();

    /** The job's limit for this run ({@link SourceLimit#NONE} without a bandwidth). */
    public synchronized SourceLimit of(Job job) {
        if (job.bandwidth().isEmpty()) {
            return SourceLimit.NONE;
        }
        return RateLimitedDisk.through(
                buckets.computeIfAbsent(job.name(), n -> TokenBucket.ofRate(job.bandwidth().getAsLong())));
    }
}
