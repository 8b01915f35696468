package org.smapimigrate.vhd;

/**
 * Constants shared by every VHD structure (Microsoft "Virtual Hard Disk Image Format
 * Specification" 1.0 and blktap {@code include/vhd.h}). All on-disk integers are big-endian.
 */
public final class VhdFormat {
    /** Every offset in a VHD is counted in, or aligned to, 512-byte sectors. */
    public static final int SECTOR_SIZE = 512;
    public static final int SECTOR_SHIFT = 9;
    /** SM and blktap always use 2 MiB blocks ({@code VHD_BLOCK_SIZE}). */
    public static final int DEFAULT_BLOCK_SIZE = 2 * 1024 * 1024;
    /** BAT entry of a block that is not allocated ({@code DD_BLK_UNUSED}). */
    public static final int UNUSED_BAT_ENTRY = 0xFFFFFFFF;
    /** Footer and dynamic header "no offset" value (fixed disks, header data_offset). */
    public static final long NO_OFFSET = 0xFFFFFFFFFFFFFFFFL;
    /** VHD timestamps count seconds from 2000-01-01 00:00 UTC ({@code VHD_EPOCH_START}). */
    public static final long VHD_EPOCH_START = 946_684_800L;

    private VhdFormat() {
    }

    /** {@code VHD_VERSION(major, minor)}: creator and format versions are major in the high 16 bits. */
    public static int version(int major, int minor) {
        return (major << 16) | minor;
    }

    /** "1.3" for {@code 0x00010003}. */
    public static String versionString(int version) {
        return (version >>> 16) + "." + (version & 0xFFFF);
    }

    /** Bytes rounded up to whole sectors ({@code vhd_bytes_padded}). */
    public static long padToSector(long bytes) {
        return (bytes + SECTOR_SIZE - 1) & ~(long) (SECTOR_SIZE - 1);
    }
}
