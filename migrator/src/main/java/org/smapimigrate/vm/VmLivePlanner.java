package org.smapimigrate.vm;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.smapimigrate.inventory.Severity;
import org.smapimigrate.plan.ForecastSettings;
import org.smapimigrate.plan.LiveForecast;
import org.smapimigrate.plan.LiveModel;
import org.smapimigrate.plan.LivePlanner;
import org.smapimigrate.plan.Plan;
import org.smapimigrate.plan.Risk;
import org.smapimigrate.plan.SourceNode;
import org.smapimigrate.plan.Throughput;
import org.smapimigrate.plan.VmLiveForecast;
import org.smapimigrate.plan.VmLiveModel;
import org.smapimigrate.plan.VmLivePlan;
import org.smapimigrate.report.Sizes;

/**
 * {@code plan --xapi URL --vm ... --mode live}: adds to a VM plan the forecast of each running
 * VM's live migration ({@link VmLiveModel}: every disk in each pass, one stop) and the risks to
 * weigh. Pure: sizes and write rates come in.
 *
 * <p>The disks forecast are those the VM's VBDs move (repointed disks; CDs and empty drives are
 * left alone). What pass 0 copies: the chain's allocated bytes from the disk plan when the local
 * transport planned one, else XAPI's {@code physical_utilisation}, else the virtual size.
 */
public final class VmLivePlanner {
    private VmLivePlanner() {
    }

    /**
     * @param utilisation per VDI uuid, XAPI's physical_utilisation (bytes the SR uses for it)
     * @param rates       per VDI uuid, a measured write rate; others get {@code settings.writeRate()}
     */
    public static VmPlan plan(VmPlan p, ForecastSettings settings, Throughput copy, Map<String, Long> utilisation,
                              Map<String, Long> rates) {
        Map<String, SourceNode> nodes = new HashMap<>();
        for (Plan d : p.diskPlans()) {
            d.nodes().forEach(n -> nodes.put(n.uuid(), n));
        }
        List<VmLiveForecast> vms = new ArrayList<>();
        List<Risk> risks = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        boolean fromXapi = false;
        for (VmPlan.PlannedVm vm : p.vms()) {
            if (vm.isSnapshot()) {
                continue;
            }
            if (!"Running".equals(vm.powerState())) {
                risks.add(new Risk(Severity.INFO, "live-vm-not-running", vm.uuid(), "VM " + vm.name() + " is "
                        + vm.powerState() + ": nothing writes its disks, so it has no live forecast",
                        "migrate it offline: no downtime is at stake"));
                continue;
            }
            List<VmLiveModel.Disk> disks = new ArrayList<>();
            for (VmPlan.PlannedVbd b : vm.vbds()) {
                VmPlan.PlannedDisk d = b.vdi() == null || !b.repoint() ? null : p.disk(b.vdi());
                if (d == null) {
                    continue;
                }
                long allocated;
                SourceNode n = nodes.get(d.vdi());
                if (n != null) {
                    allocated = LivePlanner.chainAllocated(n, nodes);
                } else if (utilisation.getOrDefault(d.vdi(), 0L) > 0) {
                    allocated = utilisation.get(d.vdi());
                    fromXapi = true;
                } else {
                    allocated = d.virtualSize();
                    notes.add("VDI " + d.vdi() + ": no allocation known, pass 0 taken as its whole "
                            + Sizes.human(d.virtualSize()));
                }
                disks.add(new VmLiveModel.Disk(d.vdi(), Math.min(allocated, d.virtualSize()), d.virtualSize(),
                        rates.getOrDefault(d.vdi(), settings.writeRate())));
            }
            if (disks.isEmpty()) {
                continue;
            }
            VmLiveForecast f = VmLiveModel.forecast(vm.uuid(), vm.name(), disks, copy, settings);
            vms.add(f);
            risks.addAll(risksOf(f, settings, copy));
        }
        if (fromXapi) {
            notes.add("pass 0 of a disk without a local disk plan copies what XAPI's physical_utilisation says the SR"
                    + " uses for it (an upper bound of its data)");
        }
        if (!vms.isEmpty()) {
            risks.add(new Risk(Severity.INFO, "live-xapi-cbt", null, "through the pool the passes find what changed"
                    + " with CBT (VDI.list_changed_blocks, 64 KiB blocks): the run turns CBT on for each disk it moves"
                    + " and puts the setting back afterwards; each pass takes one VDI.snapshot per disk",
                    "nothing; take no snapshot of these VMs while they move"));
        }
        // What an offline plan refuses for a running VM is what a live one is for: its own running
        // and its disks attached to it (VmDiscovery's vm-running, and vdi-attached to the VM itself;
        // attached to the control domain, a backup is reading it, still an error).
        java.util.Set<String> live = new java.util.HashSet<>();
        for (VmLiveForecast f : vms) {
            live.add(f.vm());
            f.disks().forEach(d -> live.add(d.vdi()));
        }
        List<Risk> all = new ArrayList<>();
        for (Risk r : p.risks()) {
            boolean movesRunning = live.contains(r.subject()) && (r.code().equals("vm-running")
                    || (r.code().equals("vdi-attached") && r.message().endsWith(" is attached")));
            if (!movesRunning) {
                all.add(r);
            } else if (r.code().equals("vm-running")) {
                all.add(new Risk(Severity.INFO, "live-vm-running", r.subject(), r.message().replace(
                        ": only a halted VM's VBDs can be replaced", "") + ": it moves while it runs and is stopped"
                        + " once, for the switch-over", "migrate it with 'migrate --mode live --xapi URL --vm NAME'"));
            }
        }
        all.addAll(risks);
        return p.withLive(new VmLivePlan(settings, LiveModel.ASSUMPTION, vms, notes), all);
    }

    private static List<Risk> risksOf(VmLiveForecast f, ForecastSettings s, Throughput tp) {
        List<Risk> out = new ArrayList<>();
        String downtime = LivePlanner.seconds(f.downtimeSeconds());
        if (!f.converges() && f.stop().equals(LiveForecast.MAX_PASSES)) {
            out.add(new Risk(Severity.WARNING, "live-will-not-converge", f.vm(), "VM " + f.name() + " writes "
                    + Sizes.rate(f.writeRate()) + " over its disks, not less than the copy rate "
                    + Sizes.rate(tp.bytesPerSecond()) + ": after --max-passes " + s.maxPasses() + " it is stopped with "
                    + Sizes.human(f.finalBytes()) + " still to copy, about " + downtime + " down",
                    "migrate it offline (stop it, then 'migrate --plan'), or when it writes less, or over a faster"
                            + " path (--throughput as 'smapi-migrate bench' measures it)"));
        } else if (f.stop().equals(LiveForecast.MAX_PASSES)) {
            out.add(new Risk(Severity.WARNING, "live-max-passes", f.vm(), "the passes of VM " + f.name()
                    + " do not reach --switch-below " + s.switchBelow().describe() + " within --max-passes "
                    + s.maxPasses() + ": it is stopped with " + Sizes.human(f.finalBytes()) + " still to copy, about "
                    + downtime + " down", "give more --max-passes or a larger --switch-below"));
        }
        return out;
    }
}
