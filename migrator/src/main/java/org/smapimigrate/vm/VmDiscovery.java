package org.smapimigrate.vm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.smapimigrate.inventory.Severity;
import org.smapimigrate.plan.Risk;
import org.smapimigrate.xapi.OneLine;
import org.smapimigrate.xapi.inventory.SmapiVersion;
import org.smapimigrate.xapi.records.Pbd;
import org.smapimigrate.xapi.records.Sr;
import org.smapimigrate.xapi.records.Vbd;
import org.smapimigrate.xapi.records.Vdi;
import org.smapimigrate.xapi.records.Vm;
import org.smapimigrate.xapi.wire.XapiDateTime;

/**
 * Finds what moving the named VMs involves: each VM and its snapshot VMs with their VBDs, every
 * VDI behind them, where each source SR lives on this host, and the risks that block a VM
 * (xapi-integration.md sections 2 and 3, "Safe repoint of a halted VM").
 */
final class VmDiscovery {
    /** sm_config keys SM sets on a VDI while it pauses, relinks or coalesces it (smapiv1-layout.md part D). */
    private static final List<String> BUSY_SM_KEYS = List.of("paused", "relinking", "activating");

    final List<VmPlan.PlannedVm> vms = new ArrayList<>();
    final List<VmPlan.PlannedDisk> disks = new ArrayList<>();
    final List<Risk> risks = new ArrayList<>();
    /** Source SR uuid to what opens it on this host (the SR directory, or the LVM PVs), for those visible. */
    final Map<String, SourceSr> sources = new LinkedHashMap<>();

    /** A source SR as this host sees it; {@code paths} empty when it cannot. */
    record SourceSr(String uuid, String name, String type, List<Path> paths, String invisibleBecause) {
    }

    private final PoolRecords pool;
    private final HostRoot host;

    VmDiscovery(PoolRecords pool, HostRoot host) {
        this.pool = pool;
        this.host = host;
    }

    void discover(List<Vm> named) {
        Set<String> allowed = new LinkedHashSet<>();
        for (Vm vm : named) {
            allowed.add(vm.ref());
            allowed.addAll(vm.snapshots());
        }
        Map<String, Vdi> moving = new LinkedHashMap<>();
        for (Vm vm : named) {
            String who = "VM '" + OneLine.of(vm.nameLabel(), 60) + "' (" + vm.uuid() + ")";
            if (vm.isHalted()) {
                if (!vm.currentOperations().isEmpty()) {
                    risk(Severity.ERROR, "vm-busy", vm.uuid(), who + " has operations in progress: "
                            + vm.currentOperations(), "Wait for them to finish, then plan again.");
                }
            } else if ("Suspended".equalsIgnoreCase(vm.powerState())) {
                risk(Severity.ERROR, "vm-suspended", vm.uuid(), who + " is suspended: its VBDs cannot be replaced",
                        "Resume and shut it down cleanly, then plan again.");
            } else {
                risk(Severity.ERROR, "vm-running", vm.uuid(), who + " is " + vm.powerState().toLowerCase()
                        + ": only a halted VM's VBDs can be replaced", "Shut it down cleanly, then plan again.");
            }
            vms.add(planned(vm, null, allowed, moving, who));
            List<Vm> snaps = vm.snapshots().stream().map(pool.vms::get).filter(s -> s != null)
                    .sorted(Comparator.comparing(Vm::snapshotTime).thenComparing(Vm::uuid)).toList();
            for (Vm s : snaps) {
                String sw = "snapshot '" + OneLine.of(s.nameLabel(), 60) + "' (" + s.uuid() + ") of " + who;
                if (!s.isHalted()) {
                    risk(Severity.ERROR, "vm-checkpoint", s.uuid(), sw + " is a checkpoint (" + s.powerState()
                                    + ", with memory): its VBDs are attached and cannot be replaced",
                            "Delete the checkpoint, or migrate this VM another way.");
                }
                vms.add(planned(s, vm.uuid(), allowed, moving, sw));
            }
        }
        // Parents (snapshot_of) before children: the leaves first, then snapshots oldest first.
        List<Vdi> order = new ArrayList<>(moving.values());
        order.sort(Comparator.comparing(Vdi::isASnapshot).thenComparing(Vdi::snapshotTime).thenComparing(Vdi::uuid));
        for (Vdi v : order) {
            Vdi of = pool.vdis.get(v.snapshotOf());
            String snapshotOf = of != null && moving.containsKey(of.ref()) ? of.uuid() : null;
            if (v.isASnapshot() && of != null && snapshotOf == null) {
                risk(Severity.WARNING, "snapshot-parent-not-moved", v.uuid(), "VDI " + v.uuid()
                        + " is a snapshot of " + of.uuid() + ", which is not moved: on the target it is a snapshot"
                        + " of nothing", "Name the VM that uses " + of.uuid() + " too.");
            }
            disks.add(new VmPlan.PlannedDisk(v.uuid(), pool.srs.get(v.sr()).uuid(), v.nameLabel(),
                    v.nameDescription(), v.virtualSize(), v.type(), v.isASnapshot(), snapshotOf,
                    v.isASnapshot() ? XapiDateTime.format(v.snapshotTime()) : null, v.tags(), v.otherConfig(),
                    null, null));
        }
    }

