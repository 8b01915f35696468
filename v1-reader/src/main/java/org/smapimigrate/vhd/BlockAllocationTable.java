package org.smapimigrate.vhd;

import java.nio.ByteBuffer;

/**
 * The block allocation table: one big-endian u32 per block, the sector offset of the block's
 * bitmap, or {@code 0xFFFFFFFF} when unallocated. Only the entries the virtual size uses are kept
 * ({@code ceil(curr_size / block_size)}); {@code max_bat_size} may be larger. Immutable.
 */
public final class BlockAllocationTable {
    private final int[] entries;
    private final int allocated;

    private BlockAllocationTable(int[] entries) {
        this.entries = entries;
        int n = 0;
        for (int e : entries) {
            if (e != VhdFormat.UNUSED_BAT_ENTRY) {
                n++;
            }
        }
        allocated = n;
    }

    /** Reads {@code count} entries from {@code src}'s position. */
    public static BlockAllocationTable parse(ByteBuffer src, int count) {
        int[] e = new int[count];
        for (int i = 0; i < count; i++) {
            e[i] = src.getInt();
        }
        return new BlockAllocationTable(e);
    }

    public static BlockAllocationTable of(int[] entries) {
        return new BlockAllocationTable(entries.clone());
    }

    /** Number of entries the virtual size uses. */
    public int size() {
        return entries.length;
    }

    public boolean isAllocated(int block) {
        return entries[block] != VhdFormat.UNUSED_BAT_ENTRY;
    }

    /** Sector offset of the block's bitmap (unsigned), or -1 when unallocated. */
    public long sector(int block) {
        int e = entries[block];
        return e == VhdFormat.UNUSED_BAT_ENTRY ? -1 : Integer.toUnsignedLong(e);
    }

    /** Allocated entries among those the virtual size uses. */
    public int allocatedCount() {
        return allocated;
    }

    /** The raw entry, for writers and tests. */
    public int entry(int block) {
        return entries[block];
    }
}
