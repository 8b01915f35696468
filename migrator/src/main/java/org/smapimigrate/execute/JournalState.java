package org.smapimigrate.execute;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.smapimigrate.migrate.MigrationException;
import org.smapimigrate.plan.Plan;
import org.smapimigrate.plan.Step;

/**
 * What a plan's journal says, read line by line: the steps done and the volumes they made, the
 * target SR if a run created it, and how the last run ended if the next run must know (out of
 * space). An {@code undone} line takes its steps back; an {@code aborted} line takes everything
 * before it back, so a plan run after an abort starts from nothing.
 */
final class JournalState {
    /** Journaled steps by id, in journal order. */
    final Map<String, JournalEntry> done = new LinkedHashMap<>();
    /** Volume-making step id to the volume key it made; concurrent, as running jobs look keys up in it. */
    final Map<String, String> made = new java.util.concurrent.ConcurrentHashMap<>();
    /** Volume step id to the digest its journaled verification recorded; read by running jobs too. */
    final Map<String, String> digests = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, String> verified = new HashMap<>();
    /** True when the journal records a run before this one (which may have left work behind). */
    boolean earlierRun;
    boolean srCreated;
    /** The out-of-space failure that ended the last run, or null. */
    JournalEntry outOfSpace;

    /**
     * @param planSha SHA-256 of the plan file, which every run line since the last abort must carry
     */
    static JournalState read(List<JournalEntry> entries, Plan plan, String planSha, Path journal, Path planFile)
            throws MigrationException {
        Map<String, Step> steps = new HashMap<>();
        plan.steps().forEach(s -> steps.put(s.id(), s));
        int from = 0;
        for (int i = 0; i < entries.size(); i++) {
            if (JournalEntry.ABORTED.equals(entries.get(i).record())) {
                from = i + 1;
            }
        }
        JournalState s = new JournalState();
        for (JournalEntry e : entries.subList(from, entries.size())) {
            switch (e.record()) {
                case JournalEntry.RUN -> {
                    if (!plan.id().equals(e.planId()) || !planSha.equals(e.planSha256())) {
                        throw new MigrationException(journal + " was started for " + (plan.id().equals(e.planId())
                                ? "a different version of " + planFile + " (SHA-256 " + e.planSha256() + ")"
                                : "another plan (" + e.planId() + ")") + "; a run must follow the plan its journal"
                                + " records. Restore that plan file, or move the journal away to start over");
                    }
                    s.outOfSpace = null;
                    s.earlierRun = true;
                }
                case JournalEntry.STEP -> {
                    Step step = steps.get(e.step());
                    if (step == null) {
                        throw new MigrationException(journal + " records step " + e.step() + ", which " + planFile
                                + " does not have");
                    }
                    s.record(step, e);
                }
                case JournalEntry.SR_CREATED -> s.srCreated = true;
                case JournalEntry.UNDONE -> s.undo(e.steps() == null ? List.of() : e.steps());
                case JournalEntry.FAILED -> s.outOfSpace = JournalEntry.OUT_OF_SPACE.equals(e.reason()) ? e : null;
                default -> {
                    // A record kind a later version writes: nothing this version must act on.
                }
            }
        }
        return s;
    }

    void record(Step s, JournalEntry e) {
        done.put(s.id(), e);
        if (s.volume().equals(s.id()) && e.volumeKey() != null) {
            made.put(s.id(), e.volumeKey());
        }
        if (s instanceof org.smapimigrate.plan.VerifyVolume && e.digest() != null) {
            digests.put(s.volume(), e.digest());
            verified.put(s.id(), s.volume());
        }
    }

    void undo(List<String> stepIds) {
        for (String id : stepIds) {
            done.remove(id);
            made.remove(id);
            String volume = verified.remove(id);
            if (volume != null) {
                digests.remove(volume);
            }
        }
    }

    boolean finished(Plan plan) {
        return plan.steps().stream().allMatch(s -> done.containsKey(s.id()));
    }

    /** Bytes the journaled copy steps wrote. */
    long bytesWritten() {
        return done.values().stream().mapToLong(e -> e.bytesWritten() == null ? 0 : e.bytesWritten()).sum();
    }
}
