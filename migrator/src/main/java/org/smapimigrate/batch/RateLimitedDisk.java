package org.smapimigrate.batch;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.smapimigrate.disk.Extent;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.execute.SourceLimit;

/**
 * A source disk whose reads pass through a run's {@link TokenBucket}: the limit is applied from
 * outside the copy loop, at the one place every byte read from a source goes through (the engine
 * opens each source disk through its {@link SourceLimit}). Extent queries read no data and are not
 * charged.
 */
public final class RateLimitedDisk implements VirtualDisk {
    private final VirtualDisk inner;
    private final TokenBucket bucket;

    public RateLimitedDisk(VirtualDisk inner, TokenBucket bucket) {
        this.inner = inner;
        this.bucket = bucket;
    }

    /**
     * The engine's hook ({@link org.smapimigrate.execute.RunOptions#sourceLimit}) putting every
     * source disk of a run behind {@code bucket}; pass the same bucket to every volume of a batch
     * run so that the whole run, all jobs, stays within the rate.
     */
    public static SourceLimit through(TokenBucket bucket) {
        return disk -> new RateLimitedDisk(disk, bucket);
    }

    @Override
    public long size() {
        return inner.size();
    }

    @Override
    public void read(ByteBuffer dst, long offset) throws IOException {
        try {
            bucket.acquire(dst.remaining());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the bandwidth limit");
        }
        inner.read(dst, offset);
    }

    @Override
    public List<Extent> extents(long offset, long length) throws IOException {
        return inner.extents(offset, length);
    }

    @Override
    public String describe() {
        return inner.describe();
    }

    @Override
    public void close() throws IOException {
        inner.close();
    }
}
