package org.smapimigrate.vm;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.smapimigrate.execute.PausePoint;
import org.smapimigrate.execute.VmChange;
import org.smapimigrate.migrate.MigrationException;
import org.smapimigrate.xapi.XapiOperations;
import org.smapimigrate.xapi.XapiRecords;
import org.smapimigrate.xapi.XapiSession;
import org.smapimigrate.xapi.records.NewVbd;
import org.smapimigrate.xapi.records.Vbd;
import org.smapimigrate.xapi.records.Vdi;
import org.smapimigrate.xapi.records.Vm;
import org.smapimigrate.xapi.records.XapiClass;

/**
 * Moves a halted VM (or a snapshot VM) onto the new VDIs, by xapi-integration.md section 3
 * "Safe repoint of a halted VM": re-read and check the VM; block its lifecycle operations,
 * journaling the map it had; per VBD, journal the whole old record, VBD.destroy, then VBD.create
 * with the same userdevice, bootable, mode, type, unpluggable, other_config (minus backend-kind)
 * and qos pointing at the new VDI (RO for a snapshot VM whose new VDI is read-only, #7268);
 * re-read and check; put the blocked operations back. Each VBD's state is read from XAPI before
 * it is touched, so a rerun after a kill at any point finishes the job.
 */
final class Repointing {
    /** Section 3 "Safe repoint", step 4. */
    static final List<String> BLOCKED_OPERATIONS = List.of("start", "start_on", "resume", "resume_on", "revert",
            "snapshot", "checkpoint", "clone", "copy", "export", "pool_migrate", "migrate_send", "destroy");
    static final String BLOCK_CODE = "smapi-migrate";

    private final XapiSession session;
    private final XapiRecords records;
    private final XapiOperations ops;
    private final VmJournal journal;
    private final PausePoint pause = PausePoint.configured();
    private final Map<String, Integer> counts = new LinkedHashMap<>();

    Repointing(XapiSession session, XapiOperations ops, VmJournal journal) {
        this.session = session;
        this.records = new XapiRecords(session);
        this.ops = ops;
        this.journal = journal;
    }

    /** @param newVdis source VDI uuid to new VDI uuid */
    void repoint(VmPlan.PlannedVm planned, Map<String, String> newVdis) throws IOException {
        Vm vm = records.byUuid(XapiClass.VM, planned.uuid());
        if (journal.unblocked(vm.uuid())) {
            return;
        }
        if (!vm.isHalted() || vm.isControlDomain()) {
            throw new MigrationException("VM " + vm.uuid() + " is " + vm.powerState() + ": only a halted VM's VBDs can be"
                    + " replaced; nothing of it was changed");
        }
        if (!vm.currentOperations().isEmpty()) {
            throw new MigrationException("VM " + vm.uuid() + " has operations in progress (" + vm.currentOperations()
                    + "); run the same command again when they are over");
        }
        Map<String, String> before = journal.blockedBefore(vm.uuid());
        if (before == null) {
            before = new TreeMap<>(vm.blockedOperations());
            journal.append(VmJournal.BLOCKED, new VmChange(vm.uuid(), null, null, null, null, before, null, null, null));
            pause("vm-blocked");
        }
        Map<String, String> blocked = new TreeMap<>(before);
        BLOCKED_OPERATIONS.forEach(op -> blocked.putIfAbsent(op, BLOCK_CODE));
        ops.vmSetBlockedOperations(vm.ref(), blocked);
        for (VmPlan.PlannedVbd b : planned.vbds()) {
            if (b.repoint()) {
                one(vm, b, newVdis.get(b.vdi()));
            }
        }
        check(planned, newVdis);
        ops.vmSetBlockedOperations(vm.ref(), before);
        journal.append(VmJournal.UNBLOCKED, new VmChange(vm.uuid(), null, null, null, null, null, null, null, null));
        pause("vm-unblocked");
    }

