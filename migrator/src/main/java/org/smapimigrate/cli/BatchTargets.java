package org.smapimigrate.cli;

import java.nio.file.Path;
import org.smapimigrate.batch.Job;
import org.smapimigrate.plan.PlanTarget;
import org.smapimigrate.vm.HostRoot;

/** A job's target as a plan records it, decided as 'migrate' decides its target options. */
final class BatchTargets {
    private BatchTargets() {
    }

    /**
     * @param hostRoot with --host-root, an installed plugin (no 'plugins' in the job) is looked for
     *                 under it, where xapi-storage-script keeps them on that host
     */
    static TargetChoice choice(Job job, Path hostRoot) {
        Path plugins = job.plugins();
        if (plugins == null && job.volumePlugin() != null && hostRoot != null) {
            plugins = HostRoot.of(hostRoot).pluginRoot();
        }
        return TargetChoice.of(job.targetSr(), plugins, job.volumePlugin(), job.srConfig(),
                m -> new UserError("job " + job.name() + ": " + m));
    }

    static PlanTarget of(Job job, Path hostRoot) {
        return Planning.planTarget(choice(job, hostRoot));
    }
}
