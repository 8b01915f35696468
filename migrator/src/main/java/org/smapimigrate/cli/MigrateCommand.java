package org.smapimigrate.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.smapimigrate.batch.Bandwidth;
import org.smapimigrate.batch.RateLimitedDisk;
import org.smapimigrate.batch.TokenBucket;
import org.smapimigrate.execute.PlanAbort;
import org.smapimigrate.execute.PlanExecutor;
import org.smapimigrate.execute.RunEvents;
import org.smapimigrate.execute.RunOptions;
import org.smapimigrate.execute.StateDirectory;
import org.smapimigrate.execute.TargetOpener;
import org.smapimigrate.execute.VdiRun;
import org.smapimigrate.inventory.Severity;
import org.smapimigrate.inventory.StorageRepository;
import org.smapimigrate.plan.Plan;
import org.smapimigrate.plugin.CallLog;
import org.smapimigrate.report.TerminalText;
import org.smapimigrate.nbd.NbdUri;
import org.smapimigrate.source.NbdRepository;
import org.smapimigrate.source.XvaRepository;
import org.smapimigrate.plan.PlanJson;
import org.smapimigrate.plan.Risk;
import org.smapimigrate.plan.PlanInputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code smapi-migrate migrate}: runs a plan through the one engine ({@link PlanExecutor}), the
 * plan given ({@code --plan FILE}) or made on the fly for {@code --sr SR --vdi UUID...} and kept in
 * the state directory, so both kinds of run resume, verify and refuse alike.
 */
