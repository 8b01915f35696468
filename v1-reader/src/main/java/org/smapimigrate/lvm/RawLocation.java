package org.smapimigrate.lvm;

/**
 * A {@code raw_locn} of the metadata-area header: where one copy of the metadata text sits in
 * the ring. {@code offset} counts from the start of the metadata area (its header), {@code size}
 * includes the text's trailing NUL, {@code checksum} is the {@link LvmCrc} of those bytes in
 * logical order.
 */
public record RawLocation(long offset, long size, int checksum, int flags) {
    /** {@code RAW_LOCN_IGNORED}: the VG keeps its metadata in other areas. */
    public static final int IGNORED = 0x1;

    public boolean ignored() {
        return (flags & IGNORED) != 0;
    }

    /** Both zero: the area holds no metadata (an orphan PV). */
    public boolean empty() {
        return offset == 0 && size == 0;
    }
}
