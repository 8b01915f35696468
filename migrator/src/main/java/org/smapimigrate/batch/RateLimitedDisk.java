package org.smapimigrate.batch;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.smapimigrate.disk.Extent;
import org.smapimigrate.disk.VirtualDisk;

/**
 * A source disk whose reads pass through a run's {@link TokenBucket}: the limit is applied from
 * outside the copy path (which is being rewritten elsewhere), at the one place every byte read from
 * a SMAPIv1 source goes through. Extent queries read no data and are not charged.
 */
public final class RateLimitedDisk implements VirtualDisk {
    private final VirtualDisk inner;
    private final TokenBucket bucket;

    public RateLimitedDisk(VirtualDisk inner, TokenBucket bucket) {
        this.inner = inner;
        this.bucket = bucket;
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
