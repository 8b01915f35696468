package org.smapimigrate.inventory;

import java.util.List;

/**
 * What a scan found in one SR: its VDIs, leftovers of interrupted operations and problems.
 *
 * @param path       the SR directory, or the PV list of an LVM SR
 * @param type       {@code file} or {@code lvm}
 * @param uuid       SR uuid (directory name, or from the VG name), or null when unknown
 * @param nameLabel  SR name (LVM MGT), or null
 * @param vdis       every VDI, base copies and hidden leaves included
 */
public record SrInventory(String path, String type, String uuid, String nameLabel,
                          List<VdiEntry> vdis, List<Leftover> leftovers, List<Problem> problems) {

    public VdiEntry vdi(String uuid) {
        return vdis.stream().filter(v -> v.uuid().equals(uuid)).findFirst().orElse(null);
    }
}
