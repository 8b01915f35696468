package org.smapimigrate.lvhd;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.smapimigrate.chain.OwnSectorsDisk;
import org.smapimigrate.chain.VhdChain;
import org.smapimigrate.disk.ImageDefectException;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.inventory.SrInventory;
import org.smapimigrate.inventory.StorageRepository;
import org.smapimigrate.lvm.LogicalVolume;
import org.smapimigrate.lvm.LogicalVolumeDisk;
import org.smapimigrate.lvm.OfflineVolumeGroup;
import org.smapimigrate.lvm.PhysicalVolumeFile;
import org.smapimigrate.vhd.VhdImage;

/**
 * An LVHD SR (SMAPIv1 {@code lvm}, {@code lvmoiscsi}, {@code lvmohba}; smapiv1-layout part B)
 * read offline from the images or devices of its PVs, read-only: {@code VHD-<uuid>} LVs holding
 * VHDs, {@code LV-<uuid>} raw VDIs, the {@code MGT} volume with the names, and the leftovers of
 * interrupted SM operations.
 *
 * <p>Disks returned by {@link #openVdi} and {@link #openVolume} read the PV files this SR holds:
 * close them before the SR.
 */
public final class LvhdSr implements StorageRepository {
    public static final String VG_PREFIX = "VG_XenStorage-";
    public static final String MGT = VolumeName.MGT_NAME;

    private final List<Path> pvPaths;
    private final OfflineVolumeGroup vg;
    private final String srUuid;
    private final Map<String, VolumeName> names;
    private final Map<String, VhdVolume> vhds;
    private final Map<String, ImageDefectException> vhdDefects;
    private final SrMetadataVolume mgt;
    private final ImageDefectException mgtDefect;
    private final LvParentResolver resolver;
    private SrInventory inventory;

    private LvhdSr(List<Path> pvPaths, OfflineVolumeGroup vg, String srUuid, Map<String, VolumeName> names,
                   Map<String, VhdVolume> vhds, Map<String, ImageDefectException> vhdDefects,
                   SrMetadataVolume mgt, ImageDefectException mgtDefect, LvParentResolver resolver) {
        this.pvPaths = pvPaths;
        this.vg = vg;
        this.srUuid = srUuid;
        this.names = names;
        this.vhds = vhds;
        this.vhdDefects = vhdDefects;
        this.mgt = mgt;
        this.mgtDefect = mgtDefect;
        this.resolver = resolver;
    }

    /**
     * True when {@code path} claims to be an LVM physical volume (an LVM2 label in sectors 0-3),
     * damaged or not: what decides between an LVM SR and a file SR for a path given on the command line.
     */
    public static boolean isLvmPhysicalVolume(Path path) throws IOException {
        return PhysicalVolumeFile.looksLikePv(path);
    }

