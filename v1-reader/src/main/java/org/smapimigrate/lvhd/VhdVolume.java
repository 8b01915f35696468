package org.smapimigrate.lvhd;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.smapimigrate.vhd.Finding;
import org.smapimigrate.vhd.ParentLocator;
import org.smapimigrate.vhd.VhdImage;

/**
 * What an LVHD SR keeps of a VHD LV after looking at it once: its footer, hidden flag and where
 * its parent should be.
 *
 * @param lv          the LV name
 * @param footerUuid  the footer uuid (not the VDI uuid)
 * @param parentUuid  {@code prt_uuid} of a differencing disk, else null
 * @param parentNames LV names the parent locators (slot order) and {@code prt_name} decode to
 */
public record VhdVolume(String lv, UUID footerUuid, boolean hidden, long virtualSize, long allocatedBytes,
                        boolean differencing, boolean parentIsRaw, UUID parentUuid, List<String> parentNames,
                        VhdImage.FooterSource footerSource, List<Finding> findings) {
    public VhdVolume {
        parentNames = List.copyOf(parentNames);
        findings = List.copyOf(findings);
    }

    static VhdVolume of(String lv, VhdImage image) {
        return new VhdVolume(lv, image.uuid(), image.hidden(), image.virtualSize(), image.allocatedBytes(),
                image.isDifferencing(), image.parentIsRaw(), image.parentUuid(), parentNames(image),
                image.footerSource(), image.findings());
    }

    /** LV names in the order blktap would try them: usable locators by slot, then {@code prt_name}. */
    static List<String> parentNames(VhdImage image) {
        List<String> names = new ArrayList<>();
        if (!image.isDifferencing()) {
            return names;
        }
        for (ParentLocator loc : image.parentLocators()) {
            if (loc.usable()) {
                add(names, DeviceMapperName.lvName(loc.path()));
            }
        }
        String prtName = image.parentUnicodeName();
        if (prtName != null) {
            add(names, DeviceMapperName.lvName(prtName));
        }
        return names;
    }

    private static void add(List<String> names, String name) {
        if (name != null && !names.contains(name)) {
            names.add(name);
        }
    }
}