    private void one(Vm vm, VmPlan.PlannedVbd b, String newVdiUuid) throws IOException {
        Vdi oldVdi = records.byUuid(XapiClass.VDI, b.vdi());
        Vdi newVdi = records.byUuid(XapiClass.VDI, newVdiUuid);
        Vbd current = at(vm.uuid(), b.userdevice());
        if (current != null && current.vdi().equals(newVdi.ref())) {
            return; // done by an earlier run
        }
        VmChange.SavedVbd saved = journal.saved(vm.uuid(), b.userdevice());
        if (current != null) {
            if (!current.vdi().equals(oldVdi.ref())) {
                throw new MigrationException("VM " + vm.uuid() + " device " + b.userdevice() + " points at another VDI"
                        + " than planned (" + b.vdi() + "): it was changed since the plan; nothing of it was changed");
            }
            if (current.currentlyAttached() || newVdi.virtualSize() < oldVdi.virtualSize()) {
                throw new MigrationException("VM " + vm.uuid() + " device " + b.userdevice() + (current.currentlyAttached()
                        ? " is attached" : ": the new VDI is smaller than the old one") + "; it was not replaced");
            }
            if (saved == null) {
                saved = new VmChange.SavedVbd(current.uuid(), oldVdi.uuid(), current.userdevice(), current.bootable(),
                        current.mode(), current.type(), current.empty(), current.unpluggable(), current.otherConfig(),
                        current.qosAlgorithmType(), current.qosAlgorithmParams());
                journal.append(VmJournal.VBD_SAVED, new VmChange(vm.uuid(), b.userdevice(), saved, newVdiUuid, null,
                        null, null, null, null));
                pause("vm-vbd-saved");
            }
            ops.vbdDestroy(current.ref());
            pause("vm-vbd-destroyed");
        } else if (saved == null) {
            throw new MigrationException("VM " + vm.uuid() + " has no device " + b.userdevice() + " and the journal "
                    + journal.path() + " holds no record of it: it was removed by someone else");
        }
        Map<String, String> oc = new TreeMap<>(saved.otherConfig());
        oc.remove("backend-kind"); // XAPI adds the new VDI's own (section 3 "VBD.create")
        String mode = newVdi.readOnly() ? "RO" : saved.mode();
        String ref = ops.vbdCreate(new NewVbd(vm.ref(), newVdi.ref(), saved.userdevice(), saved.bootable(), mode,
                saved.type(), false, oc, saved.qosAlgorithmType(), saved.qosAlgorithmParams(), saved.unpluggable()));
        String uuid = session.callForString("VBD.get_uuid", ref);
        journal.append(VmJournal.VBD_CREATED, new VmChange(vm.uuid(), b.userdevice(), null, newVdiUuid, uuid, null,
                null, null, null));
        pause("vm-vbd-created");
    }

    /** Step 7: the VDI behind each repointed userdevice is the new one. */
    private void check(VmPlan.PlannedVm planned, Map<String, String> newVdis) throws IOException {
        List<String> wrong = new ArrayList<>();
        for (VmPlan.PlannedVbd b : planned.vbds()) {
            if (b.repoint()) {
                Vbd v = at(planned.uuid(), b.userdevice());
                String want = records.refOf(XapiClass.VDI, newVdis.get(b.vdi()));
                if (v == null || !v.vdi().equals(want)) {
                    wrong.add(b.userdevice());
                }
            }
        }
        if (!wrong.isEmpty()) {
            throw new MigrationException("VM " + planned.uuid() + ": after repointing, devices " + wrong
                    + " do not point at their new VDIs");
        }
    }

    /** The VM's VBD at {@code userdevice}, read now, or null. */
    Vbd at(String vmUuid, String userdevice) throws IOException {
        Vm vm = records.byUuid(XapiClass.VM, vmUuid);
        for (String r : vm.vbds()) {
            Vbd v = records.get(XapiClass.VBD, r);
            if (v.userdevice().equals(userdevice)) {
                return v;
            }
        }
        return null;
    }

    private void pause(String point) {
        int n = counts.merge(point, 1, Integer::sum);
        PausePoint.reached(pause, point, Integer.toString(n));
    }
}
