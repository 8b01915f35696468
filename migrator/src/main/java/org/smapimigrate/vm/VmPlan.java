package org.smapimigrate.vm;

import java.util.List;
import java.util.Map;
import org.smapimigrate.plan.Plan;
import org.smapimigrate.plan.Risk;

/**
 * A VM-level plan ({@code plan --xapi URL --vm ...}): the disk plans of the one engine, one per
 * source SR, each run by the plan executor unchanged, plus what the engine does not know: the
 * VMs, their VBDs by userdevice, their snapshot VMs, and which planned volume each source VDI
 * becomes. Written to the plan file; nothing secret in it (the pool's URL, never a password).
 *
 * @param format     {@value #FORMAT}
 * @param id         unique per plan: names the state kept for its runs
 * @param xapi       the pool's URL as given
 * @param targetSr   the target SR in the pool
 * @param transport  {@code local} or {@code xapi}, and why
 * @param hostRoot   where host paths were resolved ({@code /} on a host)
 * @param vms        the VMs named, each followed by its snapshot VMs
 * @param disks      every VDI to move, parents (snapshot_of) before children
 * @param diskPlans  for the local transport: one engine plan per source SR
 * @param risks      VM-level risks first, then the disk plans' risks; error-level ones block
 * @param live       with {@code --mode live}: the forecast of each running VM's live migration; else null
 */
public record VmPlan(String format, String id, String xapi, PoolSr targetSr, Transport transport, String hostRoot,
                     List<PlannedVm> vms, List<PlannedDisk> disks, List<Plan> diskPlans, List<Risk> risks,
                     @com.fasterxml.jackson.annotation.JsonInclude(
                             com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                     org.smapimigrate.plan.VmLivePlan live) {

    public static final String FORMAT = "smapi-migrate-vm-plan/1";

    /** An offline VM plan (no live forecast). */
    public VmPlan(String format, String id, String xapi, PoolSr targetSr, Transport transport, String hostRoot,
                  List<PlannedVm> vms, List<PlannedDisk> disks, List<Plan> diskPlans, List<Risk> risks) {
        this(format, id, xapi, targetSr, transport, hostRoot, vms, disks, diskPlans, risks, null);
    }

    /** The same plan with a live forecast ({@code --mode live}) and the risks as it leaves them. */
    public VmPlan withLive(org.smapimigrate.plan.VmLivePlan forecast, List<Risk> liveRisks) {
        return new VmPlan(format, id, xapi, targetSr, transport, hostRoot, vms, disks, diskPlans, liveRisks, forecast);
    }

    public VmPlan {
        vms = List.copyOf(vms);
        disks = List.copyOf(disks);
        diskPlans = List.copyOf(diskPlans);
        risks = List.copyOf(risks);
    }

    /** An SR of the pool as planned: uuid, name, type (SMAPIv3: the plugin's name). */
    public record PoolSr(String uuid, String name, String type) {
    }

    /** @param kind {@code local} or {@code xapi}; @param reason why it was chosen */
    public record Transport(String kind, String reason) {
        public static final String LOCAL = "local";
        public static final String XAPI = "xapi";
    }

    /**
     * A VM or snapshot VM.
     *
     * @param snapshotOf for a snapshot VM, the uuid of the VM it is of; else null
     * @param vbds       every VBD, CDs and empty ones too (left alone, said so)
     */
    public record PlannedVm(String uuid, String name, String powerState, String snapshotOf, String snapshotTime,
                            List<PlannedVbd> vbds) {
        public PlannedVm {
            vbds = List.copyOf(vbds);
        }

        @com.fasterxml.jackson.annotation.JsonIgnore
        public boolean isSnapshot() {
            return snapshotOf != null;
        }
    }

    /**
     * @param vdi     source VDI uuid, or null when empty
     * @param repoint true when the VBD moves to the VDI's copy; false for CDs, empty drives
     * @param why     for a VBD left alone, why
     */
    public record PlannedVbd(String uuid, String userdevice, String type, String mode, boolean bootable, boolean empty,
                             String vdi, boolean repoint, String why) {
    }

    /**
     * A source VDI to move (the transport's {@code DiskToMove}, plus what registration carries).
     *
     * @param sr           the source SR's uuid
     * @param snapshotOf   source uuid of the VDI it is a snapshot of, or null
     * @param diskPlan     id of the disk plan that makes its volume (local transport), or null
     * @param volumeStep   the step of that plan that makes its volume, or null
     */
    public record PlannedDisk(String vdi, String sr, String nameLabel, String nameDescription, long virtualSize,
                              String type, boolean isASnapshot, String snapshotOf, String snapshotTime,
                              List<String> tags, Map<String, String> otherConfig, String diskPlan, String volumeStep) {
        public PlannedDisk {
            tags = List.copyOf(tags);
            otherConfig = Map.copyOf(otherConfig);
        }
    }

    public PlannedDisk disk(String vdi) {
        return disks.stream().filter(d -> d.vdi().equals(vdi)).findFirst().orElse(null);
    }
}
