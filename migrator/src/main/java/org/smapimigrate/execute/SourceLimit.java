package org.smapimigrate.execute;

import org.smapimigrate.disk.VirtualDisk;

/**
 * What every source disk a run reads passes through: the engine's hook for a bandwidth limit
 * ({@code migrate --bandwidth}, a batch's shared token bucket: batch.RateLimitedDisk). Applied
 * where the engine opens a source image (the copy, and a verification that reads the source
 * again), so all the run's source bytes are counted, whatever the number of jobs.
 */
@FunctionalInterface
public interface SourceLimit {
    /** No limit: the source disk as it is. */
    SourceLimit NONE = disk -> disk;

    /** The disk the engine reads instead of {@code source}; closing it closes {@code source}. */
    VirtualDisk apply(VirtualDisk source);
}
