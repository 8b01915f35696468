package org.smapimigrate.live.xapi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.smapimigrate.vm.VmMigration;
import org.smapimigrate.vm.VmPlan;
import org.smapimigrate.vm.VmPlanJson;
import org.smapimigrate.vm.transport.DiskToMove;
import org.smapimigrate.vm.transport.DiskTransport;
import org.smapimigrate.vm.transport.ScannedVolumes;
import org.smapimigrate.vm.transport.TransportEvents;
import org.smapimigrate.xapi.XapiRecords;
import org.smapimigrate.xapi.XapiSession;
import org.smapimigrate.xapi.records.Sr;
import org.smapimigrate.xapi.records.Vbd;
import org.smapimigrate.xapi.records.Vdi;
import org.smapimigrate.xapi.records.Vm;
import org.smapimigrate.xapi.records.XapiClass;

/**
 * The XAPI half of a live switch-over, once the VM is halted and every target volume holds the
 * disk's final state, verified: the volumes become VDIs ({@link ScannedVolumes}: SR.scan, found by
 * location), each gets the source's other_config (without the live mark) and tags, and the VM's
 * VBDs are repointed. All of that is the offline VM migration's own code ({@link VmMigration}:
 * its checks before touching anything, registration, {@code Repointing} journaled in a
 * {@code VmJournal}, and on failure the rollback that puts every VBD back on its old VDI), run on
 * a VM plan of this VM alone whose transport is "the volumes the passes wrote". The VM's snapshot
 * VMs stay on their old disks.
 *
 * <p>The plan file is written once in {@code stateDir}; a rerun after a kill finishes from its
 * journal, as the offline migration does.
 */
public final class XapiSwitchOver {
    private final XapiSession session;
    private final String vmUuid;
    private final String targetSrUuid;
    private final Path planFile;
    private final String xapiUrl;

    public XapiSwitchOver(XapiSession session, String xapiUrl, String vmUuid, String targetSrUuid, Path stateDir)
            throws IOException {
        this.session = session;
        this.vmUuid = vmUuid;
        this.targetSrUuid = targetSrUuid;
        Files.createDirectories(stateDir);
        this.planFile = stateDir.resolve("live-vm-" + vmUuid + ".json");
        this.xapiUrl = xapiUrl;
    }

    /**
     * Registers the volumes and repoints the halted VM onto them.
     *
     * @param volumeKeys source VDI uuid to the key of its volume in the target SR
     * @param digests    source VDI uuid to the verified whole-disk digest (into other_config), may be empty
     * @return source VDI uuid to new VDI uuid
     * @throws IOException when anything fails; the VBDs are then back on the old VDIs (or the message says
     *                     how to finish putting them back)
     */
    public Map<String, String> repoint(Map<String, String> volumeKeys, Map<String, String> digests,
                                       TransportEvents events) throws IOException {
        VmPlan plan = Files.exists(planFile) ? VmPlanJson.read(planFile) : plan(volumeKeys.keySet());
        if (!Files.exists(planFile)) {
            VmPlanJson.write(plan, planFile);
        }
        DiskTransport transport = new DiskTransport() {
            @Override
            public Map<String, String> move(List<DiskToMove> disks, Path stateDir, TransportEvents ev)
                    throws IOException {
                ScannedVolumes volumes = new ScannedVolumes(session, targetSrUuid);
                volumes.scan(ev);
                return volumes.find(disks, volumeKeys, ev);
            }

            @Override
            public Map<String, String> digests() {
                return digests;
            }
        };
        return new VmMigration(plan, planFile, session, events).run(transport, Set.of()).vdis();
    }

    /** A VM plan of this VM alone: its disks in {@code disks} repointed, everything else left alone. */
    private VmPlan plan(Set<String> disks) throws IOException {
        XapiRecords r = new XapiRecords(session);
        Vm vm = r.byUuid(XapiClass.VM, vmUuid);
        List<VmPlan.PlannedVbd> vbds = new ArrayList<>();
        List<VmPlan.PlannedDisk> planned = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        for (String ref : vm.vbds()) {
            Vbd b = r.get(XapiClass.VBD, ref);
            String vdiUuid = b.empty() ? null : r.get(XapiClass.VDI, b.vdi()).uuid();
            boolean move = vdiUuid != null && disks.contains(vdiUuid) && b.type().equalsIgnoreCase("Disk");
            vbds.add(new VmPlan.PlannedVbd(b.uuid(), b.userdevice(), b.type(), b.mode(), b.bootable(), b.empty(), vdiUuid,
                    move, move ? null : "not a disk of this live migration"));
            if (move && seen.add(vdiUuid)) { // a VDI behind two VBDs is registered once
                Vdi v = r.get(XapiClass.VDI, b.vdi());
                Map<String, String> oc = new TreeMap<>(v.otherConfig());
                oc.remove(XapiSourceController.MARK_KEY);
                planned.add(new VmPlan.PlannedDisk(v.uuid(), r.get(XapiClass.SR, v.sr()).uuid(), v.nameLabel(),
                        v.nameDescription(), v.virtualSize(), v.type(), false, null, null, v.tags(), oc, null, null));
            }
        }
        Sr target = r.byUuid(XapiClass.SR, targetSrUuid);
        return new VmPlan(VmPlan.FORMAT, "live-" + vmUuid, xapiUrl,
                new VmPlan.PoolSr(target.uuid(), target.nameLabel(), target.type()),
                new VmPlan.Transport("live", "the live passes wrote the volumes through the target's plugin"), "/",
                List.of(new VmPlan.PlannedVm(vm.uuid(), vm.nameLabel(), vm.powerState(), null, null, vbds)), planned,
                List.of(), List.of());
    }
}
