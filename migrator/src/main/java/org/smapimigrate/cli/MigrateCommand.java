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
import org.smapimigrate.inventory.SrInventory;
import org.smapimigrate.inventory.StorageRepository;
import org.smapimigrate.migrate.BundledPluginRoot;
import org.smapimigrate.migrate.MigrationProgress;
import org.smapimigrate.migrate.MigrationResult;
import org.smapimigrate.migrate.TargetSr;
import org.smapimigrate.migrate.VdiMigration;
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
            "For each --vdi: creates a volume (Volume.create) named after the VDI, marks it",
            "incomplete in its keys, attaches it through its datapath plugin (open, attach,",
            "activate), copies the flattened VDI into it (holes stay holes) while hashing",
            "every 2 MiB block, reads the volume back through the datapath and compares,",
            "releases the datapath (deactivate, detach, close), writes a manifest for",
            "'smapi-migrate verify', and marks the volume complete. On any failure the new",
            "volume is destroyed (or, if that fails too, left marked incomplete). The source",
            "is only ever read.",
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
            "  smapi-migrate migrate --sr /run/sr-mount/SR --vdi UUID --target-sr /srv/v3sr",
            "  smapi-migrate migrate --sr SR --vdi U1 --vdi U2 --target-sr /srv/v3sr --json",
            "  smapi-migrate migrate --sr SR --vdi UUID --volume-plugin \\",
            "      org.xen.xapi.storage.zfs-vol --sr-config zpool=sr-1234",
            "",
            "Exit status: 0 when every VDI was migrated and verified (or kept with",
            "--existing skip); 1 on the first failure; 2 for usage errors."})
final class MigrateCommand implements Callable<Integer> {

    @Option(names = "--sr", arity = "1..*", required = true, paramLabel = "SR",
            description = "The source SR: a file SR directory, or the PVs of an LVM SR.")
    List<Path> sr;

    @Option(names = "--vdi", required = true, paramLabel = "UUID",
            description = "A VDI to migrate; repeat for several.")
    List<String> vdis;

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

    @Option(names = "--manifest-dir", paramLabel = "DIR", defaultValue = ".",
            description = "Where to write UUID.manifest.json (default: current directory).")
    Path manifestDir;

    @Option(names = "--plugin-timeout", paramLabel = "SECONDS", defaultValue = "600",
            description = "Time limit for one plugin call (default: 600).")
    long pluginTimeout;

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
        TargetSr target = openTarget(limit);
        PrintWriter err = spec.commandLine().getErr();
        List<MigrationResult> results = new ArrayList<>();
        MigrationProgress progress = MigrateCommand.progressBars(!quiet && !json);
        try (StorageRepository source = SourceRepositories.open(sr)) {
            SrInventory inventory = source.inventory();
            VdiMigration migration = new VdiMigration(target, progress, new Version().getVersion()[0]);
            for (String vdi : vdis) {
                MigrationResult r = migration.migrate(source, inventory, vdi, policy, manifestDir);
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
        if (targetSr != null) {
            if (volumePlugin != null || !srConfig.isEmpty()) {
                throw usage("--target-sr uses the bundled plugin; do not combine it with --volume-plugin or --sr-config");
            }
            Path root;
            try {
                root = plugins != null ? plugins : BundledPluginRoot.find();
            } catch (IllegalStateException e) {
                throw new UserError(e.getMessage());
            }
            return TargetSr.bundled(new PluginRoot(root, limit), targetSr);
        }
        if (volumePlugin == null) {
            throw usage("name the target: --target-sr DIR, or --volume-plugin NAME with --sr-config K=V");
        }
        Path root = plugins != null ? plugins : Path.of(PluginRoot.HOST_ROOT);
        return TargetSr.attach(new PluginRoot(root, limit), volumePlugin, srConfig);
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
