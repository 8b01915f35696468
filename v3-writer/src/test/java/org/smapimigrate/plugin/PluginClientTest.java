package org.smapimigrate.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginClientTest {
    @TempDir
    Path tmp;

    private PluginClient client(Duration limit) {
        return new PluginClient(tmp.resolve("org.test.fake"), limit);
    }

    private PluginClient client() {
        return client(Duration.ofSeconds(60));
    }

    @Test
    void sendsParamsAsOneJsonLineWithJsonFlagAndReadsResult() throws Exception {
        Path dir = tmp.resolve("org.test.fake");
        // Echoes back argv[0]'s name, argv[1] and the single stdin line, as a JSON object.
        FakePlugin.script(dir, "echo.sh", """
                line=$(cat)
                printf '{"argv0":"%s","flag":"%s","params":%s}\\n' "$(basename "$0")" "$1" "$line"
                echo "noise on stderr" >&2""");
        Files.createSymbolicLink(dir.resolve("Volume.create"), Path.of("echo.sh"));
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("dbg", "t");
        params.put("size", 1073741824L);
        params.put("sharable", false);
        JsonNode r = client().call("Volume.create", params);
        assertEquals("Volume.create", r.get("argv0").asText(), "the symlink itself is executed");
        assertEquals("--json", r.get("flag").asText());
        assertTrue(r.get("params").get("size").isIntegralNumber());
        assertEquals(1073741824L, r.get("params").get("size").asLong());
        assertTrue(r.get("params").get("sharable").isBoolean());
        assertFalse(r.get("params").get("sharable").asBoolean());
    }

    @Test
    void methodLookupIsCaseInsensitive() throws Exception {
        FakePlugin.script(tmp.resolve("org.test.fake"), "plugin.query", "cat >/dev/null; echo '\"found\"'");
        assertEquals("found", client().call("Plugin.Query", Map.of("dbg", "t"), String.class));
        assertTrue(client().has("PLUGIN.QUERY"));
    }

    @Test
    void pluginErrorBecomesTypedErrorWithCodeParamsAndStderr() throws Exception {
        FakePlugin.script(tmp.resolve("org.test.fake"), "Volume.resize", """
                cat >/dev/null
                echo 'Traceback: something' >&2
                echo '{"code":"SR_BACKEND_FAILURE_79","params":["VDI Invalid size","shrinking not allowed"],"backtrace":{"error":"x","files":[],"lines":[]}}'
                exit 1""");
        PluginCallException e = assertThrows(PluginCallException.class,
                () -> client().call("Volume.resize", Map.of("dbg", "t")));
        assertEquals(PluginFailure.PLUGIN_ERROR, e.failure());
        assertEquals("SR_BACKEND_FAILURE_79", e.code());
        assertEquals(List.of("VDI Invalid size", "shrinking not allowed"), e.params());
        assertTrue(e.stderr().contains("Traceback: something"));
        assertTrue(e.getMessage().contains("shrinking not allowed"), e.getMessage());
        assertTrue(e.getMessage().contains("org.test.fake Volume.resize"), e.getMessage());
    }

    @Test
    void idlErrorsMatchOnFirstParam() throws Exception {
        FakePlugin.script(tmp.resolve("org.test.fake"), "Volume.stat", """
                cat >/dev/null
                echo '{"code":"SR_BACKEND_FAILURE","params":["Volume_does_not_exist","k"],"backtrace":{}}'
                exit 1""");
        PluginCallException e = assertThrows(PluginCallException.class,
                () -> client().call("Volume.stat", Map.of("dbg", "t")));
        assertTrue(e.is("Volume_does_not_exist"));
        assertFalse(e.is("SR_does_not_exist"));
    }

    @Test
    void nonJsonOutputIsBadOutputWhateverTheExitStatus() throws Exception {
        Path dir = tmp.resolve("org.test.fake");
        FakePlugin.script(dir, "SR.stat", "cat >/dev/null; echo 'Traceback (most recent call last):'; "
                + "echo 'ImportError: no module xapi' >&2; exit 1");
        FakePlugin.script(dir, "SR.ls", "cat >/dev/null; echo 'all good'; exit 0");
        PluginCallException e1 = assertThrows(PluginCallException.class, () -> client().call("SR.stat", Map.of()));
        assertEquals(PluginFailure.BAD_OUTPUT, e1.failure());
        assertTrue(e1.getMessage().contains("ImportError: no module xapi"), e1.getMessage());
        PluginCallException e2 = assertThrows(PluginCallException.class, () -> client().call("SR.ls", Map.of()));
        assertEquals(PluginFailure.BAD_OUTPUT, e2.failure());
    }

    @Test
    void nonZeroExitWithJsonThatIsNotAnErrorIsBadOutput() throws Exception {
        FakePlugin.script(tmp.resolve("org.test.fake"), "SR.stat", "cat >/dev/null; echo '[1,2]'; exit 3");
        PluginCallException e = assertThrows(PluginCallException.class, () -> client().call("SR.stat", Map.of()));
        assertEquals(PluginFailure.BAD_OUTPUT, e.failure());
        assertTrue(e.getMessage().contains("exit 3"), e.getMessage());
    }

    @Test
    void missingMethodIsTyped() throws Exception {
        Files.createDirectories(tmp.resolve("org.test.fake"));
        PluginCallException e = assertThrows(PluginCallException.class,
                () -> client().call("Volume.snapshot", Map.of("dbg", "t")));
        assertEquals(PluginFailure.MISSING_METHOD, e.failure());
        assertTrue(e.getMessage().contains("Volume.snapshot"));
    }

    @Test
    void notExecutableIsStartFailed() throws Exception {
        Path dir = tmp.resolve("org.test.fake");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("SR.stat"), "#!/bin/sh\necho null\n");
        PluginCallException e = assertThrows(PluginCallException.class, () -> client().call("SR.stat", Map.of()));
        assertEquals(PluginFailure.START_FAILED, e.failure());
    }

    @Test
    void timeLimitKillsThePluginAndItsChildren() throws Exception {
        Path marker = tmp.resolve("child-still-ran");
        FakePlugin.script(tmp.resolve("org.test.fake"), "Volume.snapshot",
                "(sleep 3; touch " + marker + ") & sleep 30; echo null");
        PluginCallException e = assertThrows(PluginCallException.class,
                () -> client(Duration.ofMillis(500)).call("Volume.snapshot", Map.of("dbg", "t")));
        assertEquals(PluginFailure.TIME_LIMIT, e.failure());
        Thread.sleep(3500);
        assertFalse(Files.exists(marker), "the plugin's child process must have been killed too");
    }

    @Test
    void largeStdoutAndStderrTogetherDoNotDeadlock() throws Exception {
        // 1 MiB on stderr before any stdout and 1 MiB of JSON string on stdout: both pipes fill.
        FakePlugin.script(tmp.resolve("org.test.fake"), "SR.ls", """
                cat >/dev/null
                head -c 1048576 /dev/zero | tr '\\0' 'e' >&2
                printf '"'; head -c 1048576 /dev/zero | tr '\\0' 'o'; printf '"\\n'""");
        String r = client().call("SR.ls", Map.of(), String.class);
        assertEquals(1048576, r.length());
    }

    @Test
    void pluginThatDoesNotReadStdinStillWorks() throws Exception {
        FakePlugin.script(tmp.resolve("org.test.fake"), "Plugin.diagnostics", "echo '\"ok\"'");
        assertEquals("ok", client().call("Plugin.diagnostics", Map.of("dbg", "t"), String.class));
    }

    @Test
    void strictTypesRejectStringsForIntegersAndBooleans() throws Exception {
        Path dir = tmp.resolve("org.test.fake");
        FakePlugin.script(dir, "Volume.stat", "cat >/dev/null; echo '{\"key\":\"k\",\"name\":\"n\",\"description\":\"\","
                + "\"read_write\":true,\"sharable\":false,\"virtual_size\":\"1024\",\"physical_utilisation\":0,"
                + "\"uri\":[\"raw+file:///x.raw\"],\"keys\":{}}'");
        FakePlugin.script(dir, "Volume.clone", "cat >/dev/null; echo '{\"key\":\"k\",\"name\":\"n\",\"description\":\"\","
                + "\"read_write\":\"true\",\"sharable\":false,\"virtual_size\":1024,\"physical_utilisation\":0,"
                + "\"uri\":[\"raw+file:///x.raw\"],\"keys\":{}}'");
        FakePlugin.script(dir, "Volume.snapshot", "cat >/dev/null; echo '{\"name\":\"n\",\"virtual_size\":1024,"
                + "\"uri\":[]}'");
        for (String m : List.of("Volume.stat", "Volume.clone", "Volume.snapshot")) {
            PluginCallException e = assertThrows(PluginCallException.class,
                    () -> client().call(m, Map.of(), Volume.class), m);
            assertEquals(PluginFailure.BAD_OUTPUT, e.failure(), m);
        }
    }

    @Test
    void decodesTheRecordsOfTheInterface() throws Exception {
        var m = PluginJson.mapper();
        Volume v = m.readValue("{\"key\":\"k1\",\"uuid\":\"u1\",\"name\":\"n\",\"description\":\"d\",\"read_write\":true,"
                + "\"sharable\":false,\"virtual_size\":1073741824,\"physical_utilisation\":123,"
                + "\"uri\":[\"tapdisk://zfs-vol//var/run/sr-mount/sr-1|v\",\"raw+file:///a.raw\"],"
                + "\"keys\":{\"vdi-type\":\"user\"},\"volume_type\":\"Data\",\"extra_field\":1}", Volume.class);
        assertEquals(1073741824L, v.virtualSize());
        assertEquals("user", v.keys().get("vdi-type"));
        assertEquals("tapdisk", Volume.schemeOf(v.uri().get(0)));
        assertEquals("raw+file", Volume.schemeOf(v.uri().get(1)));

        SrStat s = m.readValue("{\"sr\":\"file:///x\",\"name\":\"n\",\"description\":\"\",\"free_space\":1,"
                + "\"total_space\":2,\"datasources\":[],\"clustered\":false,\"health\":[\"Recovering\",\"resync\"]}",
                SrStat.class);
        assertEquals(new Health("Recovering", "resync"), s.health());
        assertEquals("[\"Healthy\",\"\"]", m.writeValueAsString(new Health("Healthy", "")));

        Backend b = m.readValue("{\"implementations\":["
                + "[\"XenDisk\",{\"params\":\"/dev/xen/blktap-2/tapdev3\",\"extra\":{},\"backend_type\":\"vbd3\"}],"
                + "[\"BlockDevice\",{\"path\":\"/dev/xen/blktap-2/tapdev3\"}],"
                + "[\"File\",{\"path\":\"/path/raw\"}],"
                + "[\"Nbd\",{\"uri\":\"nbd:unix:/var/run/qemu-dp/qemu-nbd.u:exportname=qemu_node\"}],"
                + "[\"Tapdisk3\",\"old\"]]}", Backend.class);
        assertEquals(5, b.implementations().size());
        assertEquals("vbd3", assertInstanceOf(Implementation.XenDisk.class, b.implementations().get(0)).backendType());
        assertEquals("/dev/xen/blktap-2/tapdev3", b.first(Implementation.BlockDevice.class).orElseThrow().path());
        assertEquals("/path/raw", b.first(Implementation.File.class).orElseThrow().path());
        assertTrue(b.first(Implementation.Nbd.class).orElseThrow().uri().startsWith("nbd:unix:"));
        assertEquals("Tapdisk3", b.implementations().get(4).tag());
        // Round trip keeps the variant encoding.
        assertEquals(m.readTree("[\"File\",{\"path\":\"/p\"}]"), m.valueToTree(new Implementation.File("/p")));
        assertEquals(m.readTree("[\"XenDisk\",{\"params\":\"p\",\"extra\":{},\"backend_type\":\"vbd\"}]"),
                m.valueToTree(new Implementation.XenDisk("p", Map.of(), "vbd")));
    }

    @Test
    void badVariantIsRejected() {
        var m = PluginJson.mapper();
        assertThrows(Exception.class, () -> m.readValue("{\"implementations\":[{\"File\":{\"path\":\"/p\"}}]}",
                Backend.class));
        assertThrows(Exception.class, () -> m.readValue("{\"implementations\":[[\"File\",{}]]}", Backend.class));
    }
}
