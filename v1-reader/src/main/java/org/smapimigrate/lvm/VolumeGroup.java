package org.smapimigrate.lvm;

import java.util.List;
import java.util.Optional;

/**
 * A VG as its metadata text describes it (lvm2 {@code import_vsn1.c}; lvm2-ondisk.md §6).
 *
 * @param name       the VG name (the top-level section key)
 * @param id         VG uuid, dashed
 * @param seqno      incremented on every metadata commit
 * @param extentSize extent size in 512-byte sectors
 * @param pvs        in text order
 * @param lvs        in text order
 */
public record VolumeGroup(String name, String id, long seqno, List<String> status, List<String> flags,
                          List<String> tags, long extentSize, List<PhysicalVolume> pvs, List<LogicalVolume> lvs) {
    public VolumeGroup {
        status = List.copyOf(status);
        flags = List.copyOf(flags);
        tags = List.copyOf(tags);
        pvs = List.copyOf(pvs);
        lvs = List.copyOf(lvs);
    }

    public long extentSizeBytes() {
        return extentSize * 512;
    }

    public Optional<LogicalVolume> lv(String lvName) {
        return lvs.stream().filter(l -> l.name().equals(lvName)).findFirst();
    }

    /** The PV a segment's {@code "pvN"} names. */
    public Optional<PhysicalVolume> pvByKey(String key) {
        return pvs.stream().filter(p -> p.key().equals(key)).findFirst();
    }

    /** The PV with this uuid, dashed or bare. */
    public Optional<PhysicalVolume> pvById(String pvId) {
        String bare = LvmUuid.bare(pvId);
        return pvs.stream().filter(p -> LvmUuid.bare(p.id()).equals(bare)).findFirst();
    }
}
