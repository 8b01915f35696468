package org.smapimigrate.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundledPluginRootTest {
    @TempDir
    Path tmp;

    @Test
    void foundAboveTheClassesOfThisCheckout() throws Exception {
        Path expected = MigrationFixtures.bundledRootPath().toRealPath();
        assertEquals(expected, BundledPluginRoot.find().toRealPath());
    }

    @Test
    void searchWalksUpFromAJarLocation() throws Exception {
        Path dist = tmp.resolve("dist");
        Files.createDirectories(dist.resolve("examples/xapi-storage-script/volume").resolve(BundledPluginRoot.VOLUME_PLUGIN));
        Path jar = Files.createDirectories(dist.resolve("lib/deep")).resolve("smapi-migrate.jar");
        Files.writeString(jar, "");
        assertEquals(Optional.of(dist.resolve("examples/xapi-storage-script")), BundledPluginRoot.searchUpFrom(jar));
        assertTrue(BundledPluginRoot.searchUpFrom(tmp.resolve("elsewhere")).isEmpty()
                || !BundledPluginRoot.searchUpFrom(tmp.resolve("elsewhere")).get().startsWith(tmp));
    }
}