@Command(name = "migrate",
        sortOptions = false,
        headerHeading = "%n",
        header = "Copy VDIs into new volumes of a SMAPIv3 SR, verified byte for byte.",
        synopsisHeading = "%nUsage: ",
        descriptionHeading = "%nDescription:%n",
        description = {
            "With --plan: runs a plan made by 'smapi-migrate plan -o plan.json' exactly",
            "as planned (snapshot trees kept where planned), step by step, and journals",
            "each finished step in plan.json.journal. Run the same command again after a",
            "failure, Ctrl-C or a crash: finished steps are checked again on the target,",
            "leftovers of an unfinished step are removed, and the run goes on from there.",
            "Volumes stay incomplete (smapi-migrate-state in the volume key smapi-migrate)",
            "until the last steps mark them complete. Manifests for 'verify' go to",
            "plan.json.manifests/. With --jobs N, steps on independent volumes run at",
            "once under one progress display. --debug lists each plugin process and its",
            "time; the summary (and --json's done event) totals them. A plugin's",
            "Plugin.Query answer is kept for a day in ~/.cache/smapi-migrate (or",
            "$XDG_CACHE_HOME, or $SMAPI_MIGRATE_CACHE; 'off' keeps none), filed by the",
            "bytes of its executable, so a changed plugin is asked again. A file volume is",
            "read back where it holds data: its holes read as zeros (found with SEEK_DATA",
            "by /usr/bin/python3).",
            "",
            "With --sr SR --vdi UUID... and a target: plans those VDIs on the fly exactly",
            "as 'plan --sr SR --vdi UUID...' would, keeps that plan in the state directory",
            "(--state-dir, default ./smapi-migrate-state) with its journal and manifests,",
            "and runs it the same way. The same command run again resumes it; once it",
            "finished, running it again only checks the volumes and changes nothing.",
            "",
            "Before anything is written (before even the target SR is created): every",
            "--vdi must exist and read exactly, the plan must hold no error-level risk",
            "(a VDI left out, a VHD cut short, too little space; --force CODE,... accepts",
            "named ones), the source must be as planned, and the target must have the",
            "space the rest of the plan needs plus a margin (SR.stat).",
            "",
            "Out of space on the target: the half-written volume is destroyed, the run",
            "stops with one line saying how much is still needed, and a re-run refuses at",
            "once until the SR has that much free. --abort destroys everything the plan",
            "made (and the bundled SR if a run of it created it): the target is as it was.",
            "",
            "--dry-run prints what 'plan' prints, exits as 'plan' does, and changes",
            "nothing. --json prints one event per line (start, step-start, progress,",
            "step-done, done or failed), a failed event also for a refusal.",
            "",
            "A VM plan (plan --xapi ... --vm ...), or --xapi URL --vm NAME... with",
            "--target-sr SR on the fly: checks every VM is halted, moves the disks,",
            "makes XAPI see them (SR.scan) with the old names, tags and other_config,",
            "then replaces each VBD of the VMs and their snapshots by one on the new VDI,",
            "journaling every change; a failure puts every VBD back. --abort does that on",
            "request (--destroy-copies also removes the new VDIs). Sources never change.",
            "",
            "Target: --target-sr DIR uses the SMAPIv3 SR bundled with smapi-migrate",
            "(examples/xapi-storage-script: volume plugin org.smapimigrate.dirvol, sparse raw",
            "files, datapath raw+file) and creates the SR in DIR when there is none. Or name",
            "any installed plugin: --volume-plugin NAME with --sr-config k=v (the SR's",
            "device-config), under --plugins ROOT.",
            "",
            "--mode live (warm migration: the disk keeps being written while it moves):",
            "pass 0 snapshots the running disk and copies the snapshot whole into one",
            "target volume; each later pass snapshots again and copies only what changed",
            "in between (VHD sector bitmaps of a file SR, CBT of XAPI), releasing the",
            "older snapshot. After a pass below --switch-below (bytes, or seconds with an",
            "s) or after --max-passes, the switch-over stops the writer (clean, within",
            "--shutdown-timeout; forced only with --force-shutdown), copies the last",
            "delta, compares the whole target with the whole quiet source byte for byte",
            "(taking the source's SHA-256 in the same read),",
            "repoints (XAPI: the VM's VBD; a file SR: nothing, the start hook is told",
            "SMAPI_MIGRATE_TARGET_VOLUME) and starts the writer again. If anything fails",
            "before the repoint, the writer starts again on its old disk and the error",
            "says why. The report lists each pass (bytes, time, rate), the downtime",
            "(stop requested to started) and the verification. Every step is journaled",
            "in the state directory: run the same command again after a kill to resume",
            "(same volume, the passes go on), or with --abort to release the snapshots",
            "and destroy the volume. No snapshot is left in any case. Sources: a file SR",
            "on this host (--sr DIR --vdi UUID with --stop-hook, --start-hook and",
            "--reopen-hook; the hooks get SMAPI_MIGRATE_ACTION, _VDI, _LEAF, _SR), or a",
            "running VM with every disk it has (--xapi URL --vm NAME, --target-sr the",
            "pool's SR): passes in rounds over its disks, --switch-below judged on a",
            "round summed over them, one stop, every VBD repointed at once, one start."},
        optionListHeading = "%nOptions:%n",
        footerHeading = "%nExamples:%n",
        footer = {
            "  smapi-migrate plan --sr /run/sr-mount/SR --target-sr /srv/v3sr -o plan.json",
            "  smapi-migrate migrate --plan plan.json",
            "  smapi-migrate migrate --plan plan.json --force block-cut-short",
            "  smapi-migrate migrate --plan plan.json --abort",
            "  smapi-migrate migrate --plan plan.json --json > events.jsonl",
            "  smapi-migrate migrate --plan vm-plan.json --xapi-password-file pw",
            "  smapi-migrate migrate --plan vm-plan.json --xapi-password-file pw --abort",
            "  smapi-migrate migrate --sr /run/sr-mount/SR --vdi UUID --target-sr /srv/v3sr",
            "  smapi-migrate migrate --sr SR --vdi U1 --vdi U2 -j 2 --target-sr /srv/v3sr",
            "  smapi-migrate migrate --mode live --sr /run/sr-mount/SR --vdi UUID \\",
            "      --target-sr /srv/v3sr --reopen-hook ./tap-pause --stop-hook ./vm-stop \\",
            "      --start-hook ./vm-start --switch-below 32M --max-passes 6",
            "  smapi-migrate migrate --mode live --xapi https://pool --vm db --target-sr v3 \\",
            "      --xapi-password-file pw --switch-below 2s --shutdown-timeout 300",
            "  smapi-migrate migrate --sr /dev/sdb --vdi U1 --vdi U2 --volume-plugin \\",
            "      org.xen.xapi.storage.zfs-vol --sr-config zpool=sr-1234 --state-dir /root/mig",
            "",
            "Exit status: 0 when the whole plan ran (or had run) and every volume is",
            "verified, or the abort finished; 1 when anything was refused or failed (one",
            "line says what, and what to do); 2 for usage errors."})
