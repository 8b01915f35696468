package org.smapimigrate.disk;

/**
 * A run of bytes of a virtual disk, {@code [offset, offset + length)}, all of one {@link ExtentKind}.
 * The shape of qemu's block status: copies, verification and live passes decide from extents
 * what to read, never by looking inside a format.
 */
public record Extent(long offset, long length, ExtentKind kind) {
    public Extent {
        if (offset < 0 || length <= 0) {
            throw new IllegalArgumentException("bad extent offset=" + offset + " length=" + length);
        }
    }

    public long end() {
        return offset + length;
    }
}
