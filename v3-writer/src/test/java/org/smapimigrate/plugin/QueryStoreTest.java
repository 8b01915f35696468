package org.smapimigrate.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plugin.Query answers kept between runs: each "run" is modelled by forgetting the process's
 * cache; the plugin is a shell script that logs each start, so the test counts real processes.
 */
class QueryStoreTest {
    @TempDir
    Path tmp;

    @AfterEach
    void off() {
        QueryStore.enable(null);
        QueryCache.clear();
    }

    private Path plugin(String version) throws IOException {
        Path dir = tmp.resolve("root").resolve("volume").resolve("org.example.vol");
        FakePlugin.script(dir, "Plugin.Query", "echo x >> '" + tmp.resolve("starts") + "'\n"
                + "echo '{\"plugin\":\"org.example.vol\",\"name\":\"n\",\"description\":\"d\",\"vendor\":\"v\","
                + "\"copyright\":\"c\",\"version\":\"" + version + "\",\"required_api_version\":\"5.0\","
                + "\"features\":[\"VDI_CREATE\"],\"configuration\":{},\"required_cluster_stack\":[]}'");
        return dir;
    }

    private QueryResult ask() throws IOException {
        QueryCache.clear(); // a new process
        return new PluginRoot(tmp.resolve("root"), Duration.ofSeconds(20)).volumePlugin("org.example.vol").query();
    }

    private long starts() throws IOException {
        return Files.exists(tmp.resolve("starts")) ? Files.readAllLines(tmp.resolve("starts")).size() : 0;
    }

    @Test
    void aKeptAnswerSavesTheCallUntilThePluginChanges() throws IOException {
        QueryStore.enable(tmp.resolve("cache"));
        plugin("1.0");
        assertEquals("1.0", ask().version());
        assertEquals("1.0", ask().version());
        assertEquals(1, starts(), "the second run reads the kept answer");

        plugin("2.0"); // the executable's bytes change
        assertEquals("2.0", ask().version());
        assertEquals(2, starts(), "a changed plugin is asked again");
        assertEquals("2.0", ask().version());
        assertEquals(2, starts());
    }

    @Test
    void oldDamagedOrForeignAnswersAreAskedAgain() throws IOException {
        plugin("1.0");
        QueryStore.enable(tmp.resolve("cache"), Duration.ZERO.minusMillis(1));
        ask();
        ask();
        assertEquals(2, starts(), "an answer past the age limit is not used");

        QueryStore.enable(tmp.resolve("cache"));
        List<Path> files;
        try (Stream<Path> s = Files.list(tmp.resolve("cache"))) {
            files = s.filter(f -> f.toString().endsWith(".json")).toList();
        }
        assertEquals(1, files.size());
        for (String bad : List.of("{", "[]", "{\"format\":1,\"written\":0,\"seconds\":0,\"result\":{}}",
                "{\"format\":1,\"written\":" + System.currentTimeMillis()
                        + ",\"seconds\":0.1,\"result\":{\"required_api_version\":5}}")) {
            Files.writeString(files.get(0), bad);
            long before = starts();
            assertEquals("1.0", ask().version(), bad);
            assertEquals(before + 1, starts(), "asked again over " + bad);
        }
        assertEquals("1.0", ask().version());
        assertEquals(6, starts(), "the last answer was kept again");
    }

    @Test
    void keptAnswerCarriesTheMeasuredCallCost() throws IOException {
        QueryStore.enable(tmp.resolve("cache"));
        plugin("1.0");
        QueryCache.clear();
        VolumePlugin p = new PluginRoot(tmp.resolve("root"), Duration.ofSeconds(20)).volumePlugin("org.example.vol");
        double measured = p.querySeconds();
        QueryCache.clear();
        assertEquals(measured, p.querySeconds(), 1e-9);
        assertEquals(1, starts());
        assertTrue(measured > 0);
    }

    @Test
    void defaultDirectoryFollowsTheEnvironment() {
        assertEquals(Optional.empty(), QueryStore.defaultDirectory(Map.of(QueryStore.ENV, "off", "HOME", "/root")));
        assertEquals(Optional.of(Path.of("/c/plugin-query")), QueryStore.defaultDirectory(Map.of(QueryStore.ENV, "/c")));
        assertEquals(Optional.of(Path.of("/x/smapi-migrate/plugin-query")),
                QueryStore.defaultDirectory(Map.of("XDG_CACHE_HOME", "/x", "HOME", "/h")));
        assertEquals(Optional.of(Path.of("/h/.cache/smapi-migrate/plugin-query")),
                QueryStore.defaultDirectory(Map.of("XDG_CACHE_HOME", "relative", "HOME", "/h")));
        assertEquals(Optional.empty(), QueryStore.defaultDirectory(Map.of()));
    }
}
