package org.smapimigrate.disk;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Sees every byte of a copy, in offset order and without gaps: data chunks and zero runs together
 * cover {@code [0, size)} exactly once. Verification hashes through this; it runs on its own
 * thread so hashing overlaps reading and writing.
 */
public interface CopyObserver {

    /** Bytes {@code data} (position to limit, not to be modified or kept) at {@code offset}. */
    void data(long offset, ByteBuffer data) throws IOException;

    /** {@code length} bytes at {@code offset} that read as zeros (holes, or data found all-zero). */
    void zeros(long offset, long length) throws IOException;
}
