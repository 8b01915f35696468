package org.smapimigrate.disk;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** A test model: a disk held in a byte array with an explicit allocation map per 512-byte sector. */
final class MemoryDisk implements VirtualDisk {
    final byte[] bytes;
    final boolean[] allocated;

    MemoryDisk(int sectors) {
        bytes = new byte[sectors * 512];
        allocated = new boolean[sectors];
    }

    void write(int sector, byte[] data) {
        System.arraycopy(data, 0, bytes, sector * 512, data.length);
        for (int s = sector; s < sector + (data.length + 511) / 512; s++) {
            allocated[s] = true;
        }
    }

    @Override
    public long size() {
        return bytes.length;
    }

    @Override
    public void read(ByteBuffer dst, long offset) {
        dst.put(bytes, (int) offset, dst.remaining());
    }

    @Override
    public List<Extent> extents(long offset, long length) {
        List<Extent> out = new ArrayList<>();
        long pos = offset;
        long end = offset + length;
        while (pos < end) {
            boolean a = allocated[(int) (pos / 512)];
            long next = Math.min(end, (pos / 512 + 1) * 512);
            while (next < end && allocated[(int) (next / 512)] == a) {
                next = Math.min(end, next + 512);
            }
            out.add(new Extent(pos, next - pos, a ? ExtentKind.DATA : ExtentKind.UNALLOCATED));
            pos = next;
        }
        return out;
    }

    @Override
    public String describe() {
        return "memory";
    }

    @Override
    public void close() {
    }
}
