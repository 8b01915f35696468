package org.smapimigrate.disk;

import java.nio.ByteBuffer;

/** One shared, read-only MiB of zeros: for writing zero runs and recognising all-zero data. */
final class Zeros {
    static final int SIZE = 1 << 20;
    private static final ByteBuffer BUFFER = ByteBuffer.allocateDirect(SIZE).asReadOnlyBuffer();

    private Zeros() {
    }

    /** {@code n} zero bytes (at most {@link #SIZE}), as a buffer of one's own to consume. */
    static ByteBuffer of(int n) {
        return BUFFER.duplicate().limit(n);
    }
}
