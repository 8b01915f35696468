package org.smapimigrate.execute;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.smapimigrate.migrate.TargetSr;
import org.smapimigrate.plan.PlanTarget;
import org.smapimigrate.plugin.PluginRoot;

/**
 * How a run gets its target SR: only once every check that needs no target has passed, since
 * opening the bundled SR creates it when absent (SR.create), which is already a change.
 */
@FunctionalInterface
public interface TargetOpener {
    TargetSr.Opened open() throws IOException;

    /** A target already attached (tests, benchmarks). */
    static TargetOpener of(TargetSr target) {
        return () -> new TargetSr.Opened(target, false);
    }

    /**
     * The SR a plan names, through the plugin tree it names or {@code plugins} instead (a copy of
     * the tree elsewhere), each plugin call limited to {@code callLimit}.
     */
    static TargetOpener of(PlanTarget where, Path plugins, Duration callLimit) {
        return () -> {
            PluginRoot root = new PluginRoot(plugins != null ? plugins : Path.of(where.pluginRoot()), callLimit);
            return where.bundledSr() != null ? TargetSr.openBundled(root, Path.of(where.bundledSr()))
                    : new TargetSr.Opened(TargetSr.attach(root, where.volumePlugin(), where.configuration()), false);
        };
    }
}
