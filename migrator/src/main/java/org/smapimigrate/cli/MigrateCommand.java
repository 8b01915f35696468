package org.smapimigrate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.smapimigrate.execute.PlanExecutor;
import org.smapimigrate.execute.RunEvents;
import org.smapimigrate.inventory.SrInventory;
import org.smapimigrate.inventory.StorageRepository;
import org.smapimigrate.migrate.MigrationProgress;
import org.smapimigrate.migrate.MigrationResult;
import org.smapimigrate.migrate.TargetSr;
import org.smapimigrate.migrate.VdiMigration;
import org.smapimigrate.source.NbdRepository;
import org.smapimigrate.plan.Plan;
import org.smapimigrate.plan.PlanJson;
import org.smapimigrate.plan.PlanTarget;
import org.smapimigrate.plugin.PluginRoot;
import org.smapimigrate.report.Sizes;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code smapi-migrate migrate}: VDIs of a SMAPIv1 SR into new volumes of a SMAPIv3 SR, verified. */
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
            "Volumes stay marked smapi-migrate-state=incomplete until the last steps mark",
            "them complete. Manifests for 'verify' go to plan.json.manifests/.",
            "",
            "--dry-run prints what 'plan' prints (for --plan FILE, or planned on the fly",
            "from --sr, --vdi and the target options) and changes nothing.",
            "",
            "Without --plan, for each --vdi: creates a volume (Volume.create) named after",
            "the VDI, marks it incomplete in its keys, attaches it through its datapath",
            "plugin (open, attach, activate), copies the flattened VDI into it (holes stay",
            "holes) while hashing every 2 MiB block, reads the volume back through the",
            "datapath and compares, releases the datapath (deactivate, detach, close),",
            "writes a manifest for 'smapi-migrate verify', and marks the volume complete.",
            "On any failure the new volume is destroyed (or, if that fails too, left marked",
            "incomplete). The source is only ever read.",
            "",
            "Target: --target-sr DIR uses the SMAPIv3 SR bundled with smapi-migrate",
            "(examples/xapi-storage-script: volume plugin org.smapimigrate.dirvol, sparse raw",
            "files, datapath raw+file) and creates the SR in DIR when there is none. Or name",
            "any installed plugin: --volume-plugin NAME with --sr-config k=v (the SR's",
            "device-config), under --plugins ROOT.",
            "",
            "The volume keys record smapi-migrate-source-sr, -source-vdi, -source-role,",
            "-state and -digest, so a later run recognises an earlier copy (see --existing)."},
        optionListHeading = "%nOptions:%n",
        footerHeading = "%nExamples:%n",
        footer = {
            "  smapi-migrate plan --sr /run/sr-mount/SR --target-sr /srv/v3sr -o plan.json",
            "  smapi-migrate migrate --plan plan.json",
            "  smapi-migrate migrate --plan plan.json --json > events.jsonl",
            "  smapi-migrate migrate --dry-run --sr /run/sr-mount/SR --target-sr /srv/v3sr",
            "  smapi-migrate migrate --sr /run/sr-mount/SR --vdi UUID --target-sr /srv/v3sr",
            "  smapi-migrate migrate --sr SR --vdi U1 --vdi U2 --target-sr /srv/v3sr --json",
            "  smapi-migrate migrate --sr SR --vdi UUID --volume-plugin \\",
            "      org.xen.xapi.storage.zfs-vol --sr-config zpool=sr-1234",
            "",
            "Exit status: 0 when every VDI was migrated and verified (or kept with",
            "--existing skip), or the whole plan ran; 1 on the first failure; 2 for",
            "usage errors."})
final class MigrateCommand implements Callable<Integer> {

    @Option(names = "--plan", paramLabel = "FILE",
            description = "Run this plan (made by 'smapi-migrate plan -o FILE').")
    Path plan;

    @Option(names = "--dry-run",
            description = "Print what 'plan' prints and change nothing.")
    boolean dryRun;

    @Option(names = "--sr", arity = "1..*", paramLabel = "SR",
            description = "The source SR: a file SR directory, or the PVs of an LVM SR (with --plan: instead of"
                    + " the plan's).")
    List<Path> sr;

    @Option(names = "--vdi", paramLabel = "UUID",
            description = "A VDI to migrate; repeat for several.")
    List<String> vdis;

    @Option(names = "--flatten",
            description = "With --dry-run and no --plan: plan with --flatten.")
    boolean flatten;