final class MigrateCommand implements Callable<Integer> {

    @Option(names = "--plan", paramLabel = "FILE",
            description = "Run this plan (made by 'smapi-migrate plan -o FILE').")
    Path plan;

    @Mixin
    SourceOptions source;

    @Option(names = "--vdi", paramLabel = "UUID",
            description = "A VDI to migrate; repeat for several (with --sr and a target).")
    List<String> vdis;

    @Option(names = "--source", paramLabel = "NBD_URI", description = "Migrate an NBD export instead of a VDI of "
            + "--sr (nbd://, nbds://, nbd+unix://): read where its block status says data, verified like any source.")
    String sourceUri;

    @Option(names = "--tls-certs", paramLabel = "DIR", description = "For an nbds:// --source: DIR holds ca-cert.pem "
            + "(and client-cert.pem, client-key.pem when the server asks for a client certificate).")
    Path tlsCerts;

    @Option(names = "--flatten",
            description = "Plan with --flatten: every VDI a standalone volume with its whole chain.")
    boolean flatten;

    @Mixin
    TargetOptions target;

    @Mixin
    VmOptions vm;

    @Option(names = "--destroy-copies",
            description = "With --abort of a VM plan: also destroy the new volumes and VDIs (default: they stay).")
    boolean destroyCopies;

    @Option(names = "--force", split = ",", paramLabel = "CODE",
            description = "Accept these error-level risks of the plan by their codes (as 'plan' lists them),"
                    + " e.g. --force block-cut-short. Nothing else is accepted.")
    List<String> force = new ArrayList<>();

    @Option(names = "--abort",
            description = "Destroy what runs of the plan made on the target, instead of running it.")
    boolean abort;

    @Option(names = "--dry-run",
            description = "Print what 'plan' prints and change nothing.")
    boolean dryRun;

    @Option(names = {"-j", "--jobs"}, paramLabel = "N",
            description = "Steps run at once, on independent volumes (VDIs, chains); a step still waits for "
                    + "those it follows. Default: one per core, at most " + DefaultJobs.MAX + ", and 1 when a "
                    + "source disk spins (sysfs queue/rotational). The journal records each finished step either way.")
    Integer jobs;

    @Option(names = "--bandwidth", paramLabel = "RATE",
            description = "Read the source at most RATE per second, all jobs together (a token bucket "
                    + "every source read passes through): e.g. 50MiB/s, in B, KiB, MiB or GiB per second. "
                    + "Default: no limit.")
    String bandwidth;

    @Option(names = "--mode", paramLabel = "offline|live", defaultValue = "offline",
            description = "offline (default): the disks are not written during the copy. live: they may be; see"
                    + " Description.")
    String mode;

    @Mixin
    LiveOptions live;

    @Mixin
    StateOptions state;

    @Mixin
    OutputOptions output;

    @Spec
    CommandSpec spec;

    /** Where this command's plugin calls begin in the process's log (the on-the-fly plan's probe counts). */
    private final CallLog.Mark callsFrom = CallLog.process().mark();

