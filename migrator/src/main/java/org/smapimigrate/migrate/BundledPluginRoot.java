package org.smapimigrate.migrate;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the SMAPIv3 SR bundled with smapi-migrate ({@code examples/xapi-storage-script} in the
 * checkout or distribution): the system property {@value #PROPERTY}, else the environment variable
 * {@value #ENV}, else the first {@code examples/xapi-storage-script} found walking up from the
 * jar or classes directory this code was loaded from.
 */
public final class BundledPluginRoot {
    public static final String PROPERTY = "smapi-migrate.bundled-plugins";
    public static final String ENV = "SMAPI_MIGRATE_BUNDLED_PLUGINS";
    public static final String VOLUME_PLUGIN = "org.smapimigrate.dirvol";
    static final Path RELATIVE = Path.of("examples", "xapi-storage-script");

    private BundledPluginRoot() {
    }

    /** True when {@code dir} holds an SR of the bundled plugin (its {@code sr.json} record). */
    public static boolean srExists(Path dir) {
        return Files.isRegularFile(dir.resolve("sr.json"));
    }

    public static Path find() {
        String configured = System.getProperty(PROPERTY, System.getenv(ENV));
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured);
            if (!isRoot(p)) {
                throw new IllegalStateException(p + " (from " + PROPERTY + "/" + ENV + ") does not hold volume/"
                        + VOLUME_PLUGIN);
            }
            return p.toAbsolutePath();
        }
        return searchUpFrom(codeLocation()).orElseThrow(() -> new IllegalStateException(
                "cannot find the bundled SMAPIv3 plugins (" + RELATIVE + ") above " + codeLocation()
                        + "; set " + ENV + " or use --plugins ROOT --volume-plugin NAME"));
    }

    static Optional<Path> searchUpFrom(Path start) {
        for (Path dir = start.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(RELATIVE);
            if (isRoot(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static boolean isRoot(Path p) {
        return Files.isDirectory(p.resolve("volume").resolve(VOLUME_PLUGIN));
    }

    private static Path codeLocation() {
        try {
            return Path.of(BundledPluginRoot.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | NullPointerException | SecurityException e) {
            return Path.of("").toAbsolutePath();
        }
    }
}
