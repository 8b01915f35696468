package org.smapimigrate.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.smapimigrate.batch.BatchRun;
import org.smapimigrate.batch.Claims;
import org.smapimigrate.batch.Host;
import org.smapimigrate.batch.EngineMigration;
import org.smapimigrate.batch.HostSources;
import org.smapimigrate.batch.Job;
import org.smapimigrate.batch.JobBandwidth;
import org.smapimigrate.batch.JobStates;
import org.smapimigrate.batch.JobVolumes;
import org.smapimigrate.batch.RunLock;
import org.smapimigrate.batch.VolumeMigration;
import org.smapimigrate.batch.VolumeState;
import org.smapimigrate.batch.summary.BatchSummary;
import org.smapimigrate.execute.RunEvents;
import org.smapimigrate.report.Sizes;
import org.smapimigrate.report.TerminalText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code smapi-migrate batch run}: one run of a job file under its lock, through the one engine. */
@Command(name = "run",
        sortOptions = false,
        headerHeading = "%n",
        header = "Move what the job file names that this host sees and is not done yet.",
        synopsisHeading = "%nUsage: ",
        descriptionHeading = "%nDescription:%n",
        description = {
            "Takes this host's lock on the state directory (a second run on the same",
            "host exits at once with code 4, naming the holder), lists each job's",
            "volumes from what this host sees (with --host-root, the job's paths under",
            "that directory; a source this host does not see is left to the hosts that",
            "do), and moves them, jobs in file order, up to a job's concurrency at once,",
            "each claimed first: the hosts of a pool sharing the state directory never",
            "take the same volume. The selected VDIs of one snapshot tree move together as one",
            "plan of the engine 'migrate' uses, so the tree is written once and its",
            "snapshots and clones are made on the target; every volume is read back and",
            "compared with its source before it counts as done.",
            "",
            "Each volume's state is written (atomically) before it starts and when it",
            "ends. A volume recorded done is checked cheaply first (the engine rechecks",
            "its finished plan on the target and the manifest's digest is compared) and",
            "then skipped; nothing is copied twice, and a run that copies nothing says",
            "so. A volume a killed run left running is run again: the engine's journal",
            "resumes it. A failed volume is tried again after 10 s, 20 s, ... up to the",
            "job's retries. Outside the job's window no new volume starts (one running",
            "finishes). A bandwidth limit holds for all source reads of the job.",
            "",
            "Prints one line per volume and a closing summary; --json prints one JSON",
            "object per line instead (volume, note, done; failed on an error). Each run",
            "writes summary.json, summary.md and summary.html into STATE/hosts/HOST/",
            "(this host's directory, so the hosts of a pool keep one each); the last",
            "line (the done document's 'summary' with --json) names them."},
        optionListHeading = "%nOptions:%n",
        footerHeading = "%nExit status:%n",
        footer = {
            "  0  every volume this host sees is done and verified",
            "  1  something failed (the summary names each volume and why), or an error",
            "  2  usage error, or a bad job file (one line: FILE:LINE: KEY: problem)",
            "  3  nothing failed, but the window closed with volumes left for the next run",
            "  4  another run holds the state directory (the line names its pid, host and",
            "     start); this one changed nothing",
            "",
            "Examples:",
            "  smapi-migrate batch run /etc/smapi-migrate/jobs.yaml",
            "  smapi-migrate batch run jobs.yaml --state /srv/shared/batch --json > run.jsonl"})
final class BatchRunCommand implements Callable<Integer> {
    @Mixin
    BatchOptions options;

    @Option(names = "--plugin-timeout", paramLabel = "SECONDS", defaultValue = PluginOptions.DEFAULT_TIMEOUT,
            description = "Time limit for one plugin call (default: ${DEFAULT-VALUE}).")
    long pluginTimeout;

    @Option(names = "--host", paramLabel = "NAME",
            description = "This host's name in the pool, for its lock and its claims on a shared state directory"
                    + " (default: the machine's host name).")
    String host;

    @Option(names = "--test-times", hidden = true, split = ",", paramLabel = "HH:MM",
            description = "Tests only: the local times the clock answers, one per reading.")
    List<LocalTime> testTimes;