    @Override
    public Integer call() throws Exception {
        if (jobs != null && (jobs < 1 || jobs > 64)) {
            throw usage("--jobs takes 1 to 64, not " + jobs);
        }
        if (bandwidth != null) {
            try {
                Bandwidth.parse(bandwidth);
            } catch (IllegalArgumentException e) {
                throw usage("--bandwidth: " + TerminalText.escape(e.getMessage()));
            }
        }
        Runnable stopDebug = debugCalls();
        try {
            return dispatch();
        } finally {
            stopDebug.run();
        }
    }

    /**
     * With {@code --debug}: one line on standard error per plugin process, as it ends (plugin,
     * method, wall time, whether it answered), so the cost of each call can be seen.
     */
    private Runnable debugCalls() {
        boolean debug = false;
        for (CommandSpec c = spec; c != null; c = c.parent()) {
            var o = c.findOption("--debug");
            debug |= o != null && Boolean.TRUE.equals(o.getValue());
        }
        if (!debug) {
            return () -> { };
        }
        PrintWriter err = spec.commandLine().getErr();
        return CallLog.process().listen(c -> {
            synchronized (err) {
                err.printf("smapi-migrate: debug: plugin %s %.3f s%s%n", TerminalText.escape(c.what()), c.seconds(),
                        c.ok() ? "" : " (failed)");
                err.flush();
            }
        });
    }

    private Integer dispatch() throws Exception {
        if ("live".equals(mode)) {
            if (bandwidth != null) {
                // The passes read through their own controller, which takes no limit; refused rather than ignored.
                throw usage("--bandwidth limits offline migrations; --mode live takes no limit");
            }
            return LiveRuns.run(this);
        }
        if (!"offline".equals(mode)) {
            throw usage("--mode takes offline or live, not " + TerminalText.escape(mode));
        }
        boolean vmPlan = plan != null && org.smapimigrate.vm.VmPlanJson.isVmPlan(plan);
        if (bandwidth != null && (vmPlan || vm.given())) {
            // The VM migration's transports take no limit from here; refused rather than ignored.
            throw usage("--bandwidth limits SR, XVA and NBD sources, not a VM migration; a batch job of VMs takes"
                    + " 'bandwidth' (with the local transport)");
        }
        if (vmPlan) {
            if (target.given() || vdis != null || flatten || vm.vms != null) {
                throw usage("--plan names its VMs and target: no --target-sr, --vm, --vdi or --flatten with it");
            }
            return VmRuns.run(this, plan, org.smapimigrate.vm.VmPlanJson.read(plan));
        }
        if (vm.given()) {
            return VmRuns.onTheFly(this);
        }
        if (plan != null) {
            if (target.given() || vdis != null || flatten) {
                throw usage("--plan names its source and target: --target-sr, --volume-plugin, --sr-config, --vdi"
                        + " and --flatten do not go with it (--sr and --plugins may, to override where they are found)");
            }
            return runPlanFile(plan, PlanFiles.read(plan), source.sr);
        }
        if (sourceUri != null && (source.sr != null || vdis != null)) {
            throw usage("--source names the one disk to migrate: no --sr or --vdi with it");
        }
        if (sourceUri == null && (source.sr == null || ((vdis == null || vdis.isEmpty()) && !dryRun))) {
            throw usage("name what to migrate: --plan FILE, --sr SR with --vdi UUID, or --source NBD_URI; and a target");
        }
        TargetChoice choice = target.choice();
        Duration limit = target.plugins.callLimit();
        // An NBD URI may hold a secret (xapi-nbd's session_id): the plan records it redacted and the
        // run reopens the source from the command line, never from the plan file.
        List<String> sourcePaths = sourceUri != null ? List.of(NbdUri.parse(sourceUri).describe())
                : Planning.sourcePaths(source.sr);
        try (StorageRepository sr = sourceUri != null ? openSource(List.of(sourceUri)) : openSource(sourcePaths)) {
            if (sourceUri != null) {
                vdis = List.of(((NbdRepository) sr).vdiId());
            } else if (sr instanceof XvaRepository xva && vdis != null) {
                vdis = xva.vdiIds(vdis); // an XVA's disks by name, Ref:N or uuid
            } else if (vdis == null) {
                vdis = List.of(); // --dry-run of the whole SR
            }
            StateDirectory states = new StateDirectory(state.dir);
            String srId = sr.inventory().uuid() != null ? sr.inventory().uuid() : sr.inventory().path();
            Path planFile = states.planFor(srId, vdis, Planning.planTarget(choice), flatten);
            if (abort || (!dryRun && StateDirectory.resumable(planFile))) {
                if (!Files.exists(planFile)) {
                    throw new UserError("nothing to abort: no migration of these VDIs into this target is recorded"
                            + " in " + states.path());
                }
                return runPlanFile(planFile, PlanFiles.read(planFile), null);
            }
            Plan p;
            try {
                p = VdiRun.plan(sr, sourcePaths, vdis, flatten, Planning.planTarget(choice), limit);
            } catch (PlanInputException e) {
                throw new UserError(e.getMessage());
            }
            if (dryRun) {
                return printPlan(p);
            }
            states.create();
            PlanJson.write(p, planFile);
            announce(p);
            return execute(p, planFile, sr, null);
        }
    }

