package org.smapimigrate.vm;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.smapimigrate.xapi.XapiOperations;
import org.smapimigrate.xapi.XapiRecords;
import org.smapimigrate.xapi.XapiSession;
import org.smapimigrate.xapi.XapiTasks;
import org.smapimigrate.xapi.cbt.ChangedBlocks;
import org.smapimigrate.xapi.records.Vdi;
import org.smapimigrate.xapi.records.XapiClass;

/**
 * The write rate of running disks measured through the pool, for {@code plan --vm ... --mode live}
 * without {@code --write-rate}: a snapshot of each disk, a wait, a second snapshot, and
 * {@code VDI.list_changed_blocks} between the two (xapi-integration.md: CBT, 64 KiB blocks); both
 * snapshots are destroyed whatever happens. Only for disks whose CBT is already on: a plan does not
 * change a disk's settings. The rate counts each changed 64 KiB block once, so it is what the
 * passes would copy (rewrites of a block within the sample count once, as they do in a pass).
 */
public final class CbtWriteSample {
    private CbtWriteSample() {
    }

    /** VDIs (by uuid) whose CBT is off: the sample cannot measure them. */
    public static List<String> withoutCbt(XapiSession session, List<String> vdis) throws IOException {
        XapiRecords records = new XapiRecords(session);
        List<String> off = new ArrayList<>();
        for (String uuid : vdis) {
            if (!records.byUuid(XapiClass.VDI, uuid).cbtEnabled()) {
                off.add(uuid);
            }
        }
        return off;
    }

    /** Bytes per second each disk changed over {@code span}, by VDI uuid. */
    public static Map<String, Long> measure(XapiSession session, List<String> vdis, Duration span)
            throws IOException, InterruptedException {
        XapiRecords records = new XapiRecords(session);
        XapiOperations ops = new XapiOperations(session, new XapiTasks(session));
        Map<String, String> first = new LinkedHashMap<>();
        Map<String, String> second = new LinkedHashMap<>();
        boolean measured = false;
        try {
            long t0 = System.nanoTime();
            for (String uuid : vdis) {
                first.put(uuid, ops.vdiSnapshot(records.byUuid(XapiClass.VDI, uuid).ref()));
            }
            Thread.sleep(span.toMillis());
            for (String uuid : vdis) {
                second.put(uuid, ops.vdiSnapshot(records.byUuid(XapiClass.VDI, uuid).ref()));
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            Map<String, Long> rates = new LinkedHashMap<>();
            for (String uuid : vdis) {
                Vdi to = records.get(XapiClass.VDI, second.get(uuid));
                ChangedBlocks cb = ops.vdiListChangedBlocks(first.get(uuid), second.get(uuid), to.virtualSize(),
                        uuid + " sample");
                rates.put(uuid, (long) Math.ceil(cb.bytes() / seconds));
            }
            measured = true;
            return rates;
        } finally {
            IOException failed = null;
            for (String snap : concat(first, second)) {
                try {
                    ops.vdiDestroy(snap);
                } catch (IOException e) {
                    failed = failed == null ? e : failed;
                }
            }
            if (failed != null && measured) { // else the first failure is the one to report
                throw new IOException("the write-rate sample could not destroy one of its snapshots: "
                        + failed.getMessage() + "; destroy it by hand (xe vdi-destroy)", failed);
            }
        }
    }

    private static List<String> concat(Map<String, String> a, Map<String, String> b) {
        List<String> all = new ArrayList<>(a.values());
        all.addAll(b.values());
        return all;
    }
}
