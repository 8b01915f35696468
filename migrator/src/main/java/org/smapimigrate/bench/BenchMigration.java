package org.smapimigrate.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.smapimigrate.execute.RunEvents;
import org.smapimigrate.execute.RunSummary;
import org.smapimigrate.execute.StateDirectory;
import org.smapimigrate.execute.VdiRun;
import org.smapimigrate.filesr.FileSr;
import org.smapimigrate.migrate.BundledPluginRoot;
import org.smapimigrate.plan.PlanTarget;
import org.smapimigrate.plugin.PluginRoot;
import org.smapimigrate.migrate.TargetSr;
import org.smapimigrate.plugin.Volume;

/**
 * One timed {@code migrate} for the benchmark: the whole job as an admin runs it through the one
 * engine (plan on the fly, volume create through the bundled plugin, copy with hashing, fsync,
 * read-back verification, manifest). Each run gets a fresh target SR and state directory, so
 * every run does the same work.
 */
public final class BenchMigration {
    private final Path srDir;
    private final String vdi;
    private final Path targetDir;
    private Path volumeFile;
    private int run;

    public BenchMigration(Path srDir, String vdi, Path targetDir) {
        this.srDir = srDir;
        this.vdi = vdi;
        this.targetDir = targetDir;
    }

    public void run() throws IOException {
        run++;
        Path sr = targetDir.resolveSibling(targetDir.getFileName() + "-" + run);
        Path root = BundledPluginRoot.find();
        PlanTarget where = new PlanTarget(root.toString(), BundledPluginRoot.VOLUME_PLUGIN,
                java.util.Map.of("path", sr.toString()), sr.toString());
        StateDirectory states = new StateDirectory(Files.createDirectories(targetDir.resolveSibling("state-" + run)));
        try (FileSr source = FileSr.open(srDir)) {
            RunSummary s = VdiRun.migrate(source, List.of(srDir.toString()), List.of(vdi), where,
                    Duration.ofMinutes(10), states, RunEvents.NONE, Set.of());
            volumeFile = sr.resolve(s.volumes().get(0) + ".raw");
        }
    }

    /** The raw file of the volume the last run made (the bundled SR keeps volumes as KEY.raw). */
    public Path volumeFile() {
        return volumeFile;
    }
}