    /** {@code --plan FILE}, or the state directory's plan of an earlier run of the same request. */
    private int runPlanFile(Path file, Plan p, List<Path> srOverride) throws IOException {
        if (dryRun) {
            return printPlan(p);
        }
        Path plugins = target.plugins.root;
        Duration limit = target.plugins.callLimit();
        if (abort) {
            PlanAbort.Result r;
            try (ConsoleRunEvents console = new ConsoleRunEvents(spec.commandLine().getErr(), output.quiet || output.json)) {
                r = PlanAbort.run(p, file, TargetOpener.of(p.targetSr(), plugins, limit), console);
            }
            if (output.json) {
                print(CliJson.PRETTY.writeValueAsString(r));
            } else if (!output.quiet) {
                spec.commandLine().getErr().printf("aborted plan %s: %d volumes destroyed%s; the journal records it,"
                                + " a new run starts from nothing%n", p.id(), r.destroyed().size(),
                        r.srRemoved() == null ? "" : ", SR " + r.srRemoved() + " removed");
            }
            return 0;
        }
        PlanExecutor.requireRunnable(p);
        List<String> from = srOverride != null ? Planning.sourcePaths(srOverride) : nbdSource(p.source().paths());
        try (StorageRepository sr = openSource(from)) {
            return execute(p, file, sr, srOverride);
        }
    }

    private int execute(Plan p, Path file, StorageRepository sr, List<Path> srOverride) throws IOException {
        Path plugins = target.plugins.root;
        int n = jobs != null ? jobs : DefaultJobs.forSources(p.source().paths());
        RunOptions options = new RunOptions(new LinkedHashSet<>(force), resumeCommand(file, srOverride, plugins), n,
                callsFrom);
        if (bandwidth != null) {
            options = options.withSourceLimit(RateLimitedDisk.through(TokenBucket.ofRate(Bandwidth.parse(bandwidth))));
        }
        PrintWriter out = spec.commandLine().getOut();
        try (JsonRunEvents json = output.json ? new JsonRunEvents(out) : null;
             ConsoleRunEvents console = output.json ? null : new ConsoleRunEvents(spec.commandLine().getErr(),
                     output.quiet)) {
            RunEvents events = output.json ? json : console;
            new PlanExecutor(p, file, sr, TargetOpener.of(p.targetSr(), plugins, target.plugins.callLimit()),
                    StateDirectory.manifestsOf(file), new Version().getVersion()[0], events, options).run();
        } catch (IOException | RuntimeException e) {
            if (output.json) {
                throw new ReportedFailure(e);
            }
            throw e;
        }
        return 0;
    }

