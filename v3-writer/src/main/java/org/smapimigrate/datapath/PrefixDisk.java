package org.smapimigrate.datapath;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.smapimigrate.disk.Extent;
import org.smapimigrate.disk.VirtualDisk;

/**
 * The first {@code size} bytes of a larger disk: a volume may be bigger than the VDI copied into
 * it (plugins round sizes up), and only the VDI's bytes are compared.
 */
final class PrefixDisk implements VirtualDisk {
    private final VirtualDisk whole;
    private final long size;

    PrefixDisk(VirtualDisk whole, long size) {
        if (size > whole.size()) {
            throw new IllegalArgumentException(whole.describe() + " has " + whole.size() + " bytes, not " + size);
        }
        this.whole = whole;
        this.size = size;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void read(ByteBuffer dst, long offset) throws IOException {
        if (offset < 0 || offset + dst.remaining() > size) {
            throw new IllegalArgumentException(describe() + ": read of " + dst.remaining() + " bytes at " + offset
                    + " is outside the first " + size + " bytes");
        }
        whole.read(dst, offset);
    }

    @Override
    public List<Extent> extents(long offset, long length) throws IOException {
        if (offset < 0 || length < 0 || offset + length > size) {
            throw new IllegalArgumentException("extent range outside the first " + size + " bytes of " + describe());
        }
        return whole.extents(offset, length);
    }

    @Override
    public String describe() {
        return whole.describe();
    }

    @Override
    public void close() throws IOException {
        whole.close();
    }
}
