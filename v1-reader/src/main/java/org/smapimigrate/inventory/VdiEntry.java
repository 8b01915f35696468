package org.smapimigrate.inventory;

/**
 * One VDI of an SR inventory.
 *
 * @param uuid           the VDI uuid: the file name (file SR) or LV name (LVM SR), not the footer uuid
 * @param role           structural role
 * @param hidden         the hidden flag (footer byte 85, or the LV tag {@code hidden} for raw LVs)
 * @param virtualSize    bytes
 * @param allocatedBytes allocated blocks of this image alone times the block size; raw: its size
 * @param parent         parent VDI uuid, or null for a root or an unresolvable parent
 * @param depth          images from this one to the root, itself included (vhd-util query -d)
 * @param path           file path, or {@code PV-image:LV} description for LVM
 * @param lv             LV name on an LVM SR, else null
 * @param nameLabel      name from MGT on an LVM SR, else null
 * @param nameDescription description from MGT, else null
 * @param readable       false when the chain cannot be read exactly (see the problems)
 * @param format         {@code vhd} or {@code raw}
 */
public record VdiEntry(String uuid, VdiRole role, boolean hidden, long virtualSize, long allocatedBytes,
                       String parent, int depth, String path, String lv, String nameLabel,
                       String nameDescription, boolean readable, String format) {
}
