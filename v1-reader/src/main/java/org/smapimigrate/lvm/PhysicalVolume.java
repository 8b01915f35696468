package org.smapimigrate.lvm;

import java.util.List;

/**
 * A PV as the VG metadata describes it ({@code physical_volumes { pvN { ... } }}).
 *
 * @param key        the local name ({@code pv0}) segments refer to
 * @param id         the PV uuid, dashed; matches the label of the device holding it
 * @param deviceHint the last device path lvm saw: a hint only
 * @param devSize    device size in sectors, or -1 when absent
 * @param peStart    start of the data area in sectors
 * @param peCount    number of physical extents
 */
public record PhysicalVolume(String key, String id, String deviceHint, List<String> status, List<String> flags,
                             List<String> tags, long devSize, long peStart, long peCount) {
    public PhysicalVolume {
        status = List.copyOf(status);
        flags = List.copyOf(flags);
        tags = List.copyOf(tags);
    }

    /** lvm marks a PV it could not find when it last wrote the metadata. */
    public boolean missing() {
        return status.contains("MISSING") || flags.contains("MISSING");
    }

    public long peStartBytes() {
        return peStart * 512;
    }
}
