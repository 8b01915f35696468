package org.smapimigrate.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.smapimigrate.inventory.Severity;
import org.smapimigrate.inventory.SrInventory;
import org.smapimigrate.inventory.StorageRepository;
import org.smapimigrate.migrate.PluginQueryProbe;
import org.smapimigrate.source.XvaRepository;
import org.smapimigrate.filesr.FileSr;
import org.smapimigrate.live.LeafWriteSample;
import org.smapimigrate.plan.LivePlanner;
import org.smapimigrate.plan.ForecastSettings;
import org.smapimigrate.plan.HashRate;
import org.smapimigrate.plan.Plan;
import org.smapimigrate.plan.SwitchBelow;
import org.smapimigrate.plan.PlanInputException;
import org.smapimigrate.plan.PlanJson;
import org.smapimigrate.plan.PlanRequest;
import org.smapimigrate.plan.PlanTarget;
import org.smapimigrate.plan.Planner;
import org.smapimigrate.plan.Risk;
import org.smapimigrate.plan.SnapshotRecords;
import org.smapimigrate.plan.SnapshotInfo;
import org.smapimigrate.plan.Strategy;
import org.smapimigrate.plan.TargetCapabilities;
import org.smapimigrate.plan.TargetProbe;
import org.smapimigrate.plan.Throughput;
import org.smapimigrate.plan.Totals;
import org.smapimigrate.plan.VdiSelection;
import org.smapimigrate.plugin.PluginRoot;
import org.smapimigrate.report.Sizes;
import org.smapimigrate.report.TerminalText;
import org.smapimigrate.report.plan.Durations;
import org.smapimigrate.report.plan.LiveText;
import org.smapimigrate.report.plan.PlanReports;
import org.smapimigrate.report.plan.VmPlanReports;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code smapi-migrate plan}: what a migration will do, cost and risk, without doing it. */
@Command(name = "plan",
        sortOptions = false,
        headerHeading = "%n",
        header = "Plan a migration: steps, bytes, target space, time and risks.",
        synopsisHeading = "%nUsage: ",
        descriptionHeading = "%nDescription:%n",
        description = {
            "Reads the source SR (read-only), asks what the SMAPIv3 target can do, and",
            "writes a plan: the ordered steps an executor runs, the bytes each moves, the",
            "target space and time needed, and every risk found with what to do about it.",
            "Nothing is written to the source or the target.",
            "",
            "Where the target can snapshot or clone volumes, each snapshot tree is",
            "written once: its root's data, then target snapshots and clones, then only",
            "each child's own blocks. Otherwise, or with --flatten, every VDI gets a",
            "volume of its own holding its whole chain. The report compares both.",
            "",
            "The report is HTML (self-contained, trees drawn) or Markdown, chosen by the",
            "file name: report.html or report.md.",
            "",
            "With --xapi URL --vm NAME|UUID... and --target-sr NAME|UUID (a SMAPIv3 SR of",
            "the pool): plans whole VMs and their snapshots. Their disks are found",
            "through XAPI and read on this host (--host-root DIR for a copy of its",
            "paths), one disk plan per source SR, plus the VMs' VBDs by userdevice;",
            "risks name what blocks a VM (running, a VDI shared or attached, a",
            "checkpoint, an SR not visible here). Report: Markdown or HTML.",
            "",
            "With --mode live: for each running disk (a migrated user VDI that is not a",
            "snapshot) the forecast of a live migration: pass 0 copies the allocated",
            "bytes at the copy rate; each later pass copies what the VM wrote during the",
            "pass before, taking no write to overwrite another (the worst case), capped",
            "at the disk's size; the passes stop at --switch-below or --max-passes; the",
            "downtime is the last delta plus the check of the whole disk. The passes",
            "converge only when the write rate is below the copy rate; otherwise the",
            "plan says so, and offline is the way. The write rate is --write-rate, or",
            "measured (file SR) as the growth of each disk's active layer over",
            "--sample-seconds: a lower bound, since rewrites do not grow it.",
            "",
            "With --vm and --mode live: for each running VM, all its disks in each pass",
            "and one stop for all of them: per disk the bytes of each pass, for the VM",
            "one downtime (every disk's last delta and check). Pass 0 copies what the",
            "disk plan or XAPI's physical_utilisation says is allocated. The write rate",
            "is --write-rate, or sampled with CBT where it is already on: two",
            "VDI.snapshot calls --sample-seconds apart, VDI.list_changed_blocks between",
            "them, both snapshots destroyed; a plan never turns CBT on."},
        optionListHeading = "%nOptions:%n",
        footerHeading = "%nExamples:%n",
        footer = {
            "  smapi-migrate plan --sr /run/sr-mount/b0fca227-... --target-sr /srv/v3 \\",
            "      -o plan.json --report plan.html",
            "  smapi-migrate plan --xapi https://pool-master --xapi-password-file pw \\",
            "      --vm app-server --target-sr 'SMAPIv3 SR' -o vm-plan.json",
            "  smapi-migrate plan --sr /dev/sdb --vdi 331a22ef-... \\",
            "      --volume-plugin org.xen.xapi.storage.zfs-vol \\",
            "      --throughput 400M --report plan.md",
            "  smapi-migrate plan --sr /run/sr-mount/b0fca227-... --vdi 331a22ef-... \\",
            "      --target-sr /srv/v3 --mode live --write-rate 20M --switch-below 5s",
            "  smapi-migrate plan --xapi https://pool-master --xapi-password-file pw \\",
            "      --vm db --target-sr 'SMAPIv3 SR' --mode live --report vm-live.html",
            "",
            "Exit status: 0 when a plan was made and holds no error-level risk; 1 when",
            "it holds one (the plan and report are still written, for reading: 'migrate",
            "--plan' refuses such a plan unless --force names the risk codes it accepts),",
            "or when the SR or the target plugin could not be read; 2 for usage errors."})