    @Spec
    CommandSpec spec;

    private PrintWriter out;
    private PrintWriter err;
    private Duration callLimit;

    @Override
    public Integer call() throws Exception {
        out = spec.commandLine().getOut();
        err = spec.commandLine().getErr();
        callLimit = BatchOptions.callLimit(spec, pluginTimeout); // a usage error before anything is written
        List<Job> jobs = options.read(out, err);
        if (jobs == null) {
            return BatchExit.USAGE;
        }
        Path stateDir = options.stateDir();
        String me;
        try {
            me = host == null ? Host.local() : Host.check(host);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--host: " + e.getMessage());
        }
        RunLock lock;
        try {
            lock = RunLock.take(stateDir, me);
        } catch (RunLock.Held e) {
            err.println("smapi-migrate: error: " + e.getMessage());
            err.flush();
            if (options.json) {
                BatchExit.print(out, Map.of("event", "failed", "time", Instant.now().toString(),
                        "error", e.getMessage(), "exit_code", BatchExit.LOCKED));
            }
            return BatchExit.LOCKED;
        }
        try (lock; Claims claims = Claims.of(stateDir, me); HostSources sources = new HostSources(options.hostRoot,
                p -> SourceRepositories.open(List.of(p)))) {
            return run(jobs, stateDir, me, sources, claims);
        }
    }

    private int run(List<Job> jobs, Path stateDir, String me, HostSources sources, Claims claims)
            throws IOException, InterruptedException {
        Instant started = Instant.now();
        Map<String, List<BatchRun.Volume>> volumes = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        JobBandwidth bandwidth = new JobBandwidth();
        BatchVmJobs vmJobs = new BatchVmJobs(options.hostRoot, callLimit, bandwidth::of);
        for (Job job : jobs) {
            if (job.kind() == Job.SourceKind.VM) {
                List<String> vmProblems = new ArrayList<>();
                volumes.put(job.name(), vmJobs.list(job, vmProblems));
                vmProblems.forEach(p -> {
                    problems.add(p);
                    note(p);
                });
                continue;
            }
            BatchTargets.choice(job, options.hostRoot); // a target the options cannot name fails before any work
            JobVolumes jv = JobVolumes.list(job, sources);
            volumes.put(job.name(), jv.runList());
            jv.notes().forEach(n -> note(n));
            jv.problems().forEach(p -> {
                problems.add(p);
                note(p);
            });
        }
        Path root = options.hostRoot;
        EngineMigration engine = new EngineMigration(sources, j -> BatchTargets.of(j, root), callLimit,
                engineEvents(), bandwidth::of);
        VolumeMigration migration = new VolumeMigration() {
            @Override
            public Done migrate(Job job, String sr, String vdi, Path engineState) throws Exception {
                return job.kind() == Job.SourceKind.VM ? vmJobs.migrate(job, sr, vdi, engineState)
                        : engine.migrate(job, sr, vdi, engineState);
            }

            @Override
            public boolean stillDone(Job job, VolumeState recorded, Path engineState) throws Exception {
                return job.kind() == Job.SourceKind.VM ? vmJobs.stillDone(job, recorded, engineState)
                        : engine.stillDone(job, recorded, engineState);
            }
        };
        Clock clock = testTimes == null || testTimes.isEmpty() ? Clock.systemDefaultZone()
                : new ScriptedClock(testTimes, ZoneId.systemDefault());
        BatchRun.Result r = new BatchRun(stateDir, clock, d -> Thread.sleep(d.toMillis()), Duration.ofSeconds(10),
                migration, this::note, claims).listen(this::volume).run(jobs, volumes);
        int failed = r.failed() + problems.size();
        int code = failed > 0 ? BatchExit.FAILED : r.paused() && r.left() > 0 ? BatchExit.WORK_LEFT : BatchExit.DONE;
        // This host's own directory: on a state directory the pool shares, each host's summary
        // stays beside its lock instead of the last host's overwriting the others'.
        Path summaryDir = RunLock.hostDir(stateDir, me);
        Map<String, JobStates> states = new LinkedHashMap<>();
        for (Job job : jobs) {
            states.put(job.name(), JobStates.load(stateDir, job.name()));
        }
        BatchSummary.write(summaryDir, me, jobs, states, r, started, Instant.now());
        summary(r, problems, code, summaryDir);
        return code;
    }

