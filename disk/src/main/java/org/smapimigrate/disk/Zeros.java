package org.smapimigrate.disk;

import java.nio.ByteBuffer;

/**
 * Shared, read-only zeros: for writing zero runs and recognising all-zero data.
 *
 * <p>Two sizes, so that a copy that only compares granules never touches the big one: a new
 * direct buffer is zeroed page by page, and on the 2-core VM this tool is measured on a first
 * touch of a page costs 10 to 40 us, so the MiB alone was 256 page faults, 3 to 10 ms of every
 * export (perf record -e page-faults: Unsafe.setMemory, a third of an export's faults with the
 * copy buffers; issue 10).
 */
final class Zeros {
    /** The most {@link #of} hands out at once. */
    static final int SIZE = 1 << 20;
    /** Enough for one zero-detection granule ({@link DiskCopy#ZERO_GRANULE}). */
    static final int SMALL = 64 << 10;
    private static final ByteBuffer SMALL_BUFFER = ByteBuffer.allocateDirect(SMALL).asReadOnlyBuffer();

    private Zeros() {
    }

    /** {@code n} zero bytes (at most {@link #SIZE}), as a buffer of one's own to consume. */
    static ByteBuffer of(int n) {
        return (n <= SMALL ? SMALL_BUFFER : Large.BUFFER).duplicate().limit(n);
    }

    /** The MiB, made on first use (writing zero runs), not by comparisons. */
    private static final class Large {
        static final ByteBuffer BUFFER = ByteBuffer.allocateDirect(SIZE).asReadOnlyBuffer();
    }
}
