package org.smapimigrate.migrate;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.plugin.PluginRoot;
import org.smapimigrate.plugin.Volume;

/**
 * A Volume.create answer is taken for the volume's stat only from the bundled plugin, and only
 * when its one URI names the volume's own file in the SR directory; upstream simple-file's
 * create answer named the file after the volume name (smapiv3-interface.md section 6).
 */
class TargetSrTest {
    static final String KEY = "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9";

    @TempDir
    Path tmp;

    private static Volume created(List<String> uri) {
        return new Volume(KEY, KEY, "disk", "d", true, false, 1 << 20, 0, uri, Map.of(), null, null);
    }

    @Test
    void onlyTheBundledPluginsOwnFileCounts() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("sr with space"));
        PluginRoot root = MigrationFixtures.bundledRoot();
        TargetSr t = new TargetSr(root, root.volumePlugin(BundledPluginRoot.VOLUME_PLUGIN),
                Map.of("path", dir.toString()), "file://x");
        String own = "raw+file://" + dir.toAbsolutePath().toString().replace(" ", "%20") + "/" + KEY + ".raw";
        assertTrue(t.createAnswersAsStat(created(List.of(own))), own);
        for (List<String> wrong : List.<List<String>>of(
                List.of("raw+file://" + dir.toAbsolutePath().toString().replace(" ", "%20") + "/disk.raw"),
                List.of(own, own),
                List.of(),
                List.of(own + "?x=1"),
                List.of(own.replace("raw+file", "file")),
                List.of("raw+file://host" + dir.toAbsolutePath().toString().replace(" ", "%20") + "/" + KEY + ".raw"),
                List.of("raw+file://" + dir.toAbsolutePath().toString().replace(" ", "%20") + "/../" + KEY + ".raw"),
                List.of("raw+file://" + tmp.toAbsolutePath() + "/" + KEY + ".raw"),
                List.of("not a uri %zz"))) {
            assertFalse(t.createAnswersAsStat(created(wrong)), wrong.toString());
        }
    }
}
