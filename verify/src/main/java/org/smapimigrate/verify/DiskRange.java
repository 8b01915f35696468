package org.smapimigrate.verify;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.smapimigrate.disk.Extent;
import org.smapimigrate.disk.VirtualDisk;

/**
 * Bytes {@code start} to {@code start + size} of another disk, seen as a disk of their own
 * (offset 0 is {@code start}), so that several readers can each take a part of one disk
 * ({@link BlockChecker#of(VirtualDisk, List)}). Closing it leaves the disk open: its owner
 * closes it.
 */
final class DiskRange implements VirtualDisk {
    private final VirtualDisk disk;
    private final long start;
    private final long size;

    DiskRange(VirtualDisk disk, long start, long size) {
        if (start < 0 || size < 0 || start + size > disk.size()) {
            throw new IllegalArgumentException("range " + start + "+" + size + " outside " + disk.describe());
        }
        this.disk = disk;
        this.start = start;
        this.size = size;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void read(ByteBuffer dst, long offset) throws IOException {
        if (offset < 0 || offset + dst.remaining() > size) {
            throw new IllegalArgumentException("read of " + dst.remaining() + " bytes at " + offset
                    + " outside a range of " + size);
        }
        disk.read(dst, start + offset);
    }

    @Override
    public List<Extent> extents(long offset, long length) throws IOException {
        if (offset < 0 || length < 0 || offset + length > size) {
            throw new IllegalArgumentException("extent range outside a range of " + size);
        }
        List<Extent> out = new ArrayList<>();
        for (Extent e : disk.extents(start + offset, length)) {
            out.add(new Extent(e.offset() - start, e.length(), e.kind()));
        }
        return out;
    }

    @Override
    public String describe() {
        return disk.describe() + " (bytes " + start + " to " + (start + size) + ")";
    }

    @Override
    public void close() {
    }
}
