package org.smapimigrate.live;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.smapimigrate.disk.Extent;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.disk.DiskSink;

/**
 * Copies the changed ranges of a later pass from a frozen state onto the target, which already
 * holds an older state: every byte of a range is written, including ranges the source reads as
 * zeros (a trimmed block must overwrite the old data on the target), as qemu's mirror job writes
 * zeroes for a discarded dirty cluster. One buffer of {@value #CHUNK} bytes whatever the disk size.
 */
final class RangeCopy {
    static final int CHUNK = 1 << 20;

    /** What a copy did. */
    record Stats(long read, long written) {
    }

    private RangeCopy() {
    }

    static Stats copy(VirtualDisk from, DiskSink to, ChangedRanges ranges) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
        long read = 0;
        long written = 0;
        for (int i = 0; i < ranges.count(); i++) {
            long end = Math.min(ranges.end(i), from.size());
            for (long at = ranges.start(i); at < end; ) {
                long n = Math.min(CHUNK, end - at);
                for (Extent e : from.extents(at, n)) {
                    if (e.kind().readsAsZero()) {
                        to.writeZeroes(e.offset(), e.length());
                    } else {
                        buf.clear().limit((int) e.length());
                        from.read(buf, e.offset());
                        buf.flip();
                        if (allZero(buf)) {
                            to.writeZeroes(e.offset(), e.length());
                        } else {
                            to.write(buf, e.offset());
                        }
                        read += e.length();
                    }
                    written += e.length();
                }
                at += n;
            }
        }
        return new Stats(read, written);
    }

    private static boolean allZero(ByteBuffer b) {
        for (int i = b.position(); i < b.limit(); i++) {
            if (b.get(i) != 0) {
                return false;
            }
        }
        return true;
    }
}
