package org.smapimigrate.vm;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.smapimigrate.execute.PausePoint;
import org.smapimigrate.execute.VmChange;
import org.smapimigrate.inventory.Severity;
import org.smapimigrate.migrate.MigrationException;
import org.smapimigrate.plan.Risk;
import org.smapimigrate.vm.transport.DiskToMove;
import org.smapimigrate.vm.transport.DiskTransport;
import org.smapimigrate.vm.transport.TransportEvents;
import org.smapimigrate.xapi.OneLine;
import org.smapimigrate.xapi.XapiException;
import org.smapimigrate.xapi.XapiOperations;
import org.smapimigrate.xapi.XapiRecords;
import org.smapimigrate.xapi.XapiSession;
import org.smapimigrate.xapi.XapiTasks;
import org.smapimigrate.xapi.records.Sr;
import org.smapimigrate.xapi.records.Vbd;
import org.smapimigrate.xapi.records.Vdi;
import org.smapimigrate.xapi.records.Vm;
import org.smapimigrate.xapi.records.XapiClass;

/**
 * Runs a {@link VmPlan}: checks before the first byte, the disks moved by a {@link DiskTransport},
 * registration (tags and other_config through XAPI, which a scan never sets: xapi-integration.md
 * section 3 "Metadata setters"), then each VM and its snapshot VMs repointed ({@link Repointing}).
 * A failure while repointing rolls every VBD back at once ({@link Rollback}); a kill does not,
 * and the same command run again finishes from the journal.
 */
public final class VmMigration {
    /** other_config key naming the source VDI on the new one. */
    public static final String SOURCE_VDI_KEY = "smapi-migrate.source-vdi";
    /** other_config key with the verified whole-disk digest (the manifest's). */
    public static final String DIGEST_KEY = "smapi-migrate.digest";

    /** What a run did: source to new VDI, and the source VDIs no VBD uses any more (the admin may retire them). */
    public record Result(Map<String, String> vdis, List<String> retirable, List<String> notes) {
    }

    private final VmPlan plan;
    private final Path planFile;
    private final XapiSession session;
    private final XapiOperations ops;
    private final XapiRecords records;
    private final TransportEvents events;
    private final PausePoint pause = PausePoint.configured();

    public VmMigration(VmPlan plan, Path planFile, XapiSession session, TransportEvents events) {
        this.plan = plan;
        this.planFile = planFile;
        this.session = session;
        this.ops = new XapiOperations(session, new XapiTasks(session));
        this.records = new XapiRecords(session);
        this.events = events;
    }

    /** Where the disk plans of the VM plan keep their plan files, journals and manifests. */
    public static Path stateDir(Path planFile) {
        return planFile.resolveSibling(planFile.getFileName() + ".state");
    }

    public Result run(DiskTransport transport, Set<String> acceptedRisks) throws IOException {
        try (VmJournal journal = VmJournal.open(planFile)) {
            List<String> notes = new ArrayList<>();
            if (journal.has(VmJournal.DONE)) {
                notes.add("this plan's migration finished before; nothing changed");
                return new Result(journal.movedVdis(), retirable(journal.movedVdis()), notes);
            }
            gate(acceptedRisks, journal);
            // Once the disks moved (journaled), a rerun goes straight on to what is left.
            Map<String, String> moved = journal.movedVdis();
            Map<String, String> digests = journal.digests();
            if (moved == null) {
                moved = transport.move(disks(), stateDir(planFile), events);
                digests = transport.digests();
                journal.append(VmJournal.DISKS_MOVED, new VmChange(null, null, null, null, null, null, moved, null,
                        digests));
            }
            register(journal, moved, digests);
            Repointing repointing = new Repointing(session, ops, journal);
            try {
                for (VmPlan.PlannedVm vm : plan.vms()) {
                    repointing.repoint(vm, moved);
                }
            } catch (IOException | RuntimeException e) {
                Rollback.Result r;
                try {
                    r = new Rollback(session, ops, journal).run();
                } catch (IOException | RuntimeException again) {
                    e.addSuppressed(again);
                    throw new MigrationException("repointing failed (" + oneLine(e) + ") and so did the rollback ("
                            + oneLine(again) + "); run 'smapi-migrate migrate --plan " + planFile + " --abort' to"
                            + " finish putting every VBD back", e);
                }
                throw new MigrationException("repointing failed: " + oneLine(e) + ". Rolled back: " + r.restored().size()
                        + " VBDs put back on their old VDIs, blocked operations restored on " + r.unblocked().size()
                        + " VMs" + (r.leftAlone().isEmpty() ? "" : "; left: " + r.leftAlone())
                        + ". The new VDIs stay; run the same command to try again", e);
            }
            journal.append(VmJournal.DONE, new VmChange(null, null, null, null, null, null, null, null, null));
            return new Result(moved, retirable(moved), notes);
        }
    }

    /**
     * {@code --abort}: every VBD back on its old VDI and the blocked operations as they were. The
     * new VDIs stay; with {@code --destroy-copies} the caller removes their volumes through the
     * engine's abort of each disk plan, then calls {@link #copiesDestroyed}.
     */
    public Rollback.Result abort() throws IOException {
        try (VmJournal journal = VmJournal.open(planFile)) {
            return new Rollback(session, ops, journal).run();
        }
    }