final class PlanCommand implements Callable<Integer> {

    @Mixin
    SourceOptions source;

    @Option(names = "--inventory", paramLabel = "FILE",
            description = "Plan from an inventory saved with 'smapi-migrate scan --json' instead of --sr.")
    Path inventory;

    @Option(names = "--vdi", arity = "1..*", paramLabel = "UUID",
            description = "Only these VDIs (default: every VDI XAPI shows). A base copy or hidden leaf named here is"
                    + " migrated as a standalone volume.")
    List<String> vdis;

    @Mixin
    TargetOptions target;

    @Mixin
    VmOptions vm;

    @Option(names = "--target-features", split = ",", paramLabel = "FEATURE",
            description = "Use these features instead of the probed ones," + " " + "e.g. VDI_CREATE,VDI_SNAPSHOT,VDI_CLONE,VDI_RESIZE;" + " " + "add CLONE_FROM_SNAPSHOT_ONLY for targets that" + " " + "clone only snapshots.")
    List<String> features;

    @Option(names = "--target-free", paramLabel = "SIZE", converter = ByteSize.class,
            description = "Free space on the target (e.g. 500G), if known.")
    Long targetFree;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the plan (JSON) here.")
    Path output;

    @Option(names = "--report", paramLabel = "FILE", description = "Write a report here: .html or .md.")
    Path report;

    @Option(names = "--throughput", paramLabel = "RATE", converter = ByteSize.class,
            description = "Copy rate for the estimate, bytes per second" + " " + "(e.g. 500M, as 'smapi-migrate bench' measures it)." + " " + "Default: 200M, assumed.")
    Long throughput;

    @Option(names = "--flatten", description = "Flatten every VDI even if trees could be kept.")
    boolean flatten;

    @Option(names = "--mode", paramLabel = "offline|live", defaultValue = "offline",
            description = "offline (default): the VMs are stopped while their disks are copied. live: forecast a"
                    + " live migration of each running disk: its passes, the bytes of each, the downtime, and"
                    + " whether the passes converge at the write rate.")
    String mode;

    @Option(names = "--write-rate", paramLabel = "RATE", converter = ByteSize.class,
            description = "With --mode live: bytes per second the VM writes to each disk (e.g. 20M). Default:"
                    + " measured on a file SR by sampling each disk's active layer for --sample-seconds.")
    Long writeRate;

