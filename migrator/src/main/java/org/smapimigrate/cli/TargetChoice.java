package org.smapimigrate.cli;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.smapimigrate.migrate.BundledPluginRoot;
import org.smapimigrate.plugin.PluginRoot;

/**
 * The SMAPIv3 target that 'plan' and 'migrate' options name: the bundled SR in a directory
 * ({@code --target-sr DIR}), or an SR of an installed volume plugin ({@code --volume-plugin NAME
 * --sr-config K=V}), with the plugin tree they live in. One place decides, so a plan and its
 * execution always mean the same target.
 *
 * @param root          the plugin tree (absolute)
 * @param volumePlugin  the volume plugin's directory name under {@code root/volume}
 * @param bundledSrDir  the bundled SR's directory (absolute), or null for an installed plugin
 * @param configuration the SR's configuration for SR.attach
 */
record TargetChoice(Path root, String volumePlugin, Path bundledSrDir, Map<String, String> configuration) {

    /**
     * @param usage turns a message about conflicting or missing options into the command's
     *              usage error (exit 2)
     */
    static TargetChoice of(Path targetSr, Path plugins, String volumePlugin, Map<String, String> srConfig,
                           Function<String, RuntimeException> usage) {
        if (targetSr != null) {
            if (volumePlugin != null || !srConfig.isEmpty()) {
                throw usage.apply("--target-sr uses the bundled plugin; do not combine it with --volume-plugin"
                        + " or --sr-config");
            }
            Path root;
            try {
                root = plugins != null ? plugins : BundledPluginRoot.find();
            } catch (IllegalStateException e) {
                throw new UserError(e.getMessage());
            }
            Path dir = targetSr.toAbsolutePath().normalize();
            return new TargetChoice(root.toAbsolutePath().normalize(), BundledPluginRoot.VOLUME_PLUGIN, dir,
                    Map.of("path", dir.toString()));
        }
        if (volumePlugin == null) {
            throw usage.apply("name the target: --target-sr DIR, or --volume-plugin NAME with --sr-config K=V"
                    + " (and --plugins ROOT when not " + PluginRoot.HOST_ROOT + ")");
        }
        Path root = plugins != null ? plugins : Path.of(PluginRoot.HOST_ROOT);
        return new TargetChoice(root.toAbsolutePath().normalize(), volumePlugin, null,
                Collections.unmodifiableMap(new LinkedHashMap<>(srConfig)));
    }
}
