package org.smapimigrate.xapi.transfer;

/**
 * The {@code format=} of XAPI's disk handlers (xapi-integration.md section 3; XA export_raw_vdi.ml,
 * import_raw_vdi.ml). Only the name on the wire lives here: this module never reads the bytes.
 * <ul>
 * <li>{@link #RAW}: every byte of the virtual size, holes included.</li>
 * <li>{@link #VHD}: a VHD stream in which unallocated blocks are not sent; XAPI refuses it for
 *     VDIs above 2040 GiB ({@code VDI_TOO_LARGE}) and, for an import, needs a Content-Length
 *     like every import.</li>
 * </ul>
 */
public enum DiskFormat {
    RAW("raw"),
    VHD("vhd");

    /** XAPI's limit for format=vhd (constants.ml max_vhd_size, xapi-integration.md section 3). */
    public static final long MAX_VHD_SIZE = 2040L << 30;

    private final String wireName;

    DiskFormat(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
