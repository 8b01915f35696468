package org.smapimigrate.verify;

import java.io.IOException;
import org.smapimigrate.disk.DiskCopy;
import org.smapimigrate.disk.VirtualDisk;

/**
 * Digests a disk on its own, for reading a target back or re-checking it later: DiskCopy's
 * pipeline reads on one thread and hashes on another, into a sink that keeps nothing. All-zero
 * chunks arrive as zero runs and cost no hashing.
 */
public final class DiskHasher {
    private final DiskCopy copy;

    /** @param copy the pipeline to run; pass your own to poll {@link DiskCopy#bytesDone()} for progress */
    public DiskHasher(DiskCopy copy) {
        this.copy = copy;
    }

    public DiskHasher() {
        this(DiskCopy.standard());
    }

    /** The digest of the first {@code disk.size()} bytes of {@code disk}. */
    public DiskDigest digest(VirtualDisk disk) throws IOException {
        BlockDigester digester = new BlockDigester(disk.size());
        copy.copy(disk, new DiscardingSink(disk.size()), digester);
        return digester.finish();
    }
}
