package org.smapimigrate.execute;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.smapimigrate.inventory.StorageRepository;
import org.smapimigrate.migrate.PluginQueryProbe;
import org.smapimigrate.plan.Plan;
import org.smapimigrate.plan.PlanJson;
import org.smapimigrate.plan.PlanRequest;
import org.smapimigrate.plan.PlanTarget;
import org.smapimigrate.plan.Planner;
import org.smapimigrate.plan.SnapshotRecords;
import org.smapimigrate.plan.Throughput;
import org.smapimigrate.plan.VdiSelection;
import org.smapimigrate.plugin.CallLog;
import org.smapimigrate.plugin.PluginRoot;

/**
 * {@code migrate --sr SR --vdi UUID...} from code (benchmarks, tests): the VDIs planned on the
 * fly, the plan kept in a {@link StateDirectory}, and run by the {@link PlanExecutor} like any
 * plan; called again with the same request it resumes, or rechecks a finished run.
 */
public final class VdiRun {
    private VdiRun() {
    }

    /** A runnable plan of {@code vdis} (none: every user VDI), as 'plan --sr ... --vdi ...' makes it, probing the target. */
    public static Plan plan(StorageRepository source, List<String> sourcePaths, List<String> vdis, boolean flatten,
                            PlanTarget where, Duration callLimit) throws IOException {
        PluginQueryProbe probe = new PluginQueryProbe(new PluginRoot(Path.of(where.pluginRoot()), callLimit),
                where.volumePlugin(), where.bundledSr() == null ? null : Path.of(where.bundledSr()));
        return Planner.plan(new PlanRequest(source.inventory(), SnapshotRecords.of(source), vdis.isEmpty() ? VdiSelection.allUserVisible() : VdiSelection.of(vdis),
                        probe.probe(), Throughput.assumed().withCallCost(probe.callSeconds()), flatten))
                .forRun(UUID.randomUUID().toString(), sourcePaths, where);
    }

    /** Plans (or finds the earlier plan of the same request in {@code states}) and runs it. */
    public static RunSummary migrate(StorageRepository source, List<String> sourcePaths, List<String> vdis,
                                     PlanTarget where, Duration callLimit, StateDirectory states, RunEvents events,
                                     Set<String> acceptedRisks) throws IOException {
        return migrate(source, sourcePaths, vdis, where, callLimit, states, events, acceptedRisks, 1);
    }

    /** {@link #migrate} with up to {@code jobs} steps at once. */
    public static RunSummary migrate(StorageRepository source, List<String> sourcePaths, List<String> vdis,
                                     PlanTarget where, Duration callLimit, StateDirectory states, RunEvents events,
                                     Set<String> acceptedRisks, int jobs) throws IOException {
        return migrate(source, sourcePaths, vdis, where, callLimit, states, events, acceptedRisks, jobs,
                SourceLimit.NONE);
    }

    /**
     * {@link #migrate} with every source read passing through {@code limit}: a batch passes one
     * shared token bucket (batch.RateLimitedDisk.through) to all the volumes of its run.
     */
    public static RunSummary migrate(StorageRepository source, List<String> sourcePaths, List<String> vdis,
                                     PlanTarget where, Duration callLimit, StateDirectory states, RunEvents events,
                                     Set<String> acceptedRisks, int jobs, SourceLimit limit) throws IOException {
        CallLog.Mark from = CallLog.process().mark();
        String srId = source.inventory().uuid() != null ? source.inventory().uuid() : source.inventory().path();
        Path planFile = states.planFor(srId, vdis, where, false);
        Plan plan;
        if (StateDirectory.resumable(planFile)) {
            plan = PlanJson.read(planFile);
        } else {
            plan = plan(source, sourcePaths, vdis, false, where, callLimit);
            states.create();
            PlanJson.write(plan, planFile);
        }
        return new PlanExecutor(plan, planFile, source, TargetOpener.of(where, null, callLimit),
                StateDirectory.manifestsOf(planFile), "smapi-migrate", events,
                new RunOptions(acceptedRisks, "smapi-migrate migrate --plan " + planFile, jobs, from, limit)).run();
    }
}