    private VmPlan.PlannedVm planned(Vm vm, String snapshotOf, Set<String> allowed, Map<String, Vdi> moving,
                                     String who) {
        List<VmPlan.PlannedVbd> out = new ArrayList<>();
        boolean cdNoted = false;
        List<Vbd> vbds = vm.vbds().stream().map(pool.vbds::get).filter(b -> b != null)
                .sorted(Comparator.comparing(Vbd::userdevice)).toList();
        for (Vbd b : vbds) {
            Vdi vdi = b.empty() ? null : pool.vdis.get(b.vdi());
            if (!b.isDisk() || b.empty() || vdi == null) {
                String why = b.empty() ? "empty " + b.type() + " drive" : b.type() + " (" + (vdi == null ? "no VDI"
                        : "VDI " + vdi.uuid()) + ")";
                out.add(new VmPlan.PlannedVbd(b.uuid(), b.userdevice(), b.type(), b.mode(), b.bootable(), b.empty(),
                        vdi == null ? null : vdi.uuid(), false, why + ": left alone"));
                if (!cdNoted) {
                    risk(Severity.INFO, "cd-left-alone", vm.uuid(), who + ": device " + b.userdevice() + ", " + why
                            + ", is left as it is", "Nothing to do: CDs and empty drives are not disks to move.");
                    cdNoted = true;
                }
                continue;
            }
            out.add(new VmPlan.PlannedVbd(b.uuid(), b.userdevice(), b.type(), b.mode(), b.bootable(), false,
                    vdi.uuid(), true, null));
            checkVdi(vm, b, vdi, allowed, who);
            moving.putIfAbsent(vdi.ref(), vdi);
        }
        return new VmPlan.PlannedVm(vm.uuid(), vm.nameLabel(), vm.powerState(), snapshotOf,
                snapshotOf == null ? null : XapiDateTime.format(vm.snapshotTime()), out);
    }

