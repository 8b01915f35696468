package org.smapimigrate.chain;

import java.io.IOException;
import java.util.List;
import org.smapimigrate.vhd.SectorBitmap;
import org.smapimigrate.vhd.VhdDiskType;
import org.smapimigrate.vhd.VhdFormat;
import org.smapimigrate.vhd.VhdImage;

/**
 * Resolves a byte range of a chain into runs, each either stored in one layer (at a container
 * offset) or reading as zeros, exactly as blktap reads a chain (doc part C, "Reading a chain";
 * libvhd {@code __vhd_io_dynamic_read}): for each sector from the leaf upward, a sector at or past
 * a layer's size reads as zeros and stops; an unallocated block defers to the parent; a trusted
 * batmap bit or the sector bitmap bit means the layer holds the sector; otherwise the parent
 * decides; the root returns zeros and a raw parent is read at the same offset.
 *
 * <p>Decisions are made per block; only partly written blocks walk their bitmap, by runs. Runs
 * come out in ascending order without gaps.
 */
final class ChainWalk {

    /** Receives the runs of a walk. */
    interface Runs {
        /** {@code [diskOffset, +length)} is stored in {@code layer} at {@code containerOffset}. */
        void data(long diskOffset, long length, ChainLayer layer, long containerOffset) throws IOException;

        /**
         * {@code [diskOffset, +length)} reads as zeros: {@code recorded} when a layer's bitmap
         * claims the sectors but their block was cut short by the end of the image, false when
         * nothing in the chain holds them.
         */
        void zero(long diskOffset, long length, boolean recorded) throws IOException;
    }

    private final List<ChainLayer> layers;

    ChainWalk(List<ChainLayer> layers) {
        this.layers = layers;
    }

    /** Walks {@code [pos, end)} from the leaf. */
    void walk(long pos, long end, Runs out) throws IOException {
        if (pos < end) {
            walk(0, pos, end, out);
        }
    }

    private void walk(int level, long pos, long end, Runs out) throws IOException {
        ChainLayer layer = layers.get(level);
        long limit = layer.size();
        if (pos >= limit) {
            out.zero(pos, end - pos, false);
            return;
        }
        if (end > limit) {
            walk(level, pos, limit, out);
            out.zero(limit, end - limit, false);
            return;
        }
        VhdImage img = layer.image();
        if (img == null || img.diskType() == VhdDiskType.FIXED) {
            // Raw parent or fixed VHD: the virtual disk is the first bytes of the container.
            out.data(pos, end - pos, layer, pos);
            return;
        }
        long bs = img.blockSize();
        while (pos < end) {
            int b = (int) (pos / bs);
            long blockStart = b * bs;
            long blockEnd = Math.min(blockStart + bs, end);
            if (!img.isBlockAllocated(b)) {
                long runEnd = blockEnd;
                int next = b + 1;
                while (runEnd < end && !img.isBlockAllocated(next)) {
                    runEnd = Math.min((next + 1) * bs, end);
                    next++;
                }
                defer(level, pos, runEnd, out);
                pos = runEnd;
                continue;
            }
            long dataOffset = img.blockDataOffset(b);
            if (img.isBlockFull(b)) {
                stored(layer, pos, blockEnd, dataOffset + (pos - blockStart), out);
            } else {
                SectorBitmap bitmap = img.bitmap(b);
                int s = (int) ((pos - blockStart) >> VhdFormat.SECTOR_SHIFT);
                int sEnd = (int) ((blockEnd - blockStart + VhdFormat.SECTOR_SIZE - 1) >> VhdFormat.SECTOR_SHIFT);
                while (s < sEnd) {
                    int e = bitmap.runEnd(s, sEnd);
                    long a = Math.max(pos, blockStart + ((long) s << VhdFormat.SECTOR_SHIFT));
                    long z = Math.min(blockEnd, blockStart + ((long) e << VhdFormat.SECTOR_SHIFT));
                    if (bitmap.isSet(s)) {
                        stored(layer, a, z, dataOffset + (a - blockStart), out);
                    } else {
                        defer(level, a, z, out);
                    }
                    s = e;
                }
            }
            pos = blockEnd;
        }
    }

    private void defer(int level, long a, long z, Runs out) throws IOException {
        if (level + 1 < layers.size()) {
            walk(level + 1, a, z, out);
        } else {
            out.zero(a, z - a, false);
        }
    }

    /** Data held by {@code layer}; the part past the image's data end (a block cut short) is zeros. */
    private static void stored(ChainLayer layer, long a, long z, long containerOffset, Runs out) throws IOException {
        long available = layer.image().dataEnd() - containerOffset;
        if (available >= z - a) {
            out.data(a, z - a, layer, containerOffset);
            return;
        }
        long kept = Math.max(0, available);
        if (kept > 0) {
            out.data(a, kept, layer, containerOffset);
        }
        out.zero(a + kept, z - a - kept, true);
    }
}