    @Option(names = "--sample-seconds", paramLabel = "N", defaultValue = "5",
            description = "With --mode live and no --write-rate: how long to sample. Default: ${DEFAULT-VALUE}.")
    int sampleSeconds;

    @Option(names = "--switch-below", paramLabel = "BYTES|SECONDS", defaultValue = "64M",
            description = "With --mode live: the passes stop after one that changed at most BYTES (64M) or took at"
                    + " most SECONDS (2s), as in 'migrate --mode live'. Default: ${DEFAULT-VALUE}.")
    String switchBelow;

    @Option(names = "--max-passes", paramLabel = "N", defaultValue = "" + ForecastSettings.DEFAULT_MAX_PASSES,
            description = "With --mode live: at most this many passes before the switch-over, pass 0 included."
                    + " Default: ${DEFAULT-VALUE}.")
    int maxPasses;

    @Option(names = "--json", description = "Print the plan as JSON instead of a summary.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (report != null && !PlanReports.knows(report)) {
            throw usage("--report " + report + ": name it .html or .md to choose the format");
        }
        boolean live = switch (mode.toLowerCase(Locale.ROOT)) {
            case "offline" -> false;
            case "live" -> true;
            default -> throw usage("--mode " + mode + ": offline or live");
        };
        ForecastSettings liveSettings = live ? liveSettings() : null;
        if (vm.given()) {
            return planVms(liveSettings);
        }
        if (live && inventory != null && writeRate == null) {
            throw usage("--mode live with --inventory: give --write-rate (a saved inventory cannot be sampled)");
        }
        if ((source.sr == null) == (inventory == null)) {
            throw usage("name the source: --sr SR (the SR directory or LVM PVs), or --inventory FILE");
        }
        TargetChoice choice = target.choice();
        PluginQueryProbe probe = Planning.probe(choice, target.plugins.callLimit());
        TargetCapabilities caps = withOptions(probe.probe());
        Throughput rate = throughput == null ? Throughput.assumed() : new Throughput(throughput, "given");
        Plan plan;
        if (inventory != null) {
            SavedInventory saved = SavedInventory.read(inventory);
            plan = Planning.make(saved.inventory(), saved.snapshots(), vdis, probe, caps, rate, flatten,
                    savedSourcePaths(saved.inventory()), choice);
        } else {
            try (StorageRepository sr = SourceRepositories.open(source.sr)) {
                List<String> asked = sr instanceof XvaRepository xva && vdis != null ? xva.vdiIds(vdis) : vdis;
                plan = Planning.make(sr.inventory(), SnapshotRecords.of(sr), asked, probe, caps, rate, flatten,
                        Planning.sourcePaths(source.sr), choice);
                if (live) {
                    plan = live(plan, liveSettings, sr);
                }
            }
        }
        if (live && inventory != null) {
            plan = LivePlanner.plan(plan, liveSettings, Map.of());
        }
        if (output != null) {
            PlanJson.write(plan, output);
        }
        if (report != null) {
            PlanReports.write(plan, report);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(PlanJson.toJson(plan));
        } else {
            summary(plan, out);
            if (output != null) {
                out.printf("   plan written to %s%n", output);
            }
            if (report != null) {
                out.printf("   report written to %s%n", report);
            }
        }
        out.flush();
        return exitFor(plan, spec.commandLine().getErr());
    }

    /** The live options, checked: one line for a bad value. */
    private ForecastSettings liveSettings() {
        SwitchBelow below;
        try {
            below = SwitchBelow.parse(switchBelow);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        if (maxPasses < 1 || maxPasses > ForecastSettings.MAX_MAX_PASSES) {
            throw usage("--max-passes " + maxPasses + ": from 1 (pass 0 only) to " + ForecastSettings.MAX_MAX_PASSES);
        }
        if (writeRate == null && (sampleSeconds < 1 || sampleSeconds > 600)) {
            throw usage("--sample-seconds " + sampleSeconds + ": from 1 to 600");
        }
        return new ForecastSettings(writeRate == null ? 0 : writeRate, writeRate == null ? "measured" : "given", below,
                maxPasses, ForecastSettings.DEFAULT_PASS_OVERHEAD_SECONDS, HashRate.measure());
    }

    /** The live forecast, the write rates measured on a file SR when not given. */
    private Plan live(Plan plan, ForecastSettings settings, StorageRepository sr) throws Exception {
        if (writeRate != null) {
            return LivePlanner.plan(plan, settings, Map.of());
        }
        if (!(sr instanceof FileSr fileSr)) {
            throw usage("--mode live on a " + plan.source().type() + " SR: give --write-rate (only a file SR's"
                    + " disks can be sampled here)");
        }
        List<String> running = plan.nodes().stream().filter(LivePlanner::running).map(n -> n.uuid()).toList();
        PrintWriter err = spec.commandLine().getErr();
        if (!json && !running.isEmpty()) {
            err.printf("Sampling the write rate of %d disk%s for %d s ...%n", running.size(),
                    running.size() == 1 ? "" : "s", sampleSeconds);
            err.flush();
        }
        Map<String, Long> rates = LeafWriteSample.measure(fileSr, running, Duration.ofSeconds(sampleSeconds));
        ForecastSettings measured = settings.withWriteRate(
                rates.values().stream().mapToLong(Long::longValue).max().orElse(0),
                "measured over " + sampleSeconds + " s (growth of each disk's active layer)");
        return LivePlanner.plan(plan, measured, rates);
    }

    /** {@code plan --xapi URL --vm ... --target-sr SR}: a VM plan (org.smapimigrate.vm). */
    private int planVms(ForecastSettings live) throws Exception {
        if (source.sr != null || inventory != null || vdis != null) {
            throw usage("--xapi with --vm plans whole VMs: no --sr, --inventory or --vdi with it");
        }
        if (report != null && !VmPlanReports.knows(report)) {
            throw usage("--report " + report + ": name it .html or .md to choose the format");
        }
        if (!vm.xapi.given()) {
            throw usage("--vm needs --xapi URL: VMs are found through the pool");
        }
        org.smapimigrate.vm.VmPlan p;
        try (org.smapimigrate.xapi.XapiSession s = vm.xapi.login()) {
            p = VmCli.plan(vm, target.targetSr == null ? null : target.targetSr.toString(), s);
            if (live != null) {
                p = VmLiveForecasts.add(p, live, throughput == null ? Throughput.assumed()
                        : new Throughput(throughput, "given"), s, sampleSeconds, json, spec);
            }
        }
        if (output != null) {
            org.smapimigrate.vm.VmPlanJson.write(p, output);
        }
        if (report != null) {
            VmPlanReports.write(p, report);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(org.smapimigrate.vm.VmPlanJson.toJson(p));
        } else {
            VmCli.summary(p, out);
            if (output != null) {
                out.printf("   plan written to %s%n", output);
            }
            if (report != null) {
                out.printf("   report written to %s%n", report);
            }
        }
        out.flush();
        return VmCli.exitFor(p, spec.commandLine().getErr());
    }

    /**
     * 0 for a plan without error-level risks; else 1, after one line naming them and the --force
     * that would accept them (also what 'migrate --dry-run' answers).
     */
    static int exitFor(Plan plan, PrintWriter err) {
        return exitFor(plan.risks(), err);
    }

    /** The same for any list of risks (a VM plan's too). */
    static int exitFor(List<Risk> risks, PrintWriter err) {
        List<String> errors = risks.stream().filter(r -> r.severity() == Severity.ERROR).map(Risk::code)
                .distinct().toList();
        if (errors.isEmpty()) {
            return 0;
        }
        err.println("smapi-migrate: error: the plan holds error-level risks (" + String.join(", ", errors)
                + "): 'migrate --plan' refuses it unless --force " + String.join(",", errors) + " accepts them");
        err.flush();
        return 1;
    }

    /** A saved inventory names its SR as 'scan --json' does: LVM PVs joined with spaces (LvhdScan). */
    private static List<String> savedSourcePaths(SrInventory inventory) {
        return "lvm".equals(inventory.type()) ? List.of(inventory.path().split(" ")) : List.of(inventory.path());
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    private TargetCapabilities withOptions(TargetCapabilities probed) {
        List<String> f = probed.features();
        boolean cloneFromSnapshotOnly = probed.cloneFromSnapshotOnly();
        String description = probed.description();
        if (features != null) {
            f = new ArrayList<>();
            for (String x : features) {
                String name = x.trim().toUpperCase(Locale.ROOT);
                if (name.equals("CLONE_FROM_SNAPSHOT_ONLY")) {
                    cloneFromSnapshotOnly = true;
                } else if (!name.isEmpty()) {
                    f.add(name);
                }
            }
            description += "; features as given";
        }
        return new TargetCapabilities(description, f, probed.methods(),
                targetFree != null ? targetFree : probed.freeSpace(), probed.totalSpace(), probed.sharesBlocks(),
                cloneFromSnapshotOnly);
    }

    /** The lines 'plan' prints about a plan (also 'migrate --dry-run --plan'). */
    static void summary(Plan plan, PrintWriter out) {
        Totals t = plan.totals();
        String sr = plan.source().uuid() == null ? plan.source().path() : plan.source().uuid();
        out.printf("Plan for SR %s (%s SR) -> %s%n", TerminalText.escape(sr), TerminalText.escape(plan.source().type()),
                TerminalText.escape(plan.target().description()));
        out.printf("   strategy: %s%n", plan.strategy() == Strategy.PRESERVE ? "keep snapshot trees" : "flatten every VDI");
        out.printf("   %d of %d selected VDIs, %d volumes, %s%s to copy (%s: %s%s)%n", t.vdisMigrated(),
                t.vdisSelected(), t.volumes(), t.bytesToCopyUpperBound() ? "up to " : "", Sizes.human(t.bytesToCopy()),
                plan.strategy() == Strategy.PRESERVE ? "flattening" : "keeping trees",
                plan.strategy() == Strategy.PRESERVE && t.flatten().bytesUpperBound() ? "up to " : "",
                Sizes.human(plan.strategy() == Strategy.PRESERVE ? t.flatten().bytesToCopy() : t.preserve().bytesToCopy()));
        out.printf("   target space %s%s, about %s at %s (%s)%n", Sizes.human(t.targetSpaceNeeded()),
                plan.target().freeSpace() == null ? "" : " of " + Sizes.human(plan.target().freeSpace()) + " free",
                Durations.human(t.estimatedSeconds()), Sizes.rate(plan.throughput().bytesPerSecond()),
                plan.throughput().basis());
        long errors = plan.risks().stream().filter(r -> r.severity() == Severity.ERROR).count();
        long warnings = plan.risks().stream().filter(r -> r.severity() == Severity.WARNING).count();
        if (plan.live() != null) {
            LiveText.lines(plan).forEach(l -> out.println("   " + l));
        }
        out.printf("   risks: %d errors, %d warnings, %d notes%n", errors, warnings,
                plan.risks().size() - errors - warnings);
        for (Risk r : plan.risks()) {
            if (r.severity() != Severity.INFO) {
                out.printf("     %-7s %s: %s%n", r.severity().label(), TerminalText.escape(r.code()),
                        TerminalText.escape(r.message()));
            }
        }
    }

    /** Sizes and rates like 500M, 1.5G, 200MiB, 400MB/s (binary units, as the reports print them). */
    static final class ByteSize implements CommandLine.ITypeConverter<Long> {
        private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgtp]?)(?:i?b)?(?:/s)?");

        @Override
        public Long convert(String value) {
            Matcher m = FORM.matcher(value.trim().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a size like 500M or 1.5G");
            }
            int shift = "kmgtp".indexOf(m.group(2).isEmpty() ? ' ' : m.group(2).charAt(0));
            double v = Double.parseDouble(m.group(1)) * Math.pow(1024, shift + 1);
            if (v < 1 || v > Long.MAX_VALUE / 2) {
                throw new CommandLine.TypeConversionException("'" + value + "' is out of range");
            }
            return (long) v;
        }
    }
}
