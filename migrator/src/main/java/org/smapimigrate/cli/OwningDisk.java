package org.smapimigrate.cli;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.smapimigrate.disk.Extent;
import org.smapimigrate.disk.VirtualDisk;

/** A disk that also closes what it was opened from (an SR holding PV files open) when closed. */
final class OwningDisk implements VirtualDisk {
    private final VirtualDisk disk;
    private final Closeable owner;

    OwningDisk(VirtualDisk disk, Closeable owner) {
        this.disk = disk;
        this.owner = owner;
    }

    /** The disk itself, for callers that look at what kind of disk it is (warnings). */
    VirtualDisk unwrap() {
        return disk;
    }

    @Override
    public long size() {
        return disk.size();
    }

    @Override
    public void read(ByteBuffer dst, long offset) throws IOException {
        disk.read(dst, offset);
    }

    @Override
    public List<Extent> extents(long offset, long length) throws IOException {
        return disk.extents(offset, length);
    }

    @Override
    public String describe() {
        return disk.describe();
    }

    @Override
    public void close() throws IOException {
        try (Closeable o = owner) {
            disk.close();
        }
    }
}
