package org.smapimigrate.xapi;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.smapimigrate.xapi.cbt.ChangedBlocks;
import org.smapimigrate.xapi.nbd.NbdServerInfo;
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

    // ---- live migration (xapi-integration.md section 4) ----

    /**
     * VDI.snapshot: a new VDI in the same SR frozen at this instant, allowed while the VDI is
     * attached; it inherits other_config and tags. Refused for sharable VDIs (VDI_IS_SHARABLE),
     * on_boot=reset, and at the chain limit (SR_BACKEND_FAILURE_109).
     */
    public String vdiSnapshot(String vdi) throws IOException {
        return session.callForString("VDI.snapshot", vdi, Map.of());
    }

    /** VDI.enable_cbt: idempotent; refused on snapshots, on types other than user/system, for on_boot=reset. */
    public void vdiEnableCbt(String vdi) throws IOException {
        session.call("VDI.enable_cbt", vdi);
    }

    /** VDI.disable_cbt: idempotent. */
    public void vdiDisableCbt(String vdi) throws IOException {
        session.call("VDI.disable_cbt", vdi);
    }

    /**
     * VDI.list_changed_blocks(vdi_from, vdi_to), decoded and checked against {@code toSize} (the
     * virtual size of {@code vdi_to}). {@code vdi_to} must not be attached (VDI_IN_USE), which
     * includes xapi-nbd's dom0 VBD while it is being read: list first, then read. Both must be in
     * one CBT chain (SR_BACKEND_FAILURE_460 otherwise).
     *
     * @param what the two VDIs by uuid, for messages
     */
    public ChangedBlocks vdiListChangedBlocks(String from, String to, long toSize, String what) throws IOException {
        String method = "VDI.list_changed_blocks";
        com.fasterxml.jackson.databind.JsonNode n = session.call(method, from, to);
        if (n == null || !n.isTextual()) {
            throw new XapiProtocolException(method + "(" + what + "): expected a base64 string, got "
                    + (n == null ? "nothing" : n.getNodeType()));
        }
        return ChangedBlocks.decode(n.asText(), toSize, method + "(" + what + ")");
    }

    /**
     * VDI.get_nbd_info: where xapi-nbd serves the VDI, one entry per address of each host that can
     * (empty when no network has the nbd purpose). The entries hold a secret export name.
     */
    public List<NbdServerInfo> vdiGetNbdInfo(String vdi, String vdiUuid) throws IOException {
        return NbdServerInfo.readAll(session.call("VDI.get_nbd_info", vdi), vdiUuid);
    }

    /** VDI.destroy: also destroys every unattached VBD of the VDI; VDI_IN_USE while one is attached. */
    public void vdiDestroy(String vdi) throws IOException {
        session.call("VDI.destroy", vdi);
    }

    /**
     * VDI.data_destroy: for a CBT snapshot only; deletes the data, keeps the CBT log (type becomes
     * cbt_metadata). OPERATION_NOT_ALLOWED / VDI_NO_CBT_METADATA otherwise, VDI_IN_USE after 4 s of VBDs.
     */
    public void vdiDataDestroy(String vdi) throws IOException {
        session.call("VDI.data_destroy", vdi);
    }

    /** The VM's power_state now: Halted, Paused, Running or Suspended. */
    public String vmPowerState(String vm) throws IOException {
        return session.callForString("VM.get_power_state", vm);
    }

    /**
     * VM.clean_shutdown, waited for at most {@code within}: on time-out the task is cancelled and
     * {@link XapiTimeoutException} thrown (the guest may still be shutting down: read the power state).
     */
    public void vmCleanShutdown(String vm, Duration within) throws IOException {
        tasks.runWithin(within, "VM.clean_shutdown", TaskProgress.NONE, vm);
    }

    /** VM.hard_shutdown: the domain is destroyed at once (Running or Paused). */
    public void vmHardShutdown(String vm) throws IOException {
        tasks.run("VM.hard_shutdown", TaskProgress.NONE, vm);
    }

    /** VM.start(vm, start_paused, force) on a host XAPI chooses. */
    public void vmStart(String vm, boolean paused, boolean force) throws IOException {
        tasks.run("VM.start", TaskProgress.NONE, vm, paused, force);
    }

    /** VM.start_on(vm, host, start_paused, force): on that host. */
    public void vmStartOn(String vm, String host, boolean paused, boolean force) throws IOException {
        tasks.run("VM.start_on", TaskProgress.NONE, vm, host, paused, force);
    }

    /** VM.pause: Running to Paused (the guest is frozen; VBDs cannot change). */
    public void vmPause(String vm) throws IOException {
        session.call("VM.pause", vm);
    }

    /** VM.unpause: Paused to Running. */
    public void vmUnpause(String vm) throws IOException {
        session.call("VM.unpause", vm);
    }
}
