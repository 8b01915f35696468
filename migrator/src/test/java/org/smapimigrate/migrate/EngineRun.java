package org.smapimigrate.migrate;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.smapimigrate.execute.RunEvents;
import org.smapimigrate.execute.RunSummary;
import org.smapimigrate.execute.StateDirectory;
import org.smapimigrate.execute.VdiRun;
import org.smapimigrate.inventory.StorageRepository;
import org.smapimigrate.plan.PlanTarget;
import org.smapimigrate.verify.Manifest;
import org.smapimigrate.verify.ManifestFile;

/**
 * The one engine run from a test as {@code migrate --sr SRC --vdi UUID --target-sr SR --plugins
 * ROOT --state-dir STATE} would run it: planned on the fly, journaled, verified.
 */
record EngineRun(RunSummary summary, Manifest manifest) {

    static PlanTarget bundledTarget(Path pluginRoot, Path srDir) {
        Path sr = srDir.toAbsolutePath().normalize();
        return new PlanTarget(pluginRoot.toString(), BundledPluginRoot.VOLUME_PLUGIN, Map.of("path", sr.toString()),
                sr.toString());
    }

    static EngineRun migrate(Path pluginRoot, Duration callLimit, Path srDir, StorageRepository source, String vdi,
                             Path stateDir) throws IOException {
        RunSummary s = VdiRun.migrate(source, List.of(source.inventory().path()), List.of(vdi),
                bundledTarget(pluginRoot, srDir), callLimit, new StateDirectory(stateDir), RunEvents.NONE, Set.of());
        return new EngineRun(s, ManifestFile.read(Path.of(s.manifests().get(0))));
    }

    static EngineRun migrate(Path srDir, StorageRepository source, String vdi, Path stateDir) throws IOException {
        return migrate(MigrationFixtures.bundledRootPath(), Duration.ofSeconds(60), srDir, source, vdi, stateDir);
    }

    String volumeKey() {
        return summary.volumes().get(0);
    }
}
