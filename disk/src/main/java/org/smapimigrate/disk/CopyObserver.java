package org.smapimigrate.disk;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Sees every byte of a copy, in offset order and without gaps: data chunks and zero runs together
 * cover {@code [0, size)} exactly once. Verification hashes through this: the copy calls it from
 * its reading thread, with the very buffers it then writes, so what is hashed is what is written.
 * An observer that works on threads of its own (hashing spread over the cores) overrides
 * {@link #data(long, ByteBuffer, Runnable)} and keeps the buffer until it releases it.
 */
public interface CopyObserver {

    /** Bytes {@code data} (position to limit, not to be modified or kept) at {@code offset}. */
    void data(long offset, ByteBuffer data) throws IOException;

    /**
     * Bytes {@code data} (position to limit, not to be modified) at {@code offset}; the observer
     * may keep using them until it runs {@code release}, exactly once, from any thread. The copy
     * reuses the buffer only after both the observer and the writer are done with it.
     */
    default void data(long offset, ByteBuffer data, Runnable release) throws IOException {
        try {
            data(offset, data);
        } finally {
            release.run();
        }
    }

    /** {@code length} bytes at {@code offset} that read as zeros (holes, or data found all-zero). */
    void zeros(long offset, long length) throws IOException;
}
