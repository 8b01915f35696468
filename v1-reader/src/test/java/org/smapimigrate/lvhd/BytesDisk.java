package org.smapimigrate.lvhd;

import java.nio.ByteBuffer;
import java.util.List;
import org.smapimigrate.disk.Extent;
import org.smapimigrate.disk.ExtentKind;
import org.smapimigrate.disk.VirtualDisk;

/** A small disk held in memory, for tests of parsers that read a volume. */
record BytesDisk(byte[] bytes) implements VirtualDisk {
    @Override
    public long size() {
        return bytes.length;
    }

    @Override
    public void read(ByteBuffer dst, long offset) {
        if (offset < 0 || offset > bytes.length - dst.remaining()) {
            throw new IllegalArgumentException("read outside the disk");
        }
        dst.put(bytes, (int) offset, dst.remaining());
    }

    @Override
    public List<Extent> extents(long offset, long length) {
        return length == 0 ? List.of() : List.of(new Extent(offset, length, ExtentKind.DATA));
    }

    @Override
    public String describe() {
        return "bytes";
    }

    @Override
    public void close() {
    }
}
