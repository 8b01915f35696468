package org.smapimigrate.vm;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.smapimigrate.execute.Journal;
import org.smapimigrate.execute.JournalEntry;
import org.smapimigrate.execute.VmChange;

/**
 * The VM-level lines of a VM plan's journal ({@code vm-plan.json.journal}, the engine's one
 * {@link Journal} format): each XAPI change is journaled before it is made (the old VBD record,
 * the VM's blocked operations) or right after (the new VBD), so a rerun after a kill reads
 * XAPI again and finishes, and a rollback knows exactly what to put back. A rollback line closes
 * a chapter: what comes before it no longer counts for the next run.
 */
final class VmJournal implements Closeable {
    static final String DISKS_MOVED = "vm-disks-moved";
    static final String REGISTERED = "vm-vdi-registered";
    static final String BLOCKED = "vm-blocked";
    static final String VBD_SAVED = "vm-vbd-saved";
    static final String VBD_CREATED = "vm-vbd-created";
    static final String UNBLOCKED = "vm-unblocked";
    static final String DONE = "vm-done";
    static final String ROLLED_BACK = "vm-rolled-back";
    static final String COPIES_DESTROYED = "vm-copies-destroyed";

    private final Journal journal;

    private VmJournal(Journal journal) {
        this.journal = journal;
    }

    static VmJournal open(Path planFile) throws IOException {
        return new VmJournal(Journal.open(Journal.beside(planFile)));
    }

    Path path() {
        return journal.path();
    }

    void append(String record, VmChange change) throws IOException {
        journal.append(JournalEntry.vm(record, change));
    }

    /** Lines after the last rollback. */
    List<JournalEntry> current() {
        List<JournalEntry> out = new ArrayList<>();
        for (JournalEntry e : journal.entries()) {
            if (ROLLED_BACK.equals(e.record())) {
                out.clear();
            } else if (e.vm() != null || DONE.equals(e.record())) {
                out.add(e);
            }
        }
        return out;
    }

    /** Every VM-level line, rollbacks included (a rollback must also undo what earlier chapters left). */
    List<JournalEntry> all() {
        return journal.entries().stream().filter(e -> e.vm() != null).toList();
    }

    boolean has(String record) {
        return current().stream().anyMatch(e -> record.equals(e.record()));
    }

    boolean registered(String sourceVdi) {
        return sinceCopiesDestroyed().stream().anyMatch(e -> REGISTERED.equals(e.record()) && sourceVdi.equals(e.vm().sourceVdi()));
    }

    /** The VM's blocked operations before the first block of this chapter, or null. */
    Map<String, String> blockedBefore(String vm) {
        return current().stream().filter(e -> BLOCKED.equals(e.record()) && vm.equals(e.vm().vm())).findFirst()
                .map(e -> e.vm().blockedOperations()).orElse(null);
    }

    boolean unblocked(String vm) {
        return current().stream().anyMatch(e -> UNBLOCKED.equals(e.record()) && vm.equals(e.vm().vm()));
    }

    VmChange.SavedVbd saved(String vm, String userdevice) {
        return current().stream().filter(e -> VBD_SAVED.equals(e.record()) && vm.equals(e.vm().vm())
                && userdevice.equals(e.vm().userdevice())).findFirst().map(e -> e.vm().oldVbd()).orElse(null);
    }

    /**
     * Lines since the copies were last destroyed: the new VDIs and what was set on them outlive a
     * rollback (it keeps them), so a run after one goes on with them.
     */
    private List<JournalEntry> sinceCopiesDestroyed() {
        List<JournalEntry> out = new ArrayList<>();
        for (JournalEntry e : journal.entries()) {
            if (COPIES_DESTROYED.equals(e.record())) {
                out.clear();
            } else if (e.vm() != null) {
                out.add(e);
            }
        }
        return out;
    }

    Map<String, String> movedVdis() {
        Map<String, String> m = null;
        for (JournalEntry e : sinceCopiesDestroyed()) {
            if (DISKS_MOVED.equals(e.record())) {
                m = new LinkedHashMap<>(e.vm().vdis());
            }
        }
        return m;
    }

    Map<String, String> digests() {
        Map<String, String> m = Map.of();
        for (JournalEntry e : sinceCopiesDestroyed()) {
            if (DISKS_MOVED.equals(e.record()) && e.vm().digests() != null) {
                m = e.vm().digests();
            }
        }
        return m;
    }

    @Override
    public void close() throws IOException {
        journal.close();
    }
}
