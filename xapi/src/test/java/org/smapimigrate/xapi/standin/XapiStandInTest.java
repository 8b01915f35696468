package org.smapimigrate.xapi.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stand-in itself, driven with hand-written JSON-RPC over plain java.net.http (not our
 * client), checked against xapi-integration.md: wire format, sessions, VBD/VM/VDI checks and their
 * error codes, SR.scan of a SMAPIv3 SR through the real bundled plugin, and the database dump.
 */
class XapiStandInTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    XapiStandIn xapi;
    HttpClient http;
    String session;

    @BeforeEach
    void start() throws Exception {
        xapi = StandIns.pool(dir).start();
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(StandIns.pki().poolCa().caPem())) {
            ks.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        http = HttpClient.newBuilder().sslContext(ctx).build();
        session = ok(rpc("session.login_with_password", "root", StandIns.PASSWORD)).asText();
    }

    @AfterEach
    void stop() {
        xapi.close();
    }

    HttpResponse<String> post(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(xapi.url() + "/jsonrpc"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    JsonNode rpc(String method, Object... params) throws Exception {
        ObjectNode req = JSON.createObjectNode().put("jsonrpc", "2.0").put("method", method).put("id", 7);
        req.set("params", JSON.valueToTree(params));
        HttpResponse<String> r = post(req.toString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    JsonNode call(String method, Object... params) throws Exception {
        Object[] all = new Object[params.length + 1];
        all[0] = session;
        System.arraycopy(params, 0, all, 1, params.length);
        return rpc(method, all);
    }

    static JsonNode ok(JsonNode resp) {
        assertFalse(resp.has("error"), resp.toString());
        return resp.get("result");
    }

    /** The error of a v2 answer as [code, params...]. */
    static List<String> err(JsonNode resp) {
        JsonNode e = resp.get("error");
        assertEquals(1, e.get("code").asInt(), resp.toString());
        List<String> l = new ArrayList<>();
        l.add(e.get("message").asText());
        e.get("data").forEach(d -> l.add(d.asText()));
        return l;
    }

    Map<String, Object> vbd(String vm, String vdi, String userdevice, String mode, String type, boolean empty) {
        return Map.of("VM", vm, "VDI", vdi, "userdevice", userdevice, "bootable", false, "mode", mode, "type", type,
                "empty", empty, "other_config", Map.of(), "qos_algorithm_type", "", "qos_algorithm_params", Map.of());
    }

    @Test
    void wireFormatAsDocumented() throws Exception {
        HttpResponse<String> noId = post("{\"jsonrpc\":\"2.0\",\"method\":\"VM.get_all\",\"params\":[\"" + session + "\"]}");
        assertEquals(500, noId.statusCode());
        assertTrue(noId.body().startsWith("<html>"));
        assertEquals(500, post("{\"method\":\"VM.get_all\",\"params\":{},\"id\":1}").statusCode());
        assertEquals(500, post("not json").statusCode());
        JsonNode v1 = JSON.readTree(post("{\"method\":\"VM.get_all\",\"params\":[\"OpaqueRef:bad\"],\"id\":\"a\"}").body());
        assertTrue(v1.get("result").isNull());
        assertEquals("[\"SESSION_INVALID\",\"OpaqueRef:bad\"]", v1.get("error").toString());
        assertEquals("a", v1.get("id").asText());
        JsonNode v1ok = JSON.readTree(post("{\"method\":\"VM_get_all\",\"params\":[\"" + session + "\"],\"id\":2}").body());
        assertTrue(v1ok.get("error").isNull());
        assertEquals(2, v1ok.get("result").size(), "two control domains");
        assertEquals(List.of("MESSAGE_METHOD_UNKNOWN", "VM.frobnicate"), err(call("VM.frobnicate")));
        assertEquals(List.of("MESSAGE_PARAMETER_COUNT_MISMATCH", "VM.get_record", "2", "3"),
                err(call("VM.get_record", "a", "b")));
        assertEquals(List.of("SESSION_AUTHENTICATION_FAILED", "root", "Authentication failure"),
                err(rpc("session.login_with_password", "root", "wrong", "1.1", "x")));
        JsonNode member = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(xapi.memberUrl(0) + "/jsonrpc"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"method\":\"session.login_with_password\","
                        + "\"params\":[\"root\",\"" + StandIns.PASSWORD + "\"],\"id\":1}")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        assertEquals(List.of("HOST_IS_SLAVE", "127.0.0.1"), err(member));
    }

    @Test
    void vbdCreateChecksInTheDocumentedOrder() throws Exception {
        String sr = xapi.addSr("ext", "local", Map.of("device", "/dev/sdb"), Map.of());
        String disk = xapi.addVdi(sr, "disk", 1 << 20, null, Map.of("sm_config", Map.of("backend-kind", "vbd3")));
        String ro = xapi.addVdi(sr, "ro", 1 << 20, null, Map.of("read_only", true));
        String cbt = xapi.addVdi(sr, "cbt", 1 << 20, null, Map.of("type", "cbt_metadata"));
        String vm = xapi.addVm("vm", Map.of());
        xapi.addVbd(vm, disk, "0", Map.of());

        Map<String, Object> missing = new java.util.HashMap<>(vbd(vm, disk, "1", "RW", "Disk", false));
        missing.remove("qos_algorithm_params");
        assertEquals(List.of("INTERNAL_ERROR", "Server_helpers.Dispatcher_FieldNotFound(\"qos_algorithm_params\")"),
                err(call("VBD.create", missing)));
        assertEquals(List.of("VDI_INCOMPATIBLE_TYPE", cbt, "cbt_metadata"), err(call("VBD.create", vbd(vm, cbt, "1", "RW", "Disk", false))));
        assertEquals(List.of("VBD_CDS_MUST_BE_READONLY"), err(call("VBD.create", vbd(vm, disk, "1", "RW", "CD", false))));
        assertEquals(List.of("VDI_READONLY", ro), err(call("VBD.create", vbd(vm, ro, "1", "RW", "Disk", false))));
        assertEquals(List.of("DEVICE_ALREADY_EXISTS", "0"), err(call("VBD.create", vbd(vm, disk, "0", "rw", "disk", false))));
        assertEquals(List.of("INVALID_DEVICE", "xvda"), err(call("VBD.create", vbd(vm, disk, "xvda", "RW", "Disk", false))));
        assertEquals(List.of("HANDLE_INVALID", "VM", "OpaqueRef:nope"),
                err(call("VBD.create", vbd("OpaqueRef:nope", disk, "1", "RW", "Disk", false))));

        String cd = ok(call("VBD.create", vbd(vm, "OpaqueRef:NULL", "autodetect", "RO", "CD", true))).asText();
        assertEquals("1", xapi.db().get("VBD", cd).path("userdevice").asText());
        String second = ok(call("VBD.create", vbd(vm, disk, "2", "rw", "disk", false))).asText();
        JsonNode rec = ok(call("VBD.get_record", second));
        assertEquals("RW", rec.get("mode").asText(), "enums stored in the datamodel's spelling");
        assertEquals("vbd3", rec.get("other_config").get("backend-kind").asText());
        assertEquals(3, ok(call("VM.get_VBDs", vm)).size());
        assertTrue(ok(call("VDI.get_VBDs", disk)).toString().contains(second));
    }

    @Test
    void powerStatesAttachmentsAndBlockedOperations() throws Exception {
        String sr = xapi.addSr("ext", "local", Map.of("device", "/dev/sdb"), Map.of());
        String disk = xapi.addVdi(sr, "disk", 1 << 20, null, Map.of());
        String vm = xapi.addVm("vm", Map.of());
        String vbd = xapi.addVbd(vm, disk, "0", Map.of());
        String vmUuid = xapi.db().get("VM", vm).path("uuid").asText();
        String vbdUuid = xapi.db().get("VBD", vbd).path("uuid").asText();
        assertEquals(List.of("VM_BAD_POWER_STATE", vm, "running", "halted"), err(call("VBD.plug", vbd)));
        ok(call("VM.add_to_blocked_operations", vm, "start", "SMAPI_MIGRATE_RUNNING"));
        assertEquals(List.of("MAP_DUPLICATE_KEY", "VM", "blocked_operations", vm, "start"),
                err(call("VM.add_to_blocked_operations", vm, "start", "X")));
        assertEquals(List.of("OPERATION_BLOCKED", vm, "SMAPI_MIGRATE_RUNNING"), err(call("VM.start", vm, false, false)));
        ok(call("VM.remove_from_blocked_operations", vm, "start"));
        ok(call("VM.start", vm, false, false));
        assertEquals(List.of("VM_BAD_POWER_STATE", vm, "halted", "running"), err(call("VM.start", vm, false, false)));
        assertTrue(ok(call("VBD.get_currently_attached", vbd)).asBoolean());
        assertEquals(List.of("OPERATION_NOT_ALLOWED", "VBD '" + vbdUuid + "' still attached to '" + vmUuid + "'"),
                err(call("VBD.destroy", vbd)));
        assertEquals(List.of("VDI_IN_USE", disk, "destroy"), err(call("VDI.destroy", disk)));
        ok(call("VBD.unplug", vbd));
        ok(call("VBD.plug", vbd));
        ok(call("VM.hard_shutdown", vm));
        assertFalse(ok(call("VBD.get_currently_attached", vbd)).asBoolean());
        ok(call("VDI.destroy", disk));
        assertEquals(List.of("HANDLE_INVALID", "VBD", vbd), err(call("VBD.get_record", vbd)),
                "VDI.destroy also destroys the unattached VBDs that reference it");
        assertEquals(0, ok(call("VM.get_VBDs", vm)).size());
    }

    @Test
    void srScanOfASmapiV3SrAsksThePlugin() throws Exception {
        Path pluginDir = StandIns.bundledPluginRoot().resolve("volume").resolve(StandIns.DIRVOL);
        Path srDir = Files.createDirectories(dir.resolve("v3"));
        String sr = xapi.createSmapiV3Sr(pluginDir, StandIns.DIRVOL, "v3", srDir);
        // Volumes made behind XAPI's back, through the plugin itself.
        String srKey = plugin(pluginDir, "SR.attach", Map.of("configuration", Map.of("path", srDir.toString()))).asText();
        JsonNode a = plugin(pluginDir, "Volume.create", Map.of("sr", srKey, "name", "alpha", "description", "first",
                "size", 1 << 20, "sharable", false));
        JsonNode b = plugin(pluginDir, "Volume.create", Map.of("sr", srKey, "name", "beta", "description", "",
                "size", 2 << 20, "sharable", false));
        plugin(pluginDir, "Volume.set", Map.of("sr", srKey, "key", b.get("key").asText(), "k", "is_a_snapshot", "v", "true"));
        plugin(pluginDir, "Volume.set", Map.of("sr", srKey, "key", b.get("key").asText(), "k", "snapshot_of",
                "v", a.get("key").asText()));
        plugin(pluginDir, "Volume.set", Map.of("sr", srKey, "key", b.get("key").asText(), "k", "snapshot_time",
                "v", "20240102T03:04:05Z"));
        plugin(pluginDir, "Volume.set", Map.of("sr", srKey, "key", b.get("key").asText(), "k", "vdi-type", "v", "system"));
        ok(call("SR.scan", sr));
        String va = ok(call("VDI.get_by_uuid", a.get("uuid").asText())).asText();
        String vb = ok(call("VDI.get_by_uuid", b.get("uuid").asText())).asText();
        JsonNode ra = ok(call("VDI.get_record", va));
        JsonNode rb = ok(call("VDI.get_record", vb));
        assertEquals("alpha", ra.get("name_label").asText());
        assertEquals("first", ra.get("name_description").asText());
        assertEquals(a.get("key").asText(), ra.get("location").asText());
        assertEquals(1 << 20, ra.get("virtual_size").asLong());
        assertEquals("user", ra.get("type").asText());
        assertTrue(rb.get("is_a_snapshot").asBoolean());
        assertEquals(va, rb.get("snapshot_of").asText(), "snapshot_of resolved from the parent's volume key");
        assertEquals("20240102T03:04:05Z", rb.get("snapshot_time").asText());
        assertEquals("system", rb.get("type").asText());
        assertTrue(ok(call("VDI.get_snapshots", va)).toString().contains(vb));

        // XAPI-only fields survive a scan; names come back from the volume on every scan.
        ok(call("VDI.set_other_config", va, Map.of("k", "v")));
        ok(call("VDI.add_tags", va, "t1"));
        ObjectNode before = xapi.dump();
        plugin(pluginDir, "Volume.set_name", Map.of("sr", srKey, "key", a.get("key").asText(), "new_name", "renamed"));
        plugin(pluginDir, "Volume.destroy", Map.of("sr", srKey, "key", b.get("key").asText()));
        ok(call("SR.scan", sr));
        ObjectNode after = xapi.dump();
        JsonNode ra2 = ok(call("VDI.get_record", va));
        assertEquals("renamed", ra2.get("name_label").asText());
        assertEquals("{\"k\":\"v\"}", ra2.get("other_config").toString());
        assertEquals("[\"t1\"]", ra2.get("tags").toString());
        assertEquals(List.of("HANDLE_INVALID", "VDI", vb), err(call("VDI.get_record", vb)), "a VDI whose volume is gone");
        // A name set through XAPI goes to the volume, so the next scan keeps it.
        ok(call("VDI.set_name_description", va, "set through XAPI"));
        ok(call("SR.scan", sr));
        assertEquals("set through XAPI", ok(call("VDI.get_name_description", va)).asText());
        assertEquals("set through XAPI", plugin(pluginDir, "Volume.stat", Map.of("sr", srKey, "key",
                a.get("key").asText())).get("description").asText());
        // The dump diff is exactly: a's name, b gone, a's snapshots and the SR's VDIs without b
        // (and the SR's sizes, which SR.stat of a real directory may move).
        java.util.Set<String> d = new java.util.TreeSet<>(diff(before, after));
        d.removeIf(p -> p.equals("SR/" + sr + "/physical_utilisation") || p.equals("SR/" + sr + "/physical_size"));
        assertEquals(new java.util.TreeSet<>(List.of("VDI/" + va + "/name_label", "VDI/" + vb + " removed",
                "VDI/" + va + "/snapshots", "SR/" + sr + "/VDIs")), d);
    }

    /** Paths that differ between two dumps: class/ref/field, or class/ref added/removed. */
    static List<String> diff(JsonNode before, JsonNode after) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> c = before.fieldNames(); c.hasNext(); ) {
            String cls = c.next();
            JsonNode b = before.get(cls);
            JsonNode a = after.get(cls);
            for (Iterator<String> r = b.fieldNames(); r.hasNext(); ) {
                String ref = r.next();
                if (!a.has(ref)) {
                    out.add(cls + "/" + ref + " removed");
                    continue;
                }
                for (Iterator<String> f = b.get(ref).fieldNames(); f.hasNext(); ) {
                    String field = f.next();
                    if (!b.get(ref).get(field).equals(a.get(ref).get(field))) {
                        out.add(cls + "/" + ref + "/" + field);
                    }
                }
            }
            for (Iterator<String> r = a.fieldNames(); r.hasNext(); ) {
                String ref = r.next();
                if (!b.has(ref)) {
                    out.add(cls + "/" + ref + " added");
                }
            }
        }
        return out;
    }

    @Test
    void aScanThatWouldReuseAUuidFailsWhole() throws Exception {
        Path pluginDir = StandIns.bundledPluginRoot().resolve("volume").resolve(StandIns.DIRVOL);
        Path srDir = Files.createDirectories(dir.resolve("v3"));
        String sr = xapi.createSmapiV3Sr(pluginDir, StandIns.DIRVOL, "v3", srDir);
        String srKey = plugin(pluginDir, "SR.attach", Map.of("configuration", Map.of("path", srDir.toString()))).asText();
        JsonNode a = plugin(pluginDir, "Volume.create", Map.of("sr", srKey, "name", "alpha", "description", "",
                "size", 1 << 20, "sharable", false));
        String other = xapi.addSr("ext", "local", Map.of("device", "/dev/sdb"), Map.of());
        xapi.addVdi(other, "clash", 1 << 20, null, Map.of("uuid", a.get("uuid").asText()));
        ObjectNode before = xapi.dump();
        List<String> e = err(call("SR.scan", sr));
        assertEquals("INTERNAL_ERROR", e.get(0));
        assertTrue(e.get(1).contains(a.get("uuid").asText()), e.toString());
        assertEquals(before, xapi.dump(), "nothing changed");
    }

    @Test
    void asyncTasksFaultsAndTheDump() throws Exception {
        String vm = xapi.addVm("vm", Map.of());
        String task = ok(call("Async.VM.start", vm, false, false)).asText();
        assertEquals("pending", ok(call("task.get_status", task)).asText());
        assertEquals("pending", ok(call("task.get_status", task)).asText());
        JsonNode done = ok(call("task.get_record", task));
        assertEquals("success", done.get("status").asText());
        assertEquals("Running", ok(call("VM.get_power_state", vm)).asText());
        String failing = ok(call("Async.VM.start", vm, false, false)).asText();
        for (int i = 0; i < 2; i++) {
            call("task.get_progress", failing);
        }
        assertEquals("[\"VM_BAD_POWER_STATE\",\"" + vm + "\",\"halted\",\"running\"]",
                ok(call("task.get_error_info", failing)).toString());
        xapi.faults().failOnCall("VM.get_name_label", 2, "SR_BACKEND_FAILURE_44", "", "SRNoSpace", "");
        assertEquals("vm", ok(call("VM.get_name_label", vm)).asText());
        assertEquals(List.of("SR_BACKEND_FAILURE_44", "", "SRNoSpace", ""), err(call("VM.get_name_label", vm)));
        assertEquals("vm", ok(call("VM.get_name_label", vm)).asText());
        JsonNode dump = xapi.dumpAll();
        assertEquals(List.of("pool", "host", "SM", "SR", "PBD", "VDI", "VM", "VBD", "session", "task"),
                iter(dump.fieldNames()));
        assertEquals("Running", dump.get("VM").get(vm).get("power_state").asText());
        assertTrue(dump.get("SM").toString().contains("\"required_api_version\":\"5.0\""), "the plugin is registered");
        assertFalse(dump.toString().contains(StandIns.PASSWORD));
    }

    @Test
    void vmSnapshotsCopyDisksKeepCdsAndSurviveAScanOnSmapiV3() throws Exception {
        ExamplePool p = ExamplePool.build(xapi, dir);
        // Small disks here: the test compares every byte of the copies.
        ok(call("VDI.destroy", p.rootDisk));
        ok(call("VDI.destroy", p.dataDisk));
        p.rootDisk = xapi.addVdi(p.fileSr, "root", 1 << 20, null, Map.of());
        p.dataDisk = xapi.addVdi(p.lvmSr, "data", 2 << 20, null, Map.of());
        xapi.addVbd(p.app, p.rootDisk, "0", Map.of("bootable", true));
        xapi.addVbd(p.app, p.dataDisk, "1", Map.of());
        Files.write(xapi.vdiData(p.rootDisk), "boot sector".getBytes(), java.nio.file.StandardOpenOption.WRITE);
        String snap = ok(call("VM.snapshot", p.app, "before upgrade")).asText();
        JsonNode vm = ok(call("VM.get_record", snap));
        assertTrue(vm.get("is_a_snapshot").asBoolean() && vm.get("is_a_template").asBoolean());
        assertEquals(p.app, vm.get("snapshot_of").asText());
        assertEquals("Halted", vm.get("power_state").asText());
        assertEquals(3, vm.get("VBDs").size());
        assertTrue(ok(call("VM.get_snapshots", p.app)).toString().contains(snap));
        for (JsonNode v : vm.get("VBDs")) {
            JsonNode vbd = ok(call("VBD.get_record", v.asText()));
            if (vbd.get("type").asText().equals("CD")) {
                assertTrue(vbd.get("empty").asBoolean());
                continue;
            }
            JsonNode vdi = ok(call("VDI.get_record", vbd.get("VDI").asText()));
            assertTrue(vdi.get("is_a_snapshot").asBoolean());
            String of = vdi.get("snapshot_of").asText();
            assertTrue(of.equals(p.rootDisk) || of.equals(p.dataDisk), of);
            assertEquals(ok(call("VDI.get_name_label", of)).asText(), vdi.get("name_label").asText());
            assertEquals(Files.mismatch(xapi.vdiData(of), xapi.vdiData(vbd.get("VDI").asText())), -1L, "same bytes");
            assertEquals("", vbd.get("other_config").get("owner").asText());
        }
        // On a SMAPIv3 SR the snapshot is a volume with the snapshot keys, so a scan keeps it.
        String v3disk = ok(call("VDI.create", Map.of("name_label", "v3 disk", "name_description", "", "SR", p.v3Sr,
                "virtual_size", 1 << 20, "type", "user", "sharable", false, "read_only", false,
                "other_config", Map.of()))).asText();
        String s3 = ok(call("VDI.snapshot", v3disk)).asText();
        ok(call("SR.scan", p.v3Sr));
        JsonNode after = ok(call("VDI.get_record", s3));
        assertTrue(after.get("is_a_snapshot").asBoolean());
        assertEquals(v3disk, after.get("snapshot_of").asText());
        assertEquals("v3 disk", after.get("name_label").asText());
        assertTrue(after.get("read_only").asBoolean(), "the bundled plugin's snapshots are read-only volumes");
        assertEquals(List.of("VDI_IS_SHARABLE", p.rootDisk), err(call("VDI.snapshot", pSharable(p))));
    }

    private String pSharable(ExamplePool p) throws Exception {
        ok(call("VDI.set_sharable", p.rootDisk, true));
        return p.rootDisk;
    }

    static List<String> iter(Iterator<String> it) {
        List<String> l = new ArrayList<>();
        it.forEachRemaining(l::add);
        return l;
    }

    static JsonNode plugin(Path dir, String method, Map<String, Object> params) {
        Map<String, Object> p = new java.util.LinkedHashMap<>(params);
        p.put("dbg", "test");
        return PluginExecutable.call(dir, method, p);
    }

}
