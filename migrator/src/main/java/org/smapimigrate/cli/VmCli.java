package org.smapimigrate.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Set;
import org.smapimigrate.execute.RunOptions;
import org.smapimigrate.inventory.Severity;
import org.smapimigrate.plan.PlanInputException;
import org.smapimigrate.plan.Risk;
import org.smapimigrate.report.TerminalText;
import org.smapimigrate.vm.HostRoot;
import org.smapimigrate.vm.VmMigration;
import org.smapimigrate.vm.VmPlan;
import org.smapimigrate.vm.VmPlanner;
import org.smapimigrate.vm.transport.DiskTransport;
import org.smapimigrate.vm.transport.LocalDiskTransport;
import org.smapimigrate.vm.transport.TransportEvents;
import org.smapimigrate.xapi.XapiSession;

/** What 'plan' and 'migrate' share for VM plans: making one, printing one, building its transport. */
final class VmCli {
    private VmCli() {
    }

    static VmPlan plan(VmOptions o, String targetSr, XapiSession session) throws IOException {
        if (o.vms == null || o.vms.isEmpty() || targetSr == null) {
            throw new UserError("a VM plan needs --xapi URL, --vm NAME|UUID... and --target-sr NAME|UUID (a pool SR)");
        }
        try {
            return new VmPlanner(session, o.xapi.url, HostRoot.of(o.hostRoot), paths -> SourceRepositories.open(paths),
                    org.smapimigrate.plugin.PluginRoot.DEFAULT_TIME_LIMIT).plan(o.vms, targetSr, o.transportChoice());
        } catch (PlanInputException e) {
            throw new UserError(e.getMessage());
        }
    }

    /** The lines 'plan' prints about a VM plan. */
    static void summary(VmPlan p, PrintWriter out) {
        out.printf("VM plan %s -> SR '%s' (%s, %s)%n", p.id(), TerminalText.escape(p.targetSr().name()),
                p.targetSr().uuid(), TerminalText.escape(p.targetSr().type()));
        out.printf("   transport: %s (%s)%n", p.transport().kind(), TerminalText.escape(p.transport().reason()));
        for (VmPlan.PlannedVm vm : p.vms()) {
            out.printf("   %s %s (%s, %s)%n", vm.isSnapshot() ? "  snapshot" : "VM", TerminalText.escape(vm.name()),
                    vm.uuid(), vm.isSnapshot() ? vm.snapshotTime() : vm.powerState());
            for (VmPlan.PlannedVbd b : vm.vbds()) {
                VmPlan.PlannedDisk d = b.vdi() == null ? null : p.disk(b.vdi());
                out.printf("   %s  %-4s %-4s %s%n", vm.isSnapshot() ? "    " : "  ", b.userdevice(), b.type(),
                        b.repoint() ? "'" + TerminalText.escape(d.nameLabel()) + "' " + b.vdi() + " -> new VDI"
                                + (d.volumeStep() == null ? "" : " (volume " + d.volumeStep() + ")")
                                : TerminalText.escape(b.why()));
            }
        }
        out.printf("   %d disks to move in %d disk plans%n", p.disks().size(), p.diskPlans().size());
        org.smapimigrate.report.plan.VmLiveSection.lines(p).forEach(l -> out.println("   " + l));
        long errors = p.risks().stream().filter(r -> r.severity() == Severity.ERROR).count();
        long warnings = p.risks().stream().filter(r -> r.severity() == Severity.WARNING).count();
        out.printf("   risks: %d errors, %d warnings, %d notes%n", errors, warnings, p.risks().size() - errors - warnings);
        for (Risk r : p.risks()) {
            out.printf("     %-7s %s: %s%n", r.severity().label(), TerminalText.escape(r.code()),
                    TerminalText.escape(r.message()));
        }
    }

    static int exitFor(VmPlan p, PrintWriter err) {
        return PlanCommand.exitFor(p.risks(), err);
    }

    /** The transport the plan chose: local (plugin + SR.scan) or XAPI's HTTP disk handlers. */
    static DiskTransport transport(VmPlan p, XapiSession session, ConsoleRunEvents events, Set<String> force,
                                   Path planFile) {
        if (VmPlan.Transport.LOCAL.equals(p.transport().kind())) {
            return new LocalDiskTransport(session, p.targetSr().uuid(), p.diskPlans(),
                    paths -> SourceRepositories.open(paths), events,
                    new RunOptions(force, "smapi-migrate migrate --plan " + Shell.quote(planFile.toAbsolutePath()
                            .toString())), org.smapimigrate.plugin.PluginRoot.DEFAULT_TIME_LIMIT,
                    new Version().getVersion()[0]);
        }
        // No shell on the host: the data moves through XAPI's HTTP disk handlers (xapi-integration.md §3).
        return new org.smapimigrate.vm.transport.XapiDiskTransport(session, p.targetSr().uuid());
    }

    static TransportEvents events(PrintWriter err, boolean quiet) {
        return new TransportEvents() {
            @Override
            public void progress(String sourceVdiUuid, long done, long total) {
            }

            @Override
            public void note(String line) {
                if (!quiet) {
                    err.println("smapi-migrate: " + TerminalText.escape(line));
                    err.flush();
                }
            }
        };
    }

    static void result(VmMigration.Result r, PrintWriter out) {
        out.println("VM migration done: " + r.vdis().size() + " VDIs moved");
        r.vdis().forEach((s, n) -> out.println("   " + s + " -> " + n));
        r.notes().forEach(n -> out.println("   note: " + TerminalText.escape(n)));
        out.println("   source VDIs no VBD uses any more (retire them once the VMs boot): "
                + (r.retirable().isEmpty() ? "none" : String.join(" ", r.retirable())));
        out.flush();
    }

}
