package org.smapimigrate.vm;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.smapimigrate.execute.JournalEntry;
import org.smapimigrate.execute.PausePoint;
import org.smapimigrate.execute.VmChange;
import org.smapimigrate.xapi.XapiOperations;
import org.smapimigrate.xapi.XapiRecords;
import org.smapimigrate.xapi.XapiSession;
import org.smapimigrate.xapi.records.NewVbd;
import org.smapimigrate.xapi.records.Vbd;
import org.smapimigrate.xapi.records.Vm;
import org.smapimigrate.xapi.records.XapiClass;

/**
 * Puts every VBD a VM plan's runs replaced back on its old VDI and every VM's blocked operations
 * back as they were (xapi-integration.md section 3 "Rollback": per VBD in reverse order,
 * VBD.destroy of the new one, VBD.create from the journaled record; then the blocked
 * operations). Reads XAPI before each change, so it can itself be interrupted and run again.
 * The new VDIs are left alone (the caller destroys them on request); source VDIs are never touched.
 */
public final class Rollback {
    /** What a rollback did and left. */
    public record Result(List<String> restored, List<String> unblocked, List<String> leftAlone) {
    }

    private final XapiSession session;
    private final XapiOperations ops;
    private final VmJournal journal;
    private final PausePoint pause = PausePoint.configured();
    private int destroyedCount;

    Rollback(XapiSession session, XapiOperations ops, VmJournal journal) {
        this.session = session;
        this.ops = ops;
        this.journal = journal;
    }

    Result run() throws IOException {
        XapiRecords records = new XapiRecords(session);
        Repointing reader = new Repointing(session, ops, journal);
        List<JournalEntry> lines = journal.all();
        List<String> restored = new ArrayList<>();
        List<String> unblocked = new ArrayList<>();
        List<String> left = new ArrayList<>();
        // The old record of each (VM, userdevice): the first saved in any chapter is the original.
        Map<String, VmChange.SavedVbd> saved = new LinkedHashMap<>();
        Map<String, Map<String, String>> before = new LinkedHashMap<>();
        for (JournalEntry e : lines) {
            VmChange c = e.vm();
            if (VmJournal.VBD_SAVED.equals(e.record())) {
                saved.putIfAbsent(c.vm() + "\u0000" + c.userdevice(), c.oldVbd());
            } else if (VmJournal.BLOCKED.equals(e.record())) {
                before.putIfAbsent(c.vm(), c.blockedOperations());
            }
        }
        List<Map.Entry<String, VmChange.SavedVbd>> reverse = new ArrayList<>(saved.entrySet());
        java.util.Collections.reverse(reverse);
        for (Map.Entry<String, VmChange.SavedVbd> e : reverse) {
            String vmUuid = e.getKey().substring(0, e.getKey().indexOf('\u0000'));
            VmChange.SavedVbd old = e.getValue();
            Vm vm = records.byUuid(XapiClass.VM, vmUuid);
            String oldVdi = records.refOf(XapiClass.VDI, old.vdi());
            Vbd current = reader.at(vmUuid, old.userdevice());
            if (current != null && current.vdi().equals(oldVdi)) {
                continue;
            }
            if (current != null) {
                if (current.currentlyAttached()) {
                    left.add("VM " + vmUuid + " device " + old.userdevice() + ": attached, left on VDI "
                            + session.callForString("VDI.get_uuid", current.vdi()));
                    continue;
                }
                ops.vbdDestroy(current.ref());
                PausePoint.reached(pause, "vm-restore-destroyed", Integer.toString(++destroyedCount));
            }
            ops.vbdCreate(new NewVbd(vm.ref(), oldVdi, old.userdevice(), old.bootable(), old.mode(), old.type(),
                    old.empty(), new TreeMap<>(old.otherConfig()), old.qosAlgorithmType(), old.qosAlgorithmParams(),
                    old.unpluggable()));
            restored.add("VM " + vmUuid + " device " + old.userdevice() + " -> VDI " + old.vdi());
            PausePoint.reached(pause, "vm-restore-created", Integer.toString(restored.size()));
        }
        for (Map.Entry<String, Map<String, String>> e : before.entrySet()) {
            Vm vm = records.byUuid(XapiClass.VM, e.getKey());
            if (!vm.blockedOperations().equals(new TreeMap<>(e.getValue()))) {
                ops.vmSetBlockedOperations(vm.ref(), e.getValue());
                unblocked.add(vm.uuid());
            }
        }
        journal.append(VmJournal.ROLLED_BACK, new VmChange(null, null, null, null, null, null, null, null, null));
        return new Result(restored, unblocked, left);
    }
}