    @Option(names = "--target-sr", paramLabel = "DIR",
            description = "Directory of the bundled SMAPIv3 SR (created when absent).")
    Path targetSr;

    @Option(names = "--plugins", paramLabel = "ROOT",
            description = "Plugin tree with volume/ and datapath/ (default: "
                    + PluginRoot.HOST_ROOT + "; with --target-sr: the bundled one).")
    Path plugins;

    @Option(names = "--volume-plugin", paramLabel = "NAME",
            description = "Volume plugin directory name under ROOT/volume.")
    String volumePlugin;

    @Option(names = "--sr-config", paramLabel = "K=V",
            description = "Configuration for SR.attach (repeat), e.g. path=/srv/sr.")
    Map<String, String> srConfig = new LinkedHashMap<>();

    @Option(names = "--existing", paramLabel = "WHAT", defaultValue = "refuse",
            description = "When the SR already has a verified copy of the VDI: refuse (default), "
                    + "skip (keep it), replace (copy again, then destroy the earlier copy). "
                    + "An incomplete copy "
                    + "left by an interrupted run is always removed.")
    String existing;

    @Option(names = "--manifest-dir", paramLabel = "DIR",
            description = "Where to write UUID.manifest.json (default: the current directory; with --plan:"
                    + " FILE.manifests).")
    Path manifestDir;

    @Option(names = "--plugin-timeout", paramLabel = "SECONDS", defaultValue = "600",
            description = "Time limit for one plugin call (default: 600).")
    long pluginTimeout;

    @Option(names = "--source", paramLabel = "NBD_URI", description = "Migrate an NBD export instead of a VDI of "
            + "--sr (nbd://, nbds://, nbd+unix://): read where its block status says data, verified like any source.")
    String sourceUri;

    @Option(names = "--tls-certs", paramLabel = "DIR", description = "For an nbds:// --source: DIR holds ca-cert.pem "
            + "(client-cert.pem and client-key.pem optional).")
    Path tlsCerts;

