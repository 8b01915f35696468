package org.smapimigrate.plugin;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of what a SMAPIv3 plugin answers: its standard output (a result, an
 * error object {code, params, backtrace}, or anything else) read by {@link PluginClient} and
 * decoded into the IDL types (query result, SR configuration, SR string, SR stat with its health
 * variant, volume lists, volumes, datapath backends with their implementation variants). The
 * only acceptable failure is a {@link PluginCallException}; anything else (a NullPointerException
 * from a missing field, an IllegalArgumentException from a bad URI, Jackson internals) or a
 * hang is a finding.
 *
 * <p>An input is {@code <Interface.method> <exit status>}, a newline, then the plugin's stdout;
 * when the first line is not of that form, the first byte picks the method and the exit status
 * is 0. {@code mvn test} replays the seeds and past crashes in
 * {@code src/test/resources/org/smapimigrate/plugin/PluginJsonFuzzTestInputs/reply/} (replies of
 * the bundled plugins and the examples of smapiv3-interface.md, made by {@code fuzz/make-seeds});
 * {@code fuzz/run plugin-json MINUTES} fuzzes.
 */
class PluginJsonFuzzTest {
    private static final String[] METHODS = {"Plugin.Query", "SR.create", "SR.attach", "SR.stat", "SR.ls",
        "Volume.create", "Volume.stat", "Volume.snapshot", "Volume.clone", "Datapath.attach", "Volume.set",
        "Datapath.open"};
    private static final PluginClient CLIENT =
            new PluginClient(Path.of("/nonexistent/org.smapimigrate.fuzz"), Duration.ofSeconds(1));

    @FuzzTest(maxDuration = "5m")
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void reply(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        int nl = text.indexOf('\n');
        String[] head = nl < 0 ? new String[0] : text.substring(0, nl).split(" ");
        String method;
        int exit;
        String stdout;
        if (head.length == 2 && List.of(METHODS).contains(head[0]) && head[1].matches("-?\\d{1,3}")) {
            method = head[0];
            exit = Integer.parseInt(head[1]);
            stdout = text.substring(nl + 1);
        } else {
            method = METHODS[input.length == 0 ? 0 : Byte.toUnsignedInt(input[0]) % METHODS.length];
            exit = 0;
            stdout = text;
        }
        try {
            JsonNode tree = CLIENT.reply(method, exit, stdout, "stderr line 1\nlast line");
            use(CLIENT.decode(method, tree, typeOf(method), ""));
        } catch (PluginCallException expected) {
            expected.getMessage();
            expected.is("Volume_does_not_exist");
        }
    }

    private static JavaType typeOf(String method) {
        var types = PluginJson.mapper().getTypeFactory();
        return switch (method) {
            case "Plugin.Query" -> types.constructType(QueryResult.class);
            case "SR.create" -> types.constructMapType(Map.class, String.class, String.class);
            case "SR.attach" -> types.constructType(String.class);
            case "SR.stat" -> types.constructType(SrStat.class);
            case "SR.ls" -> types.constructCollectionType(List.class, Volume.class);
            case "Datapath.attach" -> types.constructType(Backend.class);
            case "Volume.set", "Datapath.open" -> types.constructType(JsonNode.class);
            default -> types.constructType(Volume.class);
        };
    }

    /** What callers do with a decoded result right away. */
    private static void use(Object result) {
        if (result instanceof Volume v) {
            v.describe();
            v.uri().forEach(Volume::schemeOf);
        } else if (result instanceof List<?> list) {
            list.forEach(PluginJsonFuzzTest::use);
        } else if (result instanceof SrStat s && s.health() != null) {
            s.health().healthy();
        } else if (result instanceof Backend b) {
            b.first(Implementation.Nbd.class);
            b.first(Implementation.File.class);
            b.implementations().forEach(Implementation::tag);
        } else if (result instanceof QueryResult q) {
            q.hasFeature("VDI_CREATE");
        }
    }
}
