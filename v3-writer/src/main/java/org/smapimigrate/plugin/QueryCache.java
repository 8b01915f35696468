package org.smapimigrate.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Plugin.Query answers of this process, by the executable's real path, size and modification
 * time, so a plan and the run after it (and every job of the run) ask a plugin once, while a
 * plugin replaced in between is asked again. Behind it, when enabled, the {@link QueryStore}
 * keeps answers between processes by the executable's bytes.
 */
final class QueryCache {
    private record Key(Path executable, Path realPath, long size, long modified) {
    }

    /** An answer and what asking for it took (measured now, or when the stored answer was asked). */
    record Entry(QueryResult result, double seconds) {
    }

    interface Query {
        /** Asks the plugin; returns its raw result. */
        JsonNode ask() throws IOException;
    }

    private static final Map<Key, Entry> ANSWERS = new ConcurrentHashMap<>();

    private QueryCache() {
    }

    static Entry get(PluginClient client, Query query) throws IOException {
        Path exe = client.executable("Plugin.Query").orElse(null);
        if (exe == null) {
            return ask(client, query); // fails with the missing-method error
        }
        Key key;
        Path real;
        try {
            real = exe.toRealPath();
            // The symlink's own path matters too: one script may serve several plugins.
            key = new Key(exe.toAbsolutePath().normalize(), real, Files.size(real),
                    Files.getLastModifiedTime(real).toMillis());
        } catch (IOException e) {
            return ask(client, query);
        }
        Entry known = ANSWERS.get(key);
        if (known != null) {
            return known;
        }
        QueryStore store = QueryStore.active();
        Optional<Path> file = store == null ? Optional.empty() : store.fileFor(exe, real);
        if (file.isPresent()) {
            Optional<QueryStore.Answer> kept = store.read(file.get());
            if (kept.isPresent()) {
                try {
                    Entry e = new Entry(decode(client, kept.get().result()), kept.get().seconds());
                    ANSWERS.put(key, e);
                    return e;
                } catch (PluginCallException e) {
                    // A kept answer that no longer decodes is asked again.
                }
            }
        }
        long t0 = System.nanoTime();
        JsonNode raw = query.ask();
        double seconds = (System.nanoTime() - t0) / 1e9;
        Entry fresh = new Entry(decode(client, raw), seconds);
        ANSWERS.put(key, fresh);
        file.ifPresent(f -> store.write(f, raw, seconds));
        return fresh;
    }

    private static Entry ask(PluginClient client, Query query) throws IOException {
        long t0 = System.nanoTime();
        JsonNode raw = query.ask();
        return new Entry(decode(client, raw), (System.nanoTime() - t0) / 1e9);
    }

    private static QueryResult decode(PluginClient client, JsonNode raw) throws PluginCallException {
        return client.decode("Plugin.Query", raw, PluginJson.mapper().constructType(QueryResult.class), null);
    }

    /** Forgets this process's answers (tests). */
    static void clear() {
        ANSWERS.clear();
    }
}