    @Option(names = "--json", description = "Print the results as JSON on standard output.")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar and no summary lines.")
    boolean quiet;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        VdiMigration.Existing policy = parseExisting();
        if (pluginTimeout <= 0) {
            throw usage("--plugin-timeout must be a positive number of seconds");
        }
        Duration limit = Duration.ofSeconds(pluginTimeout);
        if (plan != null) {
            return runPlan(limit);
        }
        if (dryRun) {
            return planOnTheFly();
        }
        if (sourceUri != null && (sr != null || vdis != null)) {
            throw usage("--source names the one disk to migrate: no --sr or --vdi with it");
        }
        if (sourceUri == null && (sr == null || vdis == null || vdis.isEmpty())) {
            throw usage("name what to migrate: --plan FILE, or --sr SR with --vdi UUID");
        }
        TargetSr target = openTarget(limit);
        PrintWriter err = spec.commandLine().getErr();
        List<MigrationResult> results = new ArrayList<>();
        MigrationProgress progress = MigrateCommand.progressBars(!quiet && !json);
        Path manifests = manifestDir != null ? manifestDir : Path.of(".");
        try (StorageRepository source = sourceUri != null ? NbdRepository.open(sourceUri, tlsCerts)
                : SourceRepositories.open(sr)) {
            SrInventory inventory = source.inventory();
            VdiMigration migration = new VdiMigration(target, progress, new Version().getVersion()[0]);
            for (String vdi : sourceUri != null ? List.of(((NbdRepository) source).vdiId()) : vdis) {
                MigrationResult r = migration.migrate(source, inventory, vdi, policy, manifests);
                results.add(r);
                if (!quiet) {
                    for (String note : r.notes()) {
                        err.println("smapi-migrate: note: " + note);
                    }
                    if (r.status().equals("migrated")) {
                        err.printf("migrated %s (%s, %s written) to volume %s of %s in %.1f s; verified, manifest %s%n",
                                vdi, Sizes.human(r.virtualSize()), Sizes.human(r.writtenBytes()), r.volumeKey(),
                                target.describe(), r.seconds(), r.manifest());
                    } else {
                        err.printf("kept volume %s: VDI %s was already migrated%n", r.volumeKey(), vdi);
                    }
                    err.flush();
                }
            }
        }
        if (json) {
            PrintWriter out = spec.commandLine().getOut();
            out.println(JSON.writeValueAsString(Map.of("target_sr", target.sr(), "results", results)));
            out.flush();
        }
        return 0;
    }

    /** {@code --plan FILE}: runs it (or, with --dry-run, prints it as 'plan' does). */
    private int runPlan(Duration limit) throws Exception {
        if (targetSr != null || volumePlugin != null || !srConfig.isEmpty() || vdis != null || flatten) {
            throw usage("--plan names its source and target: --target-sr, --volume-plugin, --sr-config, --vdi and"
                    + " --flatten do not go with it (--sr and --plugins may, to override where they are found)");
        }
        Plan p;
        try {
            p = PlanJson.read(plan);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UserError(plan + ": no such file");
        } catch (IOException e) {
            throw new UserError(plan + ": not a plan: " + SmapiMigrate.oneLine(e));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (dryRun) {
            if (json) {
                out.println(PlanJson.toJson(p));
            } else {
                PlanCommand.summary(p, out);
            }
            out.flush();
            return 0;
        }
        PlanExecutor.requireRunnable(p);
        PlanTarget where = p.targetSr();
        Path root = plugins != null ? plugins : Path.of(where.pluginRoot());
        TargetSr target = where.bundledSr() != null
                ? TargetSr.bundled(new PluginRoot(root, limit), Path.of(where.bundledSr()))
                : TargetSr.attach(new PluginRoot(root, limit), where.volumePlugin(), where.configuration());
        List<Path> from = sr != null ? sr : p.source().paths().stream().map(Path::of).toList();
        Path manifests = manifestDir != null ? manifestDir
                : plan.toAbsolutePath().resolveSibling(plan.getFileName() + ".manifests");
        try (StorageRepository source = SourceRepositories.open(from);
             JsonRunEvents jsonEvents = json ? new JsonRunEvents(out) : null;
             ConsoleRunEvents console = json ? null : new ConsoleRunEvents(spec.commandLine().getErr(), quiet)) {
            RunEvents events = json ? jsonEvents : console;
            new PlanExecutor(p, plan, source, target, manifests, new Version().getVersion()[0], events).run();
        }
        return 0;
    }

    /** {@code --dry-run} without --plan: exactly what 'plan' prints for the same options. */
    private int planOnTheFly() {
        if (sr == null) {
            throw usage("--dry-run needs --plan FILE, or --sr SR (with --vdi and the target options) to plan on the fly");
        }
        List<String> args = new ArrayList<>();
        args.add("--sr");
        sr.forEach(p -> args.add(p.toString()));
        if (vdis != null) {
            for (String v : vdis) {
                args.add("--vdi");
                args.add(v);
            }
        }
        if (targetSr != null) {
            args.add("--target-sr");
            args.add(targetSr.toString());
        }
        if (plugins != null) {
            args.add("--plugins");
            args.add(plugins.toString());
        }
        if (volumePlugin != null) {
            args.add("--volume-plugin");
            args.add(volumePlugin);
        }
        srConfig.forEach((k, v) -> {
            args.add("--sr-config");
            args.add(k + "=" + v);
        });
        if (flatten) {
            args.add("--flatten");
        }
        if (json) {
            args.add("--json");
        }
        args.add("--plugin-timeout");
        args.add(Long.toString(pluginTimeout));
        return spec.commandLine().getParent().getSubcommands().get("plan").execute(args.toArray(String[]::new));
    }

    /** A progress bar per phase (CopyProgress: off without a terminal), or none. */
    static MigrationProgress progressBars(boolean enabled) {
        return (task, total, done) -> {
            AutoCloseable bar = CopyProgress.start(task, total, done, enabled);
            return () -> {
                try {
                    bar.close();
                } catch (Exception e) {
                    // A progress bar that cannot close must not fail a migration.
                }
            };
        };
    }

    static final ObjectMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private VdiMigration.Existing parseExisting() {
        try {
            return VdiMigration.Existing.valueOf(existing.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw usage("--existing must be refuse, skip or replace, not '" + existing + "'");
        }
    }

    private TargetSr openTarget(Duration limit) throws IOException {
        TargetChoice t = TargetChoice.of(targetSr, plugins, volumePlugin, srConfig, this::usage);
        PluginRoot root = new PluginRoot(t.root(), limit);
        return t.bundledSrDir() != null ? TargetSr.bundled(root, t.bundledSrDir())
                : TargetSr.attach(root, t.volumePlugin(), t.configuration());
    }


    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
