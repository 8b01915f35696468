package org.smapimigrate.report.plan;

import org.smapimigrate.plan.CloneVolume;
import org.smapimigrate.plan.CopyExtents;
import org.smapimigrate.plan.CopyScope;
import org.smapimigrate.plan.CreateVolume;
import org.smapimigrate.plan.ResizeVolume;
import org.smapimigrate.plan.SetMetadata;
import org.smapimigrate.plan.SnapshotVolume;
import org.smapimigrate.plan.Step;
import org.smapimigrate.plan.VerifyVolume;
import org.smapimigrate.plan.VolumePurpose;
import org.smapimigrate.report.Sizes;

/** Steps in words, for the steps table of a report. */
final class StepText {
    private StepText() {
    }

    static String kind(Step s) {
        if (s instanceof CreateVolume) {
            return "create";
        } else if (s instanceof CopyExtents c) {
            return c.scope() == CopyScope.FLATTENED_CHAIN ? "copy chain" : "copy own";
        } else if (s instanceof ResizeVolume) {
            return "resize";
        } else if (s instanceof SnapshotVolume sn) {
            return sn.purpose() == VolumePurpose.CARRIER ? "carrier" : "snapshot";
        } else if (s instanceof CloneVolume) {
            return "clone";
        } else if (s instanceof VerifyVolume) {
            return "verify";
        }
        return "metadata";
    }

    static String describe(Step s) {
        if (s instanceof CreateVolume c) {
            return "Volume.create " + Sizes.human(c.size()) + " named \"" + c.name() + "\""
                    + (c.purpose() == VolumePurpose.CARRIER ? " (carrier)" : "");
        } else if (s instanceof CopyExtents c) {
            return c.scope() == CopyScope.FLATTENED_CHAIN
                    ? "write " + short8(c.source()) + " read through its chain of " + c.chain().size()
                    + (c.chain().size() == 1 ? " image" : " images")
                    : "write the blocks " + short8(c.source()) + " holds itself, zeros included";
        } else if (s instanceof ResizeVolume r) {
            return "Volume.resize " + Sizes.human(r.fromSize()) + " → " + Sizes.human(r.toSize()) + " for "
                    + short8(r.forImage());
        } else if (s instanceof SnapshotVolume sn) {
            return "Volume.snapshot of " + shortId(sn.of()) + (sn.purpose() == VolumePurpose.CARRIER
                    ? ": read-only carrier of base copy " + short8(sn.owner()) : " for " + short8(sn.owner()));
        } else if (s instanceof CloneVolume cl) {
            return "Volume.clone of " + shortId(cl.of()) + " for " + short8(cl.owner());
        } else if (s instanceof VerifyVolume v) {
            return "compare " + Sizes.human(v.size()) + " with " + short8(v.source()) + " read through its chain";
        } else if (s instanceof SetMetadata m) {
            return "name \"" + m.name() + "\", " + m.keys().size() + " keys"
                    + (m.snapshotOf() == null ? "" : ", snapshot_of = key of " + shortId(m.snapshotOf()));
        }
        return s.id();
    }

    static String short8(String uuid) {
        return uuid == null ? "" : uuid.length() > 8 ? uuid.substring(0, 8) : uuid;
    }

    /** A step id with uuids cut to 8 characters: {@code copy:b3ad6704@331a22ef}. */
    static String shortId(String id) {
        return id == null ? "" : id.replaceAll("([0-9a-f]{8})-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "$1");
    }
}
