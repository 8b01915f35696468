package org.smapimigrate.plan;

import java.util.LinkedHashMap;
import java.util.Map;
import org.smapimigrate.inventory.StorageRepository;
import org.smapimigrate.lvhd.LvhdSr;

/** What an SR itself records about snapshots: an LVHD SR's MGT volume; file SRs keep it only in XAPI. */
public final class SnapshotRecords {
    private SnapshotRecords() {
    }

    public static Map<String, SnapshotInfo> of(StorageRepository sr) {
        Map<String, SnapshotInfo> out = new LinkedHashMap<>();
        if (sr instanceof LvhdSr lvhd) {
            lvhd.mgtRecords().forEach((uuid, r) -> out.put(uuid, new SnapshotInfo(r.isASnapshot(), r.snapshotOf(),
                    r.snapshotTime())));
        }
        return out;
    }
}
