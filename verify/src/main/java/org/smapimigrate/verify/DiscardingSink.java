package org.smapimigrate.verify;

import java.nio.ByteBuffer;
import org.smapimigrate.disk.DiskSink;

/** A sink that keeps nothing: lets DiskCopy's read-and-observe pipeline hash a disk alone. */
final class DiscardingSink implements DiskSink {
    private final long size;

    DiscardingSink(long size) {
        this.size = size;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void write(ByteBuffer src, long offset) {
        src.position(src.limit());
    }

    @Override
    public void writeZeroes(long offset, long length) {
    }

    @Override
    public boolean unwrittenReadsAsZero() {
        return true;
    }

    @Override
    public void flush() {
    }

    @Override
    public String describe() {
        return "(hash only)";
    }

    @Override
    public void close() {
    }
}
