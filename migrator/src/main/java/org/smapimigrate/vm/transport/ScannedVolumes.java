package org.smapimigrate.vm.transport;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.smapimigrate.migrate.MigrationException;
import org.smapimigrate.xapi.XapiOperations;
import org.smapimigrate.xapi.XapiSession;
import org.smapimigrate.xapi.XapiTasks;
import org.smapimigrate.xapi.records.Vdi;

/**
 * How volumes written into the target SR through its plugin become VDIs XAPI knows, as xapi's
 * own SXM does it (xapi-integration.md section 3, "SR.scan" and "Introducing a VDI"):
 * {@code SR.scan} of the target SR, then each volume found by {@code location} = its key in that
 * SR. Shared by every path that writes volumes itself (the local transport, the live migration).
 */
public final class ScannedVolumes {
    private final XapiSession session;
    private final XapiOperations ops;
    private final String targetSrUuid;
    private String sr;

    public ScannedVolumes(XapiSession session, String targetSrUuid) {
        this.session = session;
        this.ops = new XapiOperations(session, new XapiTasks(session));
        this.targetSrUuid = targetSrUuid;
    }

    /** SR.scan of the target SR: XAPI learns the new volumes. */
    public void scan(TransportEvents events) throws IOException {
        sr = session.callForString("SR.get_by_uuid", targetSrUuid);
        events.note("SR.scan of the target SR " + targetSrUuid + ": XAPI learns the new volumes");
        ops.srScan(sr, (task, f) -> { });
    }

    /**
     * After {@link #scan}: source VDI uuid to the uuid of the VDI at its volume's key.
     *
     * @param keys source VDI uuid to volume key in the target SR
     */
    public Map<String, String> find(List<DiskToMove> disks, Map<String, String> keys, TransportEvents events)
            throws IOException {
        if (sr == null) {
            throw new IllegalStateException("scan first");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (DiskToMove d : disks) {
            String key = keys.get(d.sourceVdiUuid());
            if (key == null) {
                throw new MigrationException("no volume of the disk plans holds VDI " + d.sourceVdiUuid());
            }
            Map<String, Vdi> found = ops.vdisAt(sr, key);
            if (found.size() != 1) {
                throw new MigrationException("SR.scan of " + targetSrUuid + " gave " + found.size() + " VDIs at location "
                        + key + " (the volume of VDI " + d.sourceVdiUuid() + "); expected one. Run the same command"
                        + " again after checking the SR");
            }
            Vdi v = found.values().iterator().next();
            out.put(d.sourceVdiUuid(), v.uuid());
            events.progress(d.sourceVdiUuid(), d.virtualSize(), d.virtualSize());
        }
        return out;
    }
}