    /**
     * Opens the SR on the given PV images or devices (any order; all PVs of the VG for every VDI
     * to be readable) and looks once at every VHD LV and at MGT.
     *
     * @throws ImageDefectException the LVM defects of {@link OfflineVolumeGroup#open}, or
     *         {@code not-an-lvhd-sr} when the VG is not named {@code VG_XenStorage-<sr-uuid>}
     */
    public static LvhdSr open(List<Path> pvPaths) throws IOException {
        OfflineVolumeGroup vg = OfflineVolumeGroup.open(pvPaths);
        try {
            String vgName = vg.volumeGroup().name();
            if (!vgName.startsWith(VG_PREFIX)) {
                String hint = vgName.startsWith("XSLocalEXT-")
                        ? ": it is an ext SR (VG XSLocalEXT-<sr>), whose VDIs are files in the ext4 file system"
                                + " of its one LV; mount that and read it as a file SR"
                        : "";
                throw new ImageDefectException("not-an-lvhd-sr", pvPaths.get(0).toString(), -1, "VG " + vgName
                        + " is not an LVHD SR (VG_XenStorage-<sr-uuid>)" + hint);
            }
            Map<String, VolumeName> names = new LinkedHashMap<>();
            Map<String, VhdVolume> vhds = new LinkedHashMap<>();
            Map<String, ImageDefectException> vhdDefects = new LinkedHashMap<>();
            Map<UUID, String> byFooterUuid = new HashMap<>();
            SrMetadataVolume mgt = null;
            ImageDefectException mgtDefect = null;
            for (LogicalVolume lv : vg.volumeGroup().lvs()) {
                VolumeName name = VolumeName.of(lv);
                names.put(lv.name(), name);
                if (name.holdsVhd()) {
                    try {
                        VhdVolume v = probe(vg, lv.name());
                        vhds.put(lv.name(), v);
                        byFooterUuid.putIfAbsent(v.footerUuid(), lv.name());
                    } catch (ImageDefectException e) {
                        vhdDefects.put(lv.name(), e);
                    }
                } else if (name.kind() == VolumeName.Kind.MGT) {
                    try (LogicalVolumeDisk disk = vg.openLv(MGT)) {
                        mgt = SrMetadataVolume.read(disk, MGT);
                    } catch (ImageDefectException e) {
                        mgtDefect = e;
                    }
                }
            }
            return new LvhdSr(List.copyOf(pvPaths), vg, vgName.substring(VG_PREFIX.length()),
                    Collections.unmodifiableMap(names), Collections.unmodifiableMap(vhds),
                    Collections.unmodifiableMap(vhdDefects), mgt, mgtDefect, new LvParentResolver(vg, byFooterUuid));
        } catch (IOException | RuntimeException e) {
            try {
                vg.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static VhdVolume probe(OfflineVolumeGroup vg, String lv) throws IOException {
        try (VhdImage image = VhdImage.open(vg.openLv(lv), lv)) {
            return VhdVolume.of(lv, image);
        }
    }

    /** The SR uuid, from the VG name. */
    public String srUuid() {
        return srUuid;
    }

    public List<Path> pvPaths() {
        return pvPaths;
    }

    public OfflineVolumeGroup volumeGroup() {
        return vg;
    }

    /** The MGT volume, or null when the SR has none (legacy mode) or it could not be read. */
    public SrMetadataVolume srMetadata() {
        return mgt;
    }

    /** Why MGT could not be read, or null. */
    public ImageDefectException srMetadataDefect() {
        return mgtDefect;
    }

    /**
     * The live MGT records by VDI uuid: names, {@code is_a_snapshot}, {@code snapshot_of},
     * {@code snapshot_time}, {@code managed}, ... Empty without MGT.
     */
    public Map<String, MgtVdiRecord> mgtRecords() {
        return mgt == null ? Map.of() : mgt.liveByUuid();
    }

    /** The live MGT record of one VDI. */
    public Optional<MgtVdiRecord> mgtRecord(String vdiUuid) {
        return Optional.ofNullable(mgtRecords().get(vdiUuid));
    }

    /** What each LV of the VG is. */
    public Map<String, VolumeName> volumeNames() {
        return names;
    }

    /** The VHD LVs (VDIs and {@code OLD_} leftovers) that opened, by LV name. */
    public Map<String, VhdVolume> vhdVolumes() {
        return vhds;
    }

    /** The VHD LVs that did not open as VHDs, with why. */
    public Map<String, ImageDefectException> vhdDefects() {
        return vhdDefects;
    }

    LvParentResolver resolver() {
        return resolver;
    }

    @Override
    public synchronized SrInventory inventory() throws IOException {
        if (inventory == null) {
            inventory = new LvhdScan(this).run();
        }
        return inventory;
    }

    /**
     * Opens VDI {@code uuid}: the chain of {@code VHD-<uuid>}, or the raw {@code LV-<uuid>}.
     *
     * @throws ImageDefectException {@code no-such-vdi}, or what makes it unreadable
     */
    @Override
    public VirtualDisk openVdi(String uuid) throws IOException {
        return openVolume(volumeOf(uuid));
    }

    /**
     * Opens the image of VDI {@code uuid} alone: {@code VHD-<uuid>} without its parents, or the
     * raw {@code LV-<uuid>} as a whole.
     *
     * @throws ImageDefectException {@code no-such-vdi}, or what makes the image unreadable
     */
    @Override
    public VirtualDisk openOwnSectors(String uuid) throws IOException {
        String lv = volumeOf(uuid);
        LogicalVolumeDisk disk = vg.openLv(lv);
        if (!names.get(lv).holdsVhd()) {
            return OwnSectorsDisk.ofRaw(disk, lv);
        }
        try {
            return OwnSectorsDisk.of(VhdImage.open(disk, lv));
        } catch (IOException | RuntimeException e) {
            disk.close();
            throw e;
        }
    }

    private String volumeOf(String uuid) throws ImageDefectException {
        for (String lv : List.of(VolumeName.VHD_PREFIX + uuid, VolumeName.RAW_PREFIX + uuid)) {
            if (names.containsKey(lv)) {
                return lv;
            }
        }
        throw new ImageDefectException("no-such-vdi", vg.volumeGroup().name(), -1, "no VDI " + uuid + " (neither "
                + VolumeName.VHD_PREFIX + uuid + " nor " + VolumeName.RAW_PREFIX + uuid + " is an LV of the SR)");
    }

    /**
     * Opens any LV of the SR as a disk: an LV holding a VHD ({@code VHD-*}, {@code VHD-OLD_*}) as
     * its chain, any other LV as its raw bytes.
     */
    public VirtualDisk openVolume(String lvName) throws IOException {
        VolumeName name = names.get(lvName);
        if (name == null) {
            throw new ImageDefectException("no-such-lv", vg.volumeGroup().name(), -1, "no LV " + lvName);
        }
        LogicalVolumeDisk disk = vg.openLv(lvName);
        if (!name.holdsVhd()) {
            return disk;
        }
        VhdImage leaf = VhdImage.open(disk, lvName);
        try {
            return VhdChain.open(leaf, lvName, resolver);
        } catch (IOException | RuntimeException e) {
            leaf.close();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        vg.close();
    }
}
