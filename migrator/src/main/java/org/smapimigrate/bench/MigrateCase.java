package org.smapimigrate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;

/**
 * The whole single-VDI {@code migrate} (verified, into a fresh bundled SR) as a child process,
 * which also counts the plugin processes the run started: the {@code done} event of
 * {@code --json} carries {@code plugin_calls}, one per process start (issue 10 item 3 asks for at
 * most 8; PluginProcessCountTest counts them from outside the JVM and finds the same figure).
 */
final class MigrateCase extends ProcessCase {
    private final BenchInput input;
    private int pluginProcesses = -1;

    MigrateCase(BenchInput input, SmapiMigrateProcess smapi) {
        super("migrate", input.data(), smapi, input.work().resolve("process-migrate"), ".raw");
        this.input = input;
    }

    @Override
    protected List<String> arguments() {
        return List.of("migrate", "--json", "--sr", input.sr().toString(), "--vdi", input.vdi(), "--target-sr",
                out().toString());
    }

    @Override
    public long run() throws Exception {
        long rss = super.run();
        pluginProcesses = pluginCalls(Files.readString(dir.resolve("log.txt")));
        return rss;
    }

    /** {@code plugin_calls} of the last {@code done} event in a {@code migrate --json} output. */
    static int pluginCalls(String output) throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode done = null;
        for (String line : output.split("\n")) {
            if (line.startsWith("{") && line.contains("\"event\":\"done\"")) {
                done = json.readTree(line);
            }
        }
        if (done == null || !done.path("plugin_calls").isInt()) {
            throw new IOException("migrate --json printed no done event with plugin_calls");
        }
        return done.get("plugin_calls").asInt();
    }

    /** Plugin processes the last run started; -1 before a run. */
    int pluginProcesses() {
        return pluginProcesses;
    }

    @Override
    public String note() {
        return pluginProcesses < 0 ? null : "migrate (1 VDI, verified, new bundled SR): " + pluginProcesses
                + " plugin processes started (issue 10 aims at 8 or fewer)";
    }
}
