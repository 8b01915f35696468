package org.smapimigrate.plugin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Plugin.Query answers of this process, by the executable's real path, size and modification
 * time, so a plan and the run after it (and every job of the run) ask a plugin once, while a
 * plugin replaced in between is asked again.
 */
final class QueryCache {
    private record Key(Path executable, Path realPath, long size, long modified) {
    }

    interface Query {
        QueryResult ask() throws IOException;
    }

    private static final Map<Key, QueryResult> ANSWERS = new ConcurrentHashMap<>();

    private QueryCache() {
    }

    static QueryResult get(PluginClient client, Query query) throws IOException {
        Path exe = client.executable("Plugin.Query").orElse(null);
        if (exe == null) {
            return query.ask(); // fails with the missing-method error
        }
        Key key;
        try {
            Path real = exe.toRealPath();
            // The symlink's own path matters too: one script may serve several plugins.
            key = new Key(exe.toAbsolutePath().normalize(), real, Files.size(real),
                    Files.getLastModifiedTime(real).toMillis());
        } catch (IOException e) {
            return query.ask();
        }
        QueryResult known = ANSWERS.get(key);
        if (known != null) {
            return known;
        }
        QueryResult fresh = query.ask();
        ANSWERS.put(key, fresh);
        return fresh;
    }
}