    /**
     * A plan's source paths, with a redacted NBD URI replaced by the --source given again: the plan
     * never holds the session, so a resume needs the URI from the command line, and it must be the
     * same export the plan was made from.
     */
    private List<String> nbdSource(List<String> planned) throws IOException {
        if (planned.size() != 1 || !planned.get(0).contains(NbdUri.REDACTED)) {
            return planned;
        }
        if (sourceUri == null) {
            throw new UserError("the plan's source " + TerminalText.escape(planned.get(0)) + " held a session that"
                    + " plans never record: give the URI again with --source NBD_URI");
        }
        if (!NbdUri.parse(sourceUri).describe().equals(planned.get(0))) {
            throw new UserError("--source " + NbdUri.parse(sourceUri).describe() + " is not the plan's source "
                    + TerminalText.escape(planned.get(0)) + ": give the URI the plan was made from");
        }
        return List.of(sourceUri);
    }

    /** The source a plan names: an NBD export by its URI, else an SR by its directory or PVs (read-only). */
    private StorageRepository openSource(List<String> paths) throws IOException {
        if (paths.size() == 1 && paths.get(0).startsWith("nbd")) {
            return NbdRepository.open(paths.get(0), tlsCerts);
        }
        return SourceRepositories.open(paths.stream().map(Path::of).toList());
    }

    /** Before a run planned on the fly: what 'plan' would have warned of, and notes on the VDIs named. */
    private void announce(Plan p) {
        if (output.quiet || output.json) {
            return;
        }
        PrintWriter err = spec.commandLine().getErr();
        Set<String> named = new LinkedHashSet<>(vdis);
        for (Risk r : p.risks()) {
            // The SR's other troubles are for 'scan' and 'plan'; here only what concerns this run.
            boolean concerns = r.subject() == null || named.stream().anyMatch(v -> r.subject().contains(v)
                    || r.message().contains(v));
            if (r.severity() == Severity.WARNING && concerns) {
                err.println("smapi-migrate: warning: " + TerminalText.escape(r.message()) + " [" + r.code() + "]");
            } else if (r.severity() == Severity.INFO && r.subject() != null && named.contains(r.subject())) {
                err.println("smapi-migrate: note: " + TerminalText.escape(r.message()) + " [" + r.code() + "]");
            }
        }
        err.flush();
    }

    private int printPlan(Plan p) {
        PrintWriter out = spec.commandLine().getOut();
        if (output.json) {
            out.println(PlanJson.toJson(p));
        } else {
            PlanCommand.summary(p, out);
        }
        out.flush();
        return PlanCommand.exitFor(p, spec.commandLine().getErr());
    }

    private void print(String s) {
        PrintWriter out = spec.commandLine().getOut();
        out.println(s);
        out.flush();
    }

    /** The exact command that resumes this run, for the line printed on Ctrl-C. */
    private String resumeCommand(Path file, List<Path> srOverride, Path plugins) throws IOException {
        StringBuilder b = new StringBuilder("smapi-migrate migrate --plan ").append(Shell.quote(file.toAbsolutePath()
                .toString()));
        if (srOverride != null) {
            b.append(" --sr");
            srOverride.forEach(p -> b.append(' ').append(Shell.quote(p.toAbsolutePath().toString())));
        }
        if (sourceUri != null) {
            // Redacted: the user puts the session back in; it must not reach a terminal log.
            b.append(" --source ").append(Shell.quote(NbdUri.parse(sourceUri).describe()));
        }
        if (plugins != null) {
            b.append(" --plugins ").append(Shell.quote(plugins.toAbsolutePath().toString()));
        }
        if (jobs != null) {
            b.append(" --jobs ").append(jobs);
        }
        if (bandwidth != null) {
            b.append(" --bandwidth ").append(Shell.quote(bandwidth));
        }
        if (!force.isEmpty()) {
            b.append(" --force ").append(Shell.quote(String.join(",", force)));
        }
        return b.toString();
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
