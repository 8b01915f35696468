package org.smapimigrate.migrate;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.smapimigrate.plugin.PluginCallException;
import org.smapimigrate.plugin.PluginRoot;
import org.smapimigrate.plugin.VolumePlugin;

/**
 * An attached SMAPIv3 SR to migrate into: the plugin tree, the volume plugin, the configuration
 * SR.attach was given (kept in manifests so the SR can be attached again) and the SR string it
 * returned.
 */
public record TargetSr(PluginRoot root, VolumePlugin plugin, Map<String, String> configuration, String sr) {

    /** API versions xapi-storage-script accepts in Plugin.query ({@code supported_api_versions}, main.ml). */
    static final java.util.Set<String> SUPPORTED_API_VERSIONS = java.util.Set.of("5.0", "3.0");

    /** Attaches an existing SR of any plugin with {@code configuration} (a host's PBD device-config). */
    public static TargetSr attach(PluginRoot root, String volumePlugin, Map<String, String> configuration)
            throws IOException {
        VolumePlugin plugin = checked(root.volumePlugin(volumePlugin));
        return new TargetSr(root, plugin, Map.copyOf(configuration), plugin.srAttach(configuration));
    }

    /**
     * The bundled SR in {@code dir}, created through the plugin's SR.create when there is none yet
     * (SR.attach answering SR_does_not_exist), then attached.
     */
    public static TargetSr bundled(PluginRoot root, Path dir) throws IOException {
        return openBundled(root, dir).target();
    }

    /** A target SR and whether opening it created it (so that an abort can remove it again). */
    public record Opened(TargetSr target, boolean created) {
    }

    /** {@link #bundled}, telling whether the SR was created. */
    public static Opened openBundled(PluginRoot root, Path dir) throws IOException {
        VolumePlugin plugin = checked(root.volumePlugin(BundledPluginRoot.VOLUME_PLUGIN));
        Map<String, String> configuration = Map.of("path", dir.toAbsolutePath().normalize().toString());
        // The plugin keeps its SR record in sr.json: without one, SR.attach can only fail, so it is not asked.
        if (BundledPluginRoot.srExists(dir)) {
            try {
                return new Opened(new TargetSr(root, plugin, configuration, plugin.srAttach(configuration)), false);
            } catch (PluginCallException e) {
                if (!e.is("SR_does_not_exist")) {
                    throw e;
                }
            }
        }
        Map<String, String> kept = plugin.srCreate(UUID.randomUUID().toString(), configuration,
                "smapi-migrate target", "SMAPIv3 SR made by smapi-migrate");
        return new Opened(new TargetSr(root, plugin, Map.copyOf(kept), plugin.srAttach(kept)), true);
    }

    /** Refuses a plugin xapi-storage-script would refuse: one whose required API version it does not speak. */
    private static VolumePlugin checked(VolumePlugin plugin) throws IOException {
        String version = plugin.query().requiredApiVersion();
        if (!SUPPORTED_API_VERSIONS.contains(version)) {
            throw new IOException("volume plugin " + plugin.name() + " requires API version " + version
                    + "; xapi-storage-script (and smapi-migrate) speak " + SUPPORTED_API_VERSIONS);
        }
        return plugin;
    }

    /**
     * True when {@code created}, the answer of this SR's Volume.create, is what Volume.stat would
     * answer, so that the stat XAPI makes before its first Datapath call (smapiv3-interface.md
     * section 6: upstream simple-file's create answer names the wrong file) can be spared: only
     * for the bundled plugin, which builds both answers with one function (dirvol.py
     * {@code volume_record}), and only when the answer's one URI names the volume's own file in the
     * SR directory ({@code DIR/KEY.raw}), so even a changed plugin cannot send the copy elsewhere.
     */
    public boolean createAnswersAsStat(org.smapimigrate.plugin.Volume created) {
        String dir = configuration.get("path");
        if (!plugin.name().equals(BundledPluginRoot.VOLUME_PLUGIN) || dir == null || created.uri() == null
                || created.uri().size() != 1 || created.key() == null || created.keys() == null) {
            return false;
        }
        try {
            java.net.URI u = new java.net.URI(created.uri().get(0));
            Path own = Path.of(dir).toAbsolutePath().normalize().resolve(created.key() + ".raw");
            return "raw+file".equals(u.getScheme()) && u.getRawQuery() == null && u.getRawFragment() == null
                    && (u.getAuthority() == null || u.getAuthority().isEmpty()) && u.getPath() != null
                    && Path.of(u.getPath()).equals(own) && own.getParent().equals(Path.of(dir).toAbsolutePath().normalize());
        } catch (java.net.URISyntaxException | java.nio.file.InvalidPathException e) {
            return false;
        }
    }

    /** For messages: {@code org.smapimigrate.dirvol SR file:///srv/sr}. */
    public String describe() {
        return plugin.name() + " SR " + sr;
    }
}
