package org.smapimigrate.lvm;

/**
 * A {@code disk_locn} of the PV header (lvm2 {@code lib/format_text/layout.h}): a byte range of
 * the device. For a data area, {@code size} 0 means "to the end of the device".
 */
public record DiskLocation(long offset, long size) {
}
