package org.smapimigrate.disk;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Where a copy writes: a file, a block device, an NBD export. Positional, so that writes can be
 * issued out of order and in parallel where the target allows it.
 */
public interface DiskSink extends Closeable {

    /** Size of the target in bytes; writes must stay inside it. */
    long size();

    /** Writes all of {@code src} (position to limit) at {@code offset}. */
    void write(ByteBuffer src, long offset) throws IOException;

    /**
     * Makes {@code [offset, offset + length)} read as zeros, punching a hole where the target can
     * (NBD WRITE_ZEROES, a sparse file's untouched range) so that holes stay holes.
     */
    void writeZeroes(long offset, long length) throws IOException;

    /** True when a range never written reads as zeros, so a copy may skip zero runs entirely. */
    default boolean unwrittenReadsAsZero() {
        return false;
    }

    /** Makes every completed write durable. */
    void flush() throws IOException;

    /** Describes the target for messages. */
    String describe();

    @Override
    void close() throws IOException;
}
