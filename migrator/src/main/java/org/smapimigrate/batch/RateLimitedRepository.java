package org.smapimigrate.batch;

import java.io.IOException;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.inventory.SrInventory;
import org.smapimigrate.inventory.StorageRepository;

/**
 * A source whose disks read through a job's {@link TokenBucket} ({@link RateLimitedDisk}): every
 * byte the engine reads from a SMAPIv1 source passes one of these two openings. Closing it leaves
 * the source open: the run's {@link HostSources} owns that.
 */
final class RateLimitedRepository implements StorageRepository {
    private final StorageRepository inner;
    private final TokenBucket bucket;

    RateLimitedRepository(StorageRepository inner, TokenBucket bucket) {
        this.inner = inner;
        this.bucket = bucket;
    }

    @Override
    public SrInventory inventory() throws IOException {
        return inner.inventory();
    }

    @Override
    public VirtualDisk openVdi(String uuid) throws IOException {
        return new RateLimitedDisk(inner.openVdi(uuid), bucket);
    }

    @Override
    public VirtualDisk openOwnSectors(String uuid) throws IOException {
        return new RateLimitedDisk(inner.openOwnSectors(uuid), bucket);
    }

    @Override
    public void close() {
    }
}
