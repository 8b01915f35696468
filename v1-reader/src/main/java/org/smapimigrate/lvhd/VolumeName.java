package org.smapimigrate.lvhd;

import org.smapimigrate.lvm.LogicalVolume;
import org.smapimigrate.lvm.LvmName;

/**
 * What an LV of an LVHD SR is, from its name and tags (smapiv1-layout part B, {@code lvhdutil.py},
 * {@code journaler.py}).
 *
 * @param kind what it is
 * @param uuid the VDI uuid the name carries ({@code VHD-<uuid>}, {@code LV-<uuid>},
 *             {@code VHD-OLD_<uuid>}, {@code jvhd_<uuid>}, {@code <uuid>.cbtlog}), else null
 */
public record VolumeName(Kind kind, String uuid) {

    public enum Kind {
        /** {@code MGT}: the SR metadata volume. */
        MGT,
        /** {@code VHD-<uuid>}: a VHD VDI. */
        VHD,
        /** {@code LV-<uuid>}: a raw VDI (vdi_type aio). */
        RAW,
        /** {@code VHD-OLD_<uuid>}: what an interrupted leaf-coalesce leaves. */
        OLD_VHD,
        /** Tagged {@code journaler}: {@code <type>_<id>_<value>}. */
        JOURNAL,
        /** {@code jvhd_<uuid>} (tag {@code jvhd}): a {@code vhd-util resize} journal. */
        RESIZE_JOURNAL,
        /** {@code <uuid>.cbtlog}: a changed-block-tracking log. */
        CBT_LOG,
        /** {@code QCOW2-<uuid>}: XCP-ng qcow2 VDI, not read by this tool. */
        QCOW2,
        /** Anything else. */
        OTHER
    }

    public static final String MGT_NAME = "MGT";
    public static final String VHD_PREFIX = "VHD-";
    public static final String RAW_PREFIX = "LV-";
    public static final String OLD_PREFIX = "VHD-OLD_";
    public static final String JOURNAL_TAG = "journaler";

    public static VolumeName of(LogicalVolume lv) {
        String n = lv.name();
        if (!LvmName.isValid(n)) {
            // Not a name LVM writes: never a VDI, so it never becomes a uuid, a path or a file name.
            return new VolumeName(Kind.OTHER, null);
        }
        if (n.equals(MGT_NAME)) {
            return new VolumeName(Kind.MGT, null);
        }
        if (lv.hasTag(JOURNAL_TAG)) {
            return new VolumeName(Kind.JOURNAL, null);
        }
        if (n.startsWith(OLD_PREFIX)) {
            return new VolumeName(Kind.OLD_VHD, n.substring(OLD_PREFIX.length()));
        }
        if (n.startsWith(VHD_PREFIX)) {
            return new VolumeName(Kind.VHD, n.substring(VHD_PREFIX.length()));
        }
        if (n.startsWith(RAW_PREFIX)) {
            return new VolumeName(Kind.RAW, n.substring(RAW_PREFIX.length()));
        }
        if (n.startsWith("jvhd_")) {
            return new VolumeName(Kind.RESIZE_JOURNAL, n.substring("jvhd_".length()));
        }
        if (n.endsWith(".cbtlog")) {
            return new VolumeName(Kind.CBT_LOG, n.substring(0, n.length() - ".cbtlog".length()));
        }
        if (n.startsWith("QCOW2-")) {
            return new VolumeName(Kind.QCOW2, n.substring("QCOW2-".length()));
        }
        return new VolumeName(Kind.OTHER, null);
    }

    /** A VDI SM's scan reports: {@code VHD-<uuid>} or {@code LV-<uuid>}. */
    public boolean isVdi() {
        return kind == Kind.VHD || kind == Kind.RAW;
    }

    /** An LV holding a VHD: a VDI or an {@code OLD_} leftover. */
    public boolean holdsVhd() {
        return kind == Kind.VHD || kind == Kind.OLD_VHD;
    }
}
