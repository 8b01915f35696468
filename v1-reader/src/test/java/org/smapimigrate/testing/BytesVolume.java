package org.smapimigrate.testing;

import java.nio.ByteBuffer;
import java.util.List;
import org.smapimigrate.disk.Extent;
import org.smapimigrate.disk.ExtentKind;
import org.smapimigrate.disk.VirtualDisk;

/**
 * A container held in memory (a VHD file's or an LV's bytes) for parser tests and fuzz tests.
 * Reads outside it throw {@link IllegalArgumentException} as the {@link VirtualDisk} contract
 * says, so a parser that reads before checking an offset is caught.
 */
public record BytesVolume(byte[] bytes, String name) implements VirtualDisk {
    @Override
    public long size() {
        return bytes.length;
    }

    @Override
    public void read(ByteBuffer dst, long offset) {
        if (offset < 0 || offset > bytes.length - dst.remaining()) {
            throw new IllegalArgumentException("read of " + dst.remaining() + " bytes at " + offset
                    + " outside the " + bytes.length + "-byte container " + name);
        }
        dst.put(bytes, (int) offset, dst.remaining());
    }

    @Override
    public List<Extent> extents(long offset, long length) {
        return length == 0 ? List.of() : List.of(new Extent(offset, length, ExtentKind.DATA));
    }

    @Override
    public String describe() {
        return name;
    }

    @Override
    public void close() {
    }
}
