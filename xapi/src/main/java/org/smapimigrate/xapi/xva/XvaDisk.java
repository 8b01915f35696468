package org.smapimigrate.xapi.xva;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.smapimigrate.disk.Extent;
import org.smapimigrate.disk.ExtentKind;
import org.smapimigrate.disk.VirtualDisk;

/**
 * One disk of an XVA as a {@link VirtualDisk} read once, front to back, as the archive streams
 * by. A stream cannot say ahead where its holes are without holding what lies before them, so
 * {@link #extents} calls everything data: omitted chunks come out of {@link #read} as zeros, which
 * the copy's zero detection keeps as holes on the target. Reads must come in increasing offset
 * order (the engine's copy reads extents in order on one thread); a read behind what was already
 * handed out is refused rather than answered wrong. Memory: one chunk (1 MiB).
 */
public final class XvaDisk implements VirtualDisk {
    private static final byte[] ZEROS = new byte[64 << 10];
    private final ChunkWalk walk;
    private final XvaVdi vdi;
    private final String describe;
    private ChunkWalk.Piece current;
    private long position;

    XvaDisk(ChunkWalk walk, XvaVdi vdi, String describe) {
        this.walk = walk;
        this.vdi = vdi;
        this.describe = describe;
    }

    public XvaVdi vdi() {
        return vdi;
    }

    @Override
    public long size() {
        return vdi.virtualSize();
    }

    /** True when every byte of the disk was read off the archive and checked. */
    public synchronized boolean complete() {
        return walk.done() && position == size();
    }

    @Override
    public synchronized void read(ByteBuffer dst, long offset) throws IOException {
        long len = dst.remaining();
        if (offset < 0 || offset > size() - len) {
            throw new IllegalArgumentException(describe + ": read of " + len + " bytes at " + offset + " past the end ("
                    + size() + " bytes)");
        }
        if (offset < position) {
            throw new IOException(describe + ": an XVA is read once, in order: bytes at " + offset
                    + " were asked after " + position + " had been read");
        }
        long at = offset;
        while (dst.hasRemaining()) {
            while (current == null || current.end() <= at) {
                current = walk.next();
                if (current == null) {
                    throw new IOException(describe + ": the archive's chunks end before byte " + at);
                }
            }
            int n = (int) Math.min(dst.remaining(), current.end() - at);
            if (current.data() == null) {
                for (int left = n; left > 0; ) {
                    int k = Math.min(left, ZEROS.length);
                    dst.put(ZEROS, 0, k);
                    left -= k;
                }
            } else {
                ByteBuffer src = current.data().duplicate();
                src.position((int) (at - current.offset())).limit((int) (at - current.offset()) + n);
                dst.put(src);
            }
            at += n;
        }
        position = at;
        if (position == size() && !walk.done()) {
            // The last piece was handed out; let the walk see it is at the end.
            if (walk.next() != null) {
                throw new IOException(describe + ": chunks past the end of the disk");
            }
        }
    }

    /** One data extent: the stream tells what is a hole only as it goes (see the class comment). */
    @Override
    public List<Extent> extents(long offset, long length) {
        if (offset < 0 || length < 0 || offset > size() - length) {
            throw new IllegalArgumentException(describe + ": extents [" + offset + ", +" + length + ") past the end");
        }
        return length == 0 ? List.of() : List.of(new Extent(offset, length, ExtentKind.DATA));
    }

    @Override
    public String describe() {
        return describe;
    }

    @Override
    public void close() {
        // the archive's stream belongs to XvaArchive
    }
}
