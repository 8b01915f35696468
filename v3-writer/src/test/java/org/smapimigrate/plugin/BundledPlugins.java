package org.smapimigrate.plugin;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Where the tests find the bundled SMAPIv3 SR: examples/xapi-storage-script in the checkout. */
public final class BundledPlugins {
    public static final String VOLUME_PLUGIN = "org.smapimigrate.dirvol";

    private BundledPlugins() {
    }

    public static PluginRoot root() {
        String checkout = System.getProperty("smapi.root");
        if (checkout == null) {
            throw new IllegalStateException("system property smapi.root is not set (run the tests through Maven)");
        }
        Path root = Path.of(checkout, "examples", "xapi-storage-script");
        if (!Files.isDirectory(root.resolve("volume").resolve(VOLUME_PLUGIN))) {
            throw new IllegalStateException("bundled plugins missing under " + root);
        }
        return new PluginRoot(root, Duration.ofSeconds(60));
    }
}
