package org.smapimigrate.lvm;

import org.smapimigrate.disk.ImageDefectException;

/**
 * What one metadata area of one PV holds: a verified, parsed VG; nothing (an orphan PV or an
 * area lvm marks ignored); or the defect that made it unusable.
 *
 * @param area   the area as the PV label lists it
 * @param header its header, or null when the header itself is the defect
 * @param text   the committed text, or null
 * @param vg     the VG the text describes, or null
 * @param defect why this copy cannot be used, or null
 */
public record MetadataCopy(DiskLocation area, MetadataAreaHeader header, MetadataText text, VolumeGroup vg,
                           ImageDefectException defect) {

    /** True when the copy holds a VG whose CRCs verified and whose text parsed. */
    public boolean usable() {
        return vg != null;
    }
}
