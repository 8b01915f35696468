package org.smapimigrate.xapi;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.smapimigrate.xapi.records.NewVbd;
import org.smapimigrate.xapi.records.NewVdi;
import org.smapimigrate.xapi.records.Vdi;
import org.smapimigrate.xapi.records.XapiClass;

/**
 * The changes a migration makes through XAPI, typed (xapi-integration.md section 3). Long ones
 * (SR.scan, VDI.create) run as tasks with progress. Each is one XAPI call; the caller journals
 * around them, since after a dropped connection (XapiConnectionException.mayHaveHappened) the
 * state must be read again.
 */
public final class XapiOperations {
    private final XapiSession session;
    private final XapiTasks tasks;

    public XapiOperations(XapiSession session, XapiTasks tasks) {
        this.session = session;
        this.tasks = tasks;
    }

    /** SR.scan: how XAPI learns the volumes of a SMAPIv3 SR (and forgets VDIs whose volume is gone). */
    public void srScan(String sr, TaskProgress progress) throws IOException {
        tasks.run("SR.scan", progress, sr);
    }

    /** VDI.create; returns the new VDI's ref. */
    public String vdiCreate(NewVdi vdi, TaskProgress progress) throws IOException {
        return tasks.run("VDI.create", progress, vdi.toWire());
    }

    /** VDIs of {@code sr} whose location is {@code location} (the volume key on SMAPIv3): what xapi's own SXM does. */
    public Map<String, Vdi> vdisAt(String sr, String location) throws IOException {
        if (location.contains("\"") || sr.contains("\"")) {
            throw new IllegalArgumentException("a quote in a location or ref cannot be matched: " + OneLine.of(location, 80));
        }
        Map<String, Vdi> out = new java.util.LinkedHashMap<>();
        com.fasterxml.jackson.databind.JsonNode all = session.call("VDI.get_all_records_where",
                "field \"location\"=\"" + location + "\" and field \"SR\"=\"" + sr + "\"");
        all.fields().forEachRemaining(e -> out.put(e.getKey(), XapiClass.VDI.read(e.getKey(), e.getValue())));
        return out;
    }

    public String vbdCreate(NewVbd vbd) throws IOException {
        return session.callForString("VBD.create", vbd.toWire());
    }

    public void vbdDestroy(String vbd) throws IOException {
        session.call("VBD.destroy", vbd);
    }

    /** Replaces a VDI's other_config whole (add_to_ fails on an existing key: MAP_DUPLICATE_KEY). */
    public void vdiSetOtherConfig(String vdi, Map<String, String> otherConfig) throws IOException {
        session.call("VDI.set_other_config", vdi, otherConfig);
    }

    public void vdiSetTags(String vdi, List<String> tags) throws IOException {
        session.call("VDI.set_tags", vdi, tags);
    }

    /** VM.blocked_operations is a map operation to error code; set it whole to restore it exactly. */
    public void vmSetBlockedOperations(String vm, Map<String, String> blocked) throws IOException {
        session.call("VM.set_blocked_operations", vm, blocked);
    }
}
