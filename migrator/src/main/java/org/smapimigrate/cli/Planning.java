package org.smapimigrate.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.smapimigrate.inventory.SrInventory;
import org.smapimigrate.migrate.PluginQueryProbe;
import org.smapimigrate.plan.Plan;
import org.smapimigrate.plan.PlanInputException;
import org.smapimigrate.plan.PlanRequest;
import org.smapimigrate.plan.PlanTarget;
import org.smapimigrate.plan.Planner;
import org.smapimigrate.plan.SnapshotInfo;
import org.smapimigrate.plan.TargetCapabilities;
import org.smapimigrate.plan.Throughput;
import org.smapimigrate.plan.VdiSelection;
import org.smapimigrate.plugin.PluginRoot;

/**
 * From options to a runnable plan, the same way for 'plan' and for 'migrate --sr --vdi' (which
 * plans on the fly): probe the target chosen by {@link TargetChoice}, plan, and name the source
 * paths and target a run opens.
 */
final class Planning {
    private Planning() {
    }

    static PluginQueryProbe probe(TargetChoice t, Duration callLimit) {
        return new PluginQueryProbe(new PluginRoot(t.root(), callLimit), t.volumePlugin(), t.bundledSrDir());
    }

    /** Probes the target and plans; a bad selection (an unknown --vdi) is one line, before anything is written. */
    static Plan make(SrInventory inventory, Map<String, SnapshotInfo> snapshots, List<String> vdis,
                     PluginQueryProbe probe, TargetCapabilities caps, Throughput rate, boolean flatten,
                     List<String> sourcePaths, TargetChoice target) throws IOException {
        VdiSelection selection = vdis == null || vdis.isEmpty() ? VdiSelection.allUserVisible() : VdiSelection.of(vdis);
        try {
            return Planner.plan(new PlanRequest(inventory, snapshots, selection, caps,
                            rate.withCallCost(probe.callSeconds()), flatten))
                    .forRun(UUID.randomUUID().toString(), sourcePaths, planTarget(target));
        } catch (PlanInputException e) {
            throw new UserError(e.getMessage());
        }
    }

    /** The target as a plan records it, for 'migrate --plan'. */
    static PlanTarget planTarget(TargetChoice t) {
        return new PlanTarget(t.root().toString(), t.volumePlugin(), t.configuration(),
                t.bundledSrDir() == null ? null : t.bundledSrDir().toString());
    }

    /** What 'migrate --plan' opens: the SR as given, absolute. */
    static List<String> sourcePaths(List<Path> sr) {
        return sr.stream().map(p -> p.toAbsolutePath().normalize().toString()).toList();
    }
}
