package org.smapimigrate.vhd;

/** Footer field "Disk Type" (offset 60). SM only creates dynamic and differencing disks. */
public enum VhdDiskType {
    FIXED(2),
    DYNAMIC(3),
    DIFFERENCING(4);

    private final int code;

    VhdDiskType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The type for a footer code, or null for none/reserved/unknown codes (0, 1, 5, 6, ...). */
    public static VhdDiskType of(int code) {
        for (VhdDiskType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }

    /** Dynamic and differencing disks have a dynamic header, a BAT and sector bitmaps. */
    public boolean hasBlockTable() {
        return this != FIXED;
    }
}