    /** Journals that the new volumes were destroyed (after an abort with --destroy-copies): a next run copies again. */
    public void copiesDestroyed() throws IOException {
        try (VmJournal journal = VmJournal.open(planFile)) {
            journal.append(VmJournal.COPIES_DESTROYED, new VmChange(null, null, null, null, null, null, null, null,
                    null));
        }
    }

    /** The checks before the first byte is written (RunGate's VM-level twin). */
    private void gate(Set<String> accepted, VmJournal journal) throws IOException {
        List<String> refused = plan.risks().stream().filter(r -> r.severity() == Severity.ERROR)
                .map(Risk::code).filter(c -> !accepted.contains(c)).distinct().toList();
        if (!refused.isEmpty()) {
            Risk first = plan.risks().stream().filter(r -> refused.contains(r.code())).findFirst().orElseThrow();
            throw new MigrationException("refused before anything was written: the plan holds error-level risks ("
                    + String.join(", ", refused) + "), e.g. " + first.message());
        }
        for (VmPlan.PlannedVm p : plan.vms()) {
            Vm vm = records.byUuid(XapiClass.VM, p.uuid());
            if (!vm.isHalted()) {
                throw new MigrationException("refused before anything was written: VM '" + OneLine.of(vm.nameLabel(), 60)
                        + "' (" + vm.uuid() + ") is " + vm.powerState() + "; shut it down cleanly and run again");
            }
            if (!vm.currentOperations().isEmpty()) {
                throw new MigrationException("refused before anything was written: VM " + vm.uuid()
                        + " has operations in progress (" + vm.currentOperations() + ")");
            }
            for (VmPlan.PlannedVbd b : p.vbds()) {
                if (b.repoint() && journal.movedVdis() == null) {
                    Vbd now = new Repointing(session, ops, journal).at(p.uuid(), b.userdevice());
                    String want = records.refOf(XapiClass.VDI, b.vdi());
                    if (now == null || !now.vdi().equals(want) || now.currentlyAttached()) {
                        throw new MigrationException("refused before anything was written: VM " + p.uuid() + " device "
                                + b.userdevice() + " is no longer as planned (VDI " + b.vdi() + ", detached); plan again");
                    }
                }
            }
        }
        Sr target = records.byUuid(XapiClass.SR, plan.targetSr().uuid());
        boolean attached = false;
        for (String pbd : target.pbds()) {
            attached |= records.get(XapiClass.PBD, pbd).currentlyAttached();
        }
        if (!attached) {
            throw new MigrationException("refused before anything was written: the target SR " + target.uuid()
                    + " is not attached (no plugged PBD)");
        }
        long needed = plan.diskPlans().stream().mapToLong(d -> d.totals().targetSpaceNeeded()).sum();
        if (journal.movedVdis() == null && target.physicalSize() > 0 && needed > target.free()) {
            throw new MigrationException("refused before anything was written: the target SR has " + target.free()
                    + " bytes free and the plan needs " + needed);
        }
    }

    private List<DiskToMove> disks() {
        return plan.disks().stream().map(d -> new DiskToMove(d.vdi(), d.nameLabel(), d.nameDescription(),
                d.virtualSize(), d.type(), d.isASnapshot(), d.snapshotOf(), d.snapshotTime())).toList();
    }

    /** Tags and other_config onto each new VDI (set whole: add_to_ fails on an existing key). */
    private void register(VmJournal journal, Map<String, String> moved, Map<String, String> digests)
            throws IOException {
        int n = 0;
        for (VmPlan.PlannedDisk d : plan.disks()) {
            if (journal.registered(d.vdi())) {
                continue;
            }
            String ref = records.refOf(XapiClass.VDI, moved.get(d.vdi()));
            Map<String, String> oc = new TreeMap<>(d.otherConfig());
            oc.put(SOURCE_VDI_KEY, d.vdi());
            if (digests.containsKey(d.vdi())) {
                oc.put(DIGEST_KEY, digests.get(d.vdi()));
            }
            ops.vdiSetOtherConfig(ref, oc);
            ops.vdiSetTags(ref, d.tags());
            journal.append(VmJournal.REGISTERED, new VmChange(null, null, null, moved.get(d.vdi()), null, null, null,
                    d.vdi(), null));
            PausePoint.reached(pause, "vm-registered", Integer.toString(++n));
        }
    }

    /** Source VDIs no VBD points at any more: the admin's to retire once the VM boots. */
    private List<String> retirable(Map<String, String> moved) throws IOException {
        List<String> out = new ArrayList<>();
        if (moved == null) {
            return out;
        }
        for (String source : moved.keySet()) {
            Vdi v = records.byUuid(XapiClass.VDI, source);
            if (v.vbds().isEmpty()) {
                out.add(source);
            }
        }
        return out;
    }

    private static String oneLine(Throwable e) {
        String m = e instanceof XapiException ? e.getMessage() : e.getMessage() == null ? e.toString() : e.getMessage();
        return OneLine.of(m, 300);
    }


}
