package org.smapimigrate.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code smapi-migrate batch}: its subcommands run, status and plan share a job file and a state directory. */
@Command(name = "batch",
        sortOptions = false,
        headerHeading = "%n",
        header = "Run a job file of migrations unattended: in windows, under a bandwidth limit, resumable.",
        synopsisHeading = "%nUsage: ",
        descriptionHeading = "%nDescription:%n",
        description = {
            "A job file (examples/batch/jobs.yaml) names, per job, the sources (SMAPIv1 SR",
            "paths, XVA files, or VMs of a pool through XAPI), which VDIs, the SMAPIv3",
            "target and the options (window, bandwidth, concurrency, retries). 'batch run'",
            "moves them with the engine 'migrate' uses and records each volume's state,",
            "so a timer can run it night after night until all is done; 'batch status'",
            "shows where it stands; 'batch plan' estimates it.",
            "",
            "State directory (--state DIR, default JOBS.state beside the job file;",
            "shared by a pool's hosts, which all run the same job file):",
            "  hosts/HOST/batch.lock      a host's run lock; names its last run",
            "                             (pid, host, start)",
            "  claims/                    which run holds which volume now",
            "  jobs/NAME/volumes.json     per volume: pending, running, done (digest),",
            "                             failed (reason, attempts), skipped (reason)",
            "  jobs/NAME/engine/          the engine's plans, journals and manifests",
            "  hosts/HOST/summary.json    the last run on HOST (also summary.md, .html)"},
        subcommands = {BatchRunCommand.class, BatchStatusCommand.class, BatchPlanCommand.class},
        optionListHeading = "%nOptions:%n",
        commandListHeading = "%nCommands:%n",
        footerHeading = "%nExamples:%n",
        footer = {
            "  smapi-migrate batch plan /etc/smapi-migrate/jobs.yaml",
            "  smapi-migrate batch run /etc/smapi-migrate/jobs.yaml --state /srv/shared/batch",
            "  smapi-migrate batch status /etc/smapi-migrate/jobs.yaml --state /srv/shared/batch --json",
            "",
            "Run 'smapi-migrate batch run --help' for its exit codes."})
final class BatchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return BatchExit.USAGE;
    }
}
