package org.smapimigrate.execute;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.smapimigrate.migrate.BundledPluginRoot;
import org.smapimigrate.migrate.StaleAttachment;
import org.smapimigrate.migrate.TargetSr;
import org.smapimigrate.plan.Plan;
import org.smapimigrate.plugin.Volume;

/**
 * {@code migrate --plan FILE --abort}: puts the target back as it was before the plan. Every
 * volume carrying the plan's id (in its keys, or in its description for one killed before its
 * keys were set) is released from the plan's datapath domain and destroyed, complete or not; the
 * bundled SR goes too when a run of this plan created it and nothing else is in it; the plan's
 * manifests are removed, since they describe volumes that no longer exist. The journal gets an
 * {@code aborted} line, so a later run of the plan starts from nothing. The source is never touched.
 */
public final class PlanAbort {
    /**
     * @param destroyed the keys of the volumes destroyed
     * @param srRemoved the SR a run of the plan had created, now destroyed
     * @param manifests the manifest files removed
     */
    public record Result(List<String> destroyed, String srRemoved, List<String> manifests) {
    }

    private PlanAbort() {
    }

    public static Result run(Plan plan, Path planFile, TargetOpener opener, RunEvents events) throws IOException {
        PlanExecutor.requireRunnable(plan);
        try (Journal journal = Journal.open(Journal.beside(planFile))) {
            JournalState state = JournalState.read(journal.entries(), plan, PlanExecutor.sha256(planFile),
                    journal.path(), planFile);
            List<String> destroyed = new ArrayList<>();
            String srRemoved = null;
            String bundled = plan.targetSr().bundledSr();
            if (bundled == null || BundledPluginRoot.srExists(Path.of(bundled))) {
                TargetSr target = opener.open().target();
                PlanVolumes volumes = new PlanVolumes(plan, target, PlanExecutor.domainFor(plan));
                for (Volume v : target.plugin().srLs(target.sr())) {
                    if (volumes.isOurs(v)) {
                        StaleAttachment.release(target.root(), v, PlanExecutor.domainFor(plan));
                        target.plugin().volumeDestroy(target.sr(), v.key());
                        destroyed.add(v.key());
                        events.note("destroyed volume " + v.key() + " (" + v.name() + ")");
                    }
                }
                if (state.srCreated && bundled != null && target.plugin().srLs(target.sr()).isEmpty()) {
                    target.plugin().srDestroy(target.sr());
                    removeIfEmpty(Path.of(bundled));
                    srRemoved = target.sr();
                    events.note("destroyed SR " + target.sr() + ", which a run of this plan had created");
                }
            }
            List<String> manifests = new ArrayList<>();
            for (JournalEntry e : state.done.values()) {
                if (e.manifest() != null && Files.deleteIfExists(Path.of(e.manifest()))) {
                    manifests.add(e.manifest());
                }
            }
            journal.append(JournalEntry.event(JournalEntry.ABORTED, null, null, "destroyed " + destroyed.size()
                    + " volumes" + (srRemoved == null ? "" : " and SR " + srRemoved), null, null));
            return new Result(destroyed, srRemoved, manifests);
        }
    }

    private static void removeIfEmpty(Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            if (entries.findAny().isEmpty()) {
                Files.delete(dir);
            }
        }
    }
}
