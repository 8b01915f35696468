/**
 * LVM2 read offline from PV images or devices, without LVM tools or device-mapper
 * (docs/lvm2-ondisk.md): {@link org.smapimigrate.lvm.PvLabel} and
 * {@link org.smapimigrate.lvm.MetadataAreaHeader} find the committed
 * {@link org.smapimigrate.lvm.MetadataText}, {@link org.smapimigrate.lvm.MetadataImport} turns it
 * into a {@link org.smapimigrate.lvm.VolumeGroup}, and {@link org.smapimigrate.lvm.OfflineVolumeGroup}
 * matches PV files to it and opens LVs as {@link org.smapimigrate.lvm.LogicalVolumeDisk}s.
 * Everything is opened read-only; every damage is an
 * {@link org.smapimigrate.disk.ImageDefectException} with a stable code.
 */
package org.smapimigrate.lvm;
