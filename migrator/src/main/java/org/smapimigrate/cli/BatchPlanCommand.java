package org.smapimigrate.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.smapimigrate.batch.BatchPlanEstimate;
import org.smapimigrate.batch.HostSources;
import org.smapimigrate.batch.Job;
import org.smapimigrate.batch.JobStates;
import org.smapimigrate.batch.JobVolumes;
import org.smapimigrate.migrate.PluginQueryProbe;
import org.smapimigrate.plan.TargetCapabilities;
import org.smapimigrate.plan.Throughput;
import org.smapimigrate.report.Sizes;
import org.smapimigrate.report.TerminalText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code smapi-migrate batch plan}: the dry run of a whole batch, with its time against windows and bandwidth. */
@Command(name = "plan",
        sortOptions = false,
        headerHeading = "%n",
        header = "Show what a batch run would still move, and how long that takes in windows and bandwidth.",
        synopsisHeading = "%nUsage: ",
        descriptionHeading = "%nDescription:%n",
        description = {
            "Per job: the volumes this host sees that are not recorded done, each with",
            "its virtual size and the allocated bytes of its chain, and the plans a run",
            "would make (one per snapshot tree), planned as 'plan' does against the",
            "job's target (probed: its features and the cost of one plugin call; a",
            "target that does not answer is assumed to keep snapshot trees). The time:",
            "the bytes to copy at the throughput (--throughput, else 200 MiB/s assumed)",
            "or the job's bandwidth when lower, the read-back verification at the",
            "throughput, and the plugin calls; with a window, how many windows of its",
            "length that needs. Changes nothing and takes no lock."},
        optionListHeading = "%nOptions:%n",
        footerHeading = "%nExit status:%n",
        footer = {
            "  0  the plan was printed",
            "  1  the state directory or a source could not be read",
            "  2  usage error, or a bad job file (one line: FILE:LINE: KEY: problem)",
            "",
            "Examples:",
            "  smapi-migrate batch plan /etc/smapi-migrate/jobs.yaml",
            "  smapi-migrate batch plan jobs.yaml --throughput 400M --json"})
final class BatchPlanCommand implements Callable<Integer> {
    @Mixin
    BatchOptions options;

    @Option(names = "--plugin-timeout", paramLabel = "SECONDS", defaultValue = PluginOptions.DEFAULT_TIMEOUT,
            description = "Time limit for one plugin call (default: ${DEFAULT-VALUE}).")
    long pluginTimeout;

    @Option(names = "--throughput", paramLabel = "RATE", converter = PlanCommand.ByteSize.class,
            description = "Copy rate for the estimate, bytes per second (e.g. 500M, as 'smapi-migrate bench'"
                    + " measures it). Default: 200M, assumed.")
    Long throughput;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<Job> jobs = options.read(out, spec.commandLine().getErr());
        if (jobs == null) {
            return BatchExit.USAGE;
        }
        Path stateDir = options.stateDir();
        List<BatchPlanEstimate> estimates = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        try (HostSources sources = new HostSources(options.hostRoot, p -> SourceRepositories.open(List.of(p)))) {
            for (Job job : jobs) {
                if (job.kind() == Job.SourceKind.VM) {
                    notes.add(job.name() + ": VMs through XAPI are planned when the run reaches them; 'smapi-migrate"
                            + " plan --xapi URL --vm NAME --target-sr SR' shows a VM's plan");
                    continue;
                }
                JobVolumes jv = JobVolumes.list(job, sources);
                notes.addAll(jv.notes());
                notes.addAll(jv.problems());
                Throughput base = throughput == null ? Throughput.assumed() : new Throughput(throughput, "given");
                TargetCapabilities caps;
                try {
                    PluginQueryProbe probe = Planning.probe(BatchTargets.choice(job, options.hostRoot),
                            BatchOptions.callLimit(spec, pluginTimeout));
                    caps = probe.probe();
                    base = base.withCallCost(probe.callSeconds());
                } catch (IOException | RuntimeException e) {
                    caps = TargetCapabilities.full("assumed: the target did not answer");
                    notes.add(job.name() + ": the target was not probed (" + String.valueOf(e.getMessage()).lines()
                            .findFirst().orElse("") + "); the estimate assumes it keeps snapshot trees");
                }
                estimates.add(BatchPlanEstimate.of(jv, JobStates.load(stateDir, job.name()), caps, base));
            }
        }
        if (options.json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("jobs_file", options.jobs.toAbsolutePath().normalize().toString());
            doc.put("state", stateDir.toString());
            List<Map<String, Object>> js = new ArrayList<>();
            for (BatchPlanEstimate e : estimates) {
                Map<String, Object> j = new LinkedHashMap<>(CliJson.PRETTY.convertValue(e,
                        new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() { }));
                j.put("estimate", e.describe());
                js.add(j);
            }
            doc.put("jobs", js);
            doc.put("overall", overall(estimates));
            doc.put("notes", notes);
            out.println(CliJson.PRETTY.writeValueAsString(doc));
            out.flush();
            return 0;
        }
        out.println("Batch plan for " + options.jobs + " (state " + stateDir + "), as this host sees the sources");
        for (BatchPlanEstimate e : estimates) {
            out.println(TerminalText.escape("job " + e.job() + ": " + e.pending().size() + " volumes to move ("
                    + e.alreadyDone() + " done), " + e.units() + (e.units() == 1 ? " plan" : " plans")));
            for (JobVolumes.Entry v : e.pending()) {
                out.println(TerminalText.escape("   " + v.volume().vdi() + "  virtual " + Sizes.human(v.virtualSize())
                        + ", allocated " + Sizes.human(v.chainAllocated()) + "  " + v.volume().sr()
                        + (v.name() == null ? "" : "  '" + v.name() + "'")));
            }
            out.println(TerminalText.escape("   copies " + Sizes.human(e.copyBytes()) + ", verifies "
                    + Sizes.human(e.verifyBytes()) + ", " + e.pluginCalls() + " plugin calls: " + e.describe()));
        }
        Map<String, Object> all = overall(estimates);
        out.println("overall: " + all.get("volumes") + " volumes to move, " + Sizes.human((Long) all.get("copy_bytes"))
                + " to copy, about " + all.get("time"));
        for (String n : notes) {
            out.println(TerminalText.escape("note: " + n));
        }
        out.flush();
        return 0;
    }

    private static Map<String, Object> overall(List<BatchPlanEstimate> es) {
        Map<String, Object> m = new LinkedHashMap<>();
        long seconds = es.stream().mapToLong(BatchPlanEstimate::seconds).sum();
        m.put("volumes", es.stream().mapToInt(e -> e.pending().size()).sum());
        m.put("already_done", es.stream().mapToInt(BatchPlanEstimate::alreadyDone).sum());
        m.put("copy_bytes", es.stream().mapToLong(BatchPlanEstimate::copyBytes).sum());
        m.put("verify_bytes", es.stream().mapToLong(BatchPlanEstimate::verifyBytes).sum());
        m.put("seconds", seconds);
        m.put("time", BatchPlanEstimate.durationText(seconds) + " of copying, jobs one after another");
        return m;
    }
}
