package org.smapimigrate.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.smapimigrate.filesr.FileSr;
import org.smapimigrate.migrate.BundledPluginRoot;
import org.smapimigrate.migrate.MigrationProgress;
import org.smapimigrate.migrate.MigrationResult;
import org.smapimigrate.migrate.TargetSr;
import org.smapimigrate.migrate.VdiMigration;
import org.smapimigrate.plugin.PluginRoot;

/**
 * One timed {@code migrate} for the benchmark: the whole job as an admin runs it (volume create
 * through the bundled plugin, copy with hashing, fsync, read-back verification, manifest),
 * replacing the previous run's volume each time so every run does the same work.
 */
public final class BenchMigration {
    private final Path srDir;
    private final String vdi;
    private final Path targetDir;
    private Path volumeFile;

    public BenchMigration(Path srDir, String vdi, Path targetDir) {
        this.srDir = srDir;
        this.vdi = vdi;
        this.targetDir = targetDir;
    }

    public void run() throws IOException {
        PluginRoot root = new PluginRoot(BundledPluginRoot.find(), Duration.ofMinutes(10));
        TargetSr target = TargetSr.bundled(root, targetDir);
        Path manifests = Files.createDirectories(targetDir.resolveSibling("manifests"));
        try (FileSr source = FileSr.open(srDir)) {
            MigrationResult r = new VdiMigration(target, MigrationProgress.NONE, "smapi-migrate bench")
                    .migrate(source, source.inventory(), vdi, VdiMigration.Existing.REPLACE, manifests);
            if (!"match".equals(r.verification())) {
                throw new IOException("benchmark migration did not verify: " + r.verification());
            }
            volumeFile = targetDir.resolve(r.volumeKey() + ".raw");
        }
    }

    /** The raw file of the volume the last run made (the bundled SR keeps volumes as KEY.raw). */
    public Path volumeFile() {
        return volumeFile;
    }
}