    private void checkVdi(Vm vm, Vbd b, Vdi vdi, Set<String> allowed, String who) {
        String what = who + ", device " + b.userdevice() + ": VDI '" + OneLine.of(vdi.nameLabel(), 60) + "' ("
                + vdi.uuid() + ")";
        if (b.currentlyAttached()) {
            risk(Severity.ERROR, "vdi-attached", vdi.uuid(), what + " is attached", "Shut the VM down, then plan again.");
        }
        for (String other : vdi.vbds()) {
            Vbd o = pool.vbds.get(other);
            if (o == null || o.ref().equals(b.ref())) {
                continue;
            }
            Vm ovm = pool.vms.get(o.vm());
            if (ovm != null && ovm.isControlDomain()) {
                if (o.currentlyAttached()) {
                    risk(Severity.ERROR, "vdi-attached", vdi.uuid(), what + " is attached to the control domain"
                            + " (a backup, xapi-nbd or another tool is reading it)", "Wait for it, then plan again.");
                }
            } else if (!allowed.contains(o.vm())) {
                risk(Severity.ERROR, "vdi-shared", vdi.uuid(), what + " is also used by VM '"
                                + OneLine.of(ovm == null ? o.vm() : ovm.nameLabel(), 60) + "' ("
                                + (ovm == null ? "?" : ovm.uuid()) + "), which is not named",
                        "Name both VMs with --vm, or detach the VDI from one of them.");
            }
        }
        if (!vdi.isMigratable()) {
            risk(Severity.ERROR, "vdi-not-migratable", vdi.uuid(), what + " is " + (vdi.missing() ? "missing"
                    : !vdi.managed() ? "not managed" : "of type " + vdi.type()), "Run an SR scan and check the VDI.");
        }
        if (vdi.isEncrypted()) {
            risk(Severity.ERROR, "vdi-encrypted", vdi.uuid(), what + " is encrypted (sm_config key_hash)",
                    "Encrypted VDIs cannot be read as plain VHD; move this VM another way.");
        }
        if (vdi.cbtEnabled()) {
            risk(Severity.WARNING, "vdi-cbt-enabled", vdi.uuid(), what + " has changed block tracking on; the copy"
                    + " does not carry it", "Enable CBT on the new VDI after the migration if backups use it.");
        }
        for (String k : BUSY_SM_KEYS) {
            if (vdi.smConfig().containsKey(k)) {
                risk(Severity.ERROR, "coalesce-in-progress", vdi.uuid(), what + " is being worked on by SM (sm_config "
                        + k + "): a coalesce or relink is in progress", "Wait for the SR's garbage collector, then plan again.");
                break;
            }
        }
        source(pool.srs.get(vdi.sr()), vdi.uuid());
    }

    /** Where the source SR lives here (section 2 "Where a SMAPIv1 SR lives on a host"). */
    private void source(Sr sr, String vdi) {
        if (sr == null || sources.containsKey(sr.uuid())) {
            return;
        }
        String why = null;
        List<Path> paths = new ArrayList<>();
        String kind = null;
        if (pool.smapi(sr) != SmapiVersion.V1) {
            why = "it is not a SMAPIv1 SR (type " + OneLine.of(sr.type(), 40) + ")";
        } else {
            Pbd pbd = pool.attachedPbd(sr);
            if (pbd == null) {
                why = "no PBD of it is attached on this host";
            } else if (sr.type().startsWith("lvm")) {
                kind = "lvm";
                String devices = pbd.deviceConfig().getOrDefault("device", "");
                if (devices.isEmpty()) {
                    why = "its PBD names no device (type " + OneLine.of(sr.type(), 40) + ": iSCSI and HBA SRs are found"
                            + " by SCSIid, which this host root does not map)";
                } else {
                    for (String d : devices.split(",")) {
                        paths.add(hostPath(d.strip()));
                    }
                }
            } else {
                kind = "file";
                paths.add(host.srMount(sr.uuid()));
            }
            for (Path p : paths) {
                if (p == null || !Files.exists(p)) {
                    why = "its " + ("lvm".equals(kind) ? "device " : "mount point ") + (p == null ? "(invalid)" : p)
                            + " is not there";
                }
            }
        }
        if (why != null) {
            paths.clear();
        }
        sources.put(sr.uuid(), new SourceSr(sr.uuid(), sr.nameLabel(), kind, paths, why));
    }

    private Path hostPath(String p) {
        try {
            return host.resolve(p);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The risks that say an SR cannot be read here: errors for the local transport only. */
    void invisibleSources(boolean local) {
        for (SourceSr s : sources.values()) {
            if (s.invisibleBecause() != null) {
                risk(local ? Severity.ERROR : Severity.INFO, "sr-not-visible", s.uuid(), "SR '"
                        + OneLine.of(s.name(), 60) + "' (" + s.uuid() + ") cannot be read on this host: "
                        + s.invisibleBecause(), local ? "Run on a host that sees it, or use --transport xapi."
                        : "Its disks move through XAPI's HTTP handlers.");
            }
        }
    }

    void risksAdd(Risk r) {
        risks.add(r);
    }

    private void risk(Severity s, String code, String subject, String message, String action) {
        risks.add(new Risk(s, code, subject, message, action));
    }
}
