package org.smapimigrate.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.smapimigrate.batch.BatchRun;
import org.smapimigrate.batch.HostSources;
import org.smapimigrate.batch.Job;
import org.smapimigrate.batch.JobStates;
import org.smapimigrate.batch.JobVolumes;
import org.smapimigrate.batch.RunLock;
import org.smapimigrate.batch.VolumeState;
import org.smapimigrate.report.Sizes;
import org.smapimigrate.report.TerminalText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code smapi-migrate batch status}: where a batch stands, from its state directory and this host's view. */
@Command(name = "status",
        sortOptions = false,
        headerHeading = "%n",
        header = "Show a batch's progress per job and overall: counts, bytes, failures.",
        synopsisHeading = "%nUsage: ",
        descriptionHeading = "%nDescription:%n",
        description = {
            "Reads the state directory (never takes the lock, so it can run beside a",
            "run) and lists the job's volumes this host sees: per job and overall, how",
            "many are pending, running, done, failed and skipped, the allocated bytes",
            "done of those this host sees, and each failure with its reason and attempts.",
            "A volume this host sees that no run recorded yet is pending. 'running' is",
            "a volume a run started and has not recorded the end of: going on now, or",
            "left by a killed run (the next run resumes it)."},
        optionListHeading = "%nOptions:%n",
        footerHeading = "%nExit status:%n",
        footer = {
            "  0  the status was printed (whatever it says)",
            "  1  the state directory or a source could not be read",
            "  2  usage error, or a bad job file (one line: FILE:LINE: KEY: problem)",
            "",
            "Examples:",
            "  smapi-migrate batch status /etc/smapi-migrate/jobs.yaml",
            "  smapi-migrate batch status jobs.yaml --state /srv/shared/batch --json"})
final class BatchStatusCommand implements Callable<Integer> {
    @Mixin
    BatchOptions options;

    @Spec
    CommandSpec spec;

    /** Counts by state and bytes, of one job or of all. */
    record Tally(Map<String, Integer> counts, int volumes, long bytes, long bytesDone) {
    }

    /** One failed or skipped volume. */
    record Failure(String job, String sr, String vdi, String status, String reason, int attempts) {
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<Job> jobs = options.read(out, spec.commandLine().getErr());
        if (jobs == null) {
            return BatchExit.USAGE;
        }
        Path stateDir = options.stateDir();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("jobs_file", options.jobs.toAbsolutePath().normalize().toString());
        doc.put("state", stateDir.toString());
        doc.put("last_runs", RunLock.lastHolders(stateDir));
        Map<String, Tally> perJob = new LinkedHashMap<>();
        List<Failure> failures = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Map<VolumeState.Status, Integer> all = new EnumMap<>(VolumeState.Status.class);
        long bytes = 0;
        long bytesDone = 0;
        int volumes = 0;
        try (HostSources sources = new HostSources(options.hostRoot, p -> SourceRepositories.open(List.of(p)))) {
            for (Job job : jobs) {
                JobVolumes jv = JobVolumes.list(job, sources);
                notes.addAll(jv.notes());
                notes.addAll(jv.problems());
                JobStates states = JobStates.load(stateDir, job.name());
                Map<String, VolumeState> byKey = new LinkedHashMap<>();
                for (VolumeState s : states.all()) {
                    byKey.put(s.sr() + "\n" + s.vdi(), s);
                }
                Map<String, Long> size = new LinkedHashMap<>();
                for (JobVolumes.Entry e : jv.volumes()) {
                    BatchRun.Volume v = e.volume();
                    byKey.putIfAbsent(v.sr() + "\n" + v.vdi(), new VolumeState(v.sr(), v.vdi(),
                            VolumeState.Status.PENDING, null, null, 0));
                    size.put(v.sr() + "\n" + v.vdi(), e.chainAllocated());
                }
                Map<VolumeState.Status, Integer> counts = new EnumMap<>(VolumeState.Status.class);
                long jb = 0;
                long jd = 0;
                for (Map.Entry<String, VolumeState> e : byKey.entrySet()) {
                    VolumeState s = e.getValue();
                    counts.merge(s.status(), 1, Integer::sum);
                    all.merge(s.status(), 1, Integer::sum);
                    long b = size.getOrDefault(e.getKey(), 0L);
                    jb += b;
                    jd += s.status() == VolumeState.Status.DONE ? b : 0;
                    if (s.status() == VolumeState.Status.FAILED || s.status() == VolumeState.Status.SKIPPED) {
                        failures.add(new Failure(job.name(), s.sr(), s.vdi(), lower(s.status()), s.reason(),
                                s.attempts()));
                    }
                }
                perJob.put(job.name(), new Tally(named(counts), byKey.size(), jb, jd));
                bytes += jb;
                bytesDone += jd;
                volumes += byKey.size();
            }
        }
        Tally overall = new Tally(named(all), volumes, bytes, bytesDone);
        if (options.json) {
            doc.put("jobs", perJob);
            doc.put("overall", overall);
            doc.put("failures", failures);
            doc.put("notes", notes);
            out.println(CliJson.PRETTY.writeValueAsString(doc));
            out.flush();
            return 0;
        }
        out.println("Batch " + options.jobs + " (state " + stateDir + ")");
        perJob.forEach((name, t) -> out.println("  " + line(name, t)));
        out.println("  " + line("overall", overall));
        for (Failure f : failures) {
            out.println("  " + f.status() + "  " + f.job() + "  " + f.vdi() + " (" + f.sr() + "), attempts "
                    + f.attempts() + ": " + f.reason());
        }
        for (String n : notes) {
            out.println("  note: " + n);
        }
        Map<?, ?> runs = (Map<?, ?>) doc.get("last_runs");
        if (runs.isEmpty()) {
            out.println("  last run: none yet");
        }
        runs.forEach((h, who) -> out.println("  last run on " + h + ": " + who));
        out.flush();
        return 0;
    }

    private static String line(String name, Tally t) {
        StringBuilder b = new StringBuilder(TerminalText.escape(name)).append(": ").append(t.volumes())
                .append(t.volumes() == 1 ? " volume" : " volumes");
        for (VolumeState.Status s : VolumeState.Status.values()) {
            b.append(", ").append(t.counts().get(lower(s))).append(' ').append(lower(s));
        }
        b.append("; ").append(Sizes.human(t.bytesDone())).append(" of ").append(Sizes.human(t.bytes()))
                .append(" allocated done");
        return b.toString();
    }

    /** Every state with its count, zeros included, in the order of the states. */
    private static Map<String, Integer> named(Map<VolumeState.Status, Integer> counts) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (VolumeState.Status s : VolumeState.Status.values()) {
            m.put(lower(s), counts.getOrDefault(s, 0));
        }
        return m;
    }

    private static String lower(VolumeState.Status s) {
        return s.name().toLowerCase(Locale.ROOT);
    }
}
