package org.smapimigrate.lvhd;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.smapimigrate.chain.ParentContainer;
import org.smapimigrate.chain.ParentResolver;
import org.smapimigrate.disk.ImageDefectException;
import org.smapimigrate.lvm.OfflineVolumeGroup;
import org.smapimigrate.vhd.VhdImage;

/**
 * Finds the parent of a VHD in an LVHD SR among the LVs of the same VG (smapiv1-layout part B):
 * the LV a parent locator or {@code prt_name} names ({@code VG_XenStorage--<sr>-VHD--<uuid>}, read
 * like {@code vhd_util_scan_extract_volume_name}); failing that, the VHD LV whose footer uuid is
 * the child's {@code prt_uuid} (older blktap wrote {@code dm-NN} names; an interrupted
 * leaf-coalesce leaves locators naming a renamed LV). A raw parent is only found by name.
 * Keys are LV names.
 */
public final class LvParentResolver implements ParentResolver {

    /** How a parent was found: {@code by} is {@code locator} or {@code prt_uuid}. */
    public record Resolution(String lv, String by, List<String> namesTried) {
    }

    private final OfflineVolumeGroup vg;
    private final Map<UUID, String> lvByFooterUuid;

    /** @param lvByFooterUuid the VHD LVs of the VG by footer uuid */
    public LvParentResolver(OfflineVolumeGroup vg, Map<UUID, String> lvByFooterUuid) {
        this.vg = vg;
        this.lvByFooterUuid = Map.copyOf(lvByFooterUuid);
    }

    @Override
    public ParentContainer openParent(VhdImage child, String childKey) throws IOException {
        Resolution r = locate(child.name(), child.parentIsRaw(), child.parentUuid(), VhdVolume.parentNames(child));
        return new ParentContainer(vg.openLv(r.lv()), r.lv(), r.lv());
    }

    /** Where the parent of {@code child} is, without opening it. */
    public Resolution locate(VhdVolume child) throws ImageDefectException {
        return locate(child.lv(), child.parentIsRaw(), child.parentUuid(), child.parentNames());
    }

    private Resolution locate(String child, boolean raw, UUID prtUuid, List<String> names) throws ImageDefectException {
        for (String name : names) {
            if (vg.volumeGroup().lv(name).isPresent()) {
                return new Resolution(name, "locator", names);
            }
        }
        if (!raw && prtUuid != null) {
            String byUuid = lvByFooterUuid.get(prtUuid);
            if (byUuid != null && !byUuid.equals(child)) {
                return new Resolution(byUuid, "prt_uuid", names);
            }
        }
        String tried = names.isEmpty() ? "no parent locator or prt_name decodes to an LV name"
                : "no LV is named " + String.join(" or ", names);
        throw new ImageDefectException("missing-parent", child, -1, "parent not found in VG "
                + vg.volumeGroup().name() + ": " + tried + (raw ? " (raw parent)"
                : "; no VHD LV has footer uuid " + prtUuid + " (prt_uuid)"));
    }
}