    /** Progress of the engine's steps: a bar on a terminal, each plugin call's line with --debug. */
    private RunEvents engineEvents() {
        boolean debug = false;
        for (CommandSpec c = spec; c != null; c = c.parent()) {
            var o = c.findOption("--debug");
            debug |= o != null && Boolean.TRUE.equals(o.getValue());
        }
        if (options.json || (!debug && System.console() == null)) {
            return RunEvents.NONE;
        }
        return new ConsoleRunEvents(err, false);
    }

    private void note(String message) {
        if (options.json) {
            BatchExit.print(out, Map.of("event", "note", "time", Instant.now().toString(), "message", message));
        } else {
            err.println("smapi-migrate: batch: " + TerminalText.escape(message));
            err.flush();
        }
    }

    /** One line per volume as its outcome is known; those a closed window left are counted in the summary. */
    private void volume(BatchRun.Outcome o) {
        if (options.json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("event", "volume");
            doc.put("job", o.job());
            doc.put("sr", o.sr());
            doc.put("vdi", o.vdi());
            doc.put("outcome", o.kind().name().toLowerCase(Locale.ROOT));
            doc.put("copied_bytes", o.copiedBytes());
            doc.put("attempts", o.attempts());
            doc.put("digest", o.digest());
            doc.put("reason", o.reason());
            BatchExit.print(out, doc);
            return;
        }
        String what = switch (o.kind()) {
            case DONE -> o.copiedBytes() > 0 ? "done, " + Sizes.human(o.copiedBytes()) + " copied"
                    : "done, nothing copied";
            case ALREADY_DONE -> "done before, still matches";
            case FAILED -> "FAILED after " + o.attempts() + (o.attempts() == 1 ? " attempt: " : " attempts: ")
                    + o.reason();
            case SKIPPED -> "skipped: " + o.reason();
            case LEFT -> null;
        };
        if (what == null) {
            return;
        }
        out.println(TerminalText.escape(o.job() + "  " + o.vdi() + "  " + what
                + (o.digest() != null && o.kind() == BatchRun.Kind.DONE ? "  " + shortDigest(o.digest()) : "")));
        out.flush();
    }

    static String shortDigest(String d) {
        int colon = d.lastIndexOf(':');
        String hex = d.substring(colon + 1);
        return hex.length() > 16 ? hex.substring(0, 16) + "…" : hex;
    }

    private void summary(BatchRun.Result r, List<String> problems, int code, Path summaryDir) {
        List<String> failures = new ArrayList<>(r.failures());
        failures.addAll(problems);
        boolean nothing = r.copiedBytes() == 0;
        if (options.json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("event", "done");
            doc.put("time", Instant.now().toString());
            doc.put("done", r.done());
            doc.put("already_done", r.alreadyDone());
            doc.put("copied_bytes", r.copiedBytes());
            doc.put("nothing_copied", nothing);
            doc.put("failed", r.failed());
            doc.put("left", r.left());
            doc.put("window_closed", r.paused());
            doc.put("failures", failures);
            doc.put("summary", summaryDir.resolve("summary.json").toString());
            doc.put("exit_code", code);
            BatchExit.print(out, doc);
            return;
        }
        StringBuilder b = new StringBuilder("batch: ");
        b.append(r.done()).append(" done by this run, ").append(r.alreadyDone()).append(" done before");
        if (r.failed() > 0) {
            b.append(", ").append(r.failed()).append(" failed");
        }
        if (r.left() > 0) {
            b.append(", ").append(r.left()).append(" left: the window closed; the next run in the window goes on");
        }
        b.append(nothing ? "; nothing to copy" : "; " + Sizes.human(r.copiedBytes()) + " copied");
        out.println(TerminalText.escape(b.toString()));
        for (String f : failures) {
            out.println(TerminalText.escape("  failed: " + f));
        }
        out.println(TerminalText.escape("summary: " + summaryDir.resolve("summary.html") + " (also summary.md, summary.json)"));
        out.flush();
    }
}
