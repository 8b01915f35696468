package org.smapimigrate.disk;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A disk as every stage sees it: a size, extents (what is allocated where) and positional reads.
 * A raw file, an LVM logical volume, a single VHD and a whole VHD chain are all virtual disks.
 * Implementations are read-only and safe for concurrent {@link #read} calls from several threads.
 */
public interface VirtualDisk extends Closeable {

    /** Virtual size in bytes. */
    long size();

    /**
     * Reads {@code dst.remaining()} bytes starting at {@code offset} into {@code dst}, advancing its
     * position to its limit. Unallocated ranges read as zeros. Reading past {@link #size()} is an
     * error ({@link IllegalArgumentException}).
     */
    void read(ByteBuffer dst, long offset) throws IOException;

    /**
     * The extents covering {@code [offset, offset + length)}, in order, without gaps or overlaps;
     * the first starts at {@code offset} and the last ends at {@code offset + length}. Callers
     * walk a large disk window by window, so a list per call stays small whatever the disk size.
     */
    List<Extent> extents(long offset, long length) throws IOException;

    /** Human name for messages: a file path, an LV name, a chain's leaf. */
    String describe();

    @Override
    void close() throws IOException;
}
