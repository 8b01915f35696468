package org.smapimigrate.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundled volume plugin, called only through the protocol, behaves as the interface says. */
class BundledVolumePluginTest {
    @TempDir
    Path tmp;
    VolumePlugin plugin;
    String sr;
    Path srDir;

    @BeforeEach
    void createSr() throws IOException {
        plugin = BundledPlugins.root().volumePlugin(BundledPlugins.VOLUME_PLUGIN);
        srDir = tmp.resolve("sr");
        Map<String, String> config = plugin.srCreate("0f1e2d3c-0000-4000-8000-000000000001",
                Map.of("path", srDir.toString()), "test SR", "made by a test");
        assertEquals(srDir.toString(), config.get("path"));
        sr = plugin.srAttach(config);
    }

    @Test
    void queryIsHonestAboutItsMethods() throws IOException {
        QueryResult q = plugin.query();
        assertEquals("5.0", q.requiredApiVersion());
        assertTrue(q.configuration().containsKey("path"));
        Map<String, String> needs = Map.of("SR_CREATE", "SR.create", "VDI_CREATE", "Volume.create",
                "VDI_DESTROY", "Volume.destroy", "VDI_RESIZE", "Volume.resize", "VDI_SNAPSHOT", "Volume.snapshot",
                "VDI_CLONE", "Volume.clone", "VDI_UPDATE", "Volume.stat", "SR_DELETE", "SR.destroy");
        for (var e : needs.entrySet()) {
            assertTrue(q.hasFeature(e.getKey()), e.getKey());
            assertTrue(plugin.has(e.getValue()), e.getValue());
        }
        assertFalse(q.hasFeature("VDI_MIRROR_IN"));
        assertFalse(plugin.has("Volume.compose"));
    }

    @Test
    void srStatAndSecondCreateRefused() throws IOException {
        SrStat s = plugin.srStat(sr);
        assertEquals("test SR", s.name());
        assertEquals("0f1e2d3c-0000-4000-8000-000000000001", s.uuid());
        assertTrue(s.health().healthy());
        assertTrue(s.totalSpace() > 0);
        PluginCallException e = assertThrows(PluginCallException.class,
                () -> plugin.srCreate("x", Map.of("path", srDir.toString()), "again", ""));
        assertEquals(PluginFailure.PLUGIN_ERROR, e.failure());
        PluginCallException e2 = assertThrows(PluginCallException.class,
                () -> plugin.srAttach(Map.of("path", tmp.resolve("nothing").toString())));
        assertTrue(e2.is("SR_does_not_exist"), e2.getMessage());
    }

    @Test
    void volumeLifecycleMetadataAndListing() throws IOException {
        Volume v = plugin.volumeCreate(sr, "disk A", "first", 5L << 20, false);
        assertEquals(5L << 20, v.virtualSize());
        assertEquals(v.key(), plugin.volumeStat(sr, v.key()).key());
        assertEquals("raw+file", Volume.schemeOf(v.uri().get(0)));
        assertTrue(plugin.volumeSet(sr, v.key(), "vdi-type", "user"));
        assertTrue(plugin.volumeSet(sr, v.key(), "scratch", "1"));
        assertTrue(plugin.volumeUnset(sr, v.key(), "scratch"));
        plugin.volumeSetName(sr, v.key(), "disk A renamed");
        plugin.volumeSetDescription(sr, v.key(), "second");
        plugin.volumeResize(sr, v.key(), 6L << 20);
        Volume after = plugin.volumeStat(sr, v.key());
        assertEquals(v.key(), after.key(), "the key is stable");
        assertEquals("disk A renamed", after.name());
        assertEquals("second", after.description());
        assertEquals(Map.of("vdi-type", "user"), after.keys());
        assertEquals(6L << 20, after.virtualSize());

        PluginCallException shrink = assertThrows(PluginCallException.class,
                () -> plugin.volumeResize(sr, v.key(), 1L << 20));
        assertEquals("SR_BACKEND_FAILURE_79", shrink.code());
        assertEquals(List.of("VDI Invalid size", "shrinking not allowed"), shrink.params());

        Volume w = plugin.volumeCreate(sr, "disk B", "", 0, false);
        List<Volume> all = plugin.srLs(sr);
        assertEquals(2, all.size());
        assertTrue(all.stream().anyMatch(x -> x.name().equals("disk A renamed") && x.keys().equals(after.keys())));
        plugin.volumeDestroy(sr, w.key());
        plugin.volumeDestroy(sr, v.key());
        assertEquals(List.of(), plugin.srLs(sr));
        PluginCallException gone = assertThrows(PluginCallException.class, () -> plugin.volumeStat(sr, v.key()));
        assertTrue(gone.is("Volume_does_not_exist"));
        plugin.srDetach(sr);
        plugin.srDestroy(sr);
    }

    @Test
    void parametersAreStrictlyTyped() throws IOException {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("dbg", "t");
        p.put("sr", sr);
        p.put("name", "n");
        p.put("description", "");
        p.put("size", "1048576");
        p.put("sharable", false);
        PluginCallException e = assertThrows(PluginCallException.class,
                () -> plugin.client().call("Volume.create", p));
        assertTrue(e.is("TypeError"), e.getMessage());
        p.put("size", 1048576L);
        p.put("sharable", "false");
        assertTrue(assertThrows(PluginCallException.class, () -> plugin.client().call("Volume.create", p))
                .is("TypeError"));
        p.remove("sharable");
        assertTrue(assertThrows(PluginCallException.class, () -> plugin.client().call("Volume.create", p))
                .is("UnmarshalException"));
        assertEquals(List.of(), plugin.srLs(sr), "no volume was created by the refused calls");
    }

    @Test
    void snapshotAndCloneCopyContentAndKeepHoles() throws Exception {
        long size = 64L << 20;
        Volume v = plugin.volumeCreate(sr, "sparse", "", size, false);
        plugin.volumeSet(sr, v.key(), "vdi-type", "user");
        Path data = Path.of(java.net.URI.create(v.uri().get(0)).getPath());
        byte[] pattern = new byte[1 << 20];
        new java.util.Random(7).nextBytes(pattern);
        try (FileChannel ch = FileChannel.open(data, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(pattern), 3L << 20);
            ch.write(ByteBuffer.wrap(pattern), size - pattern.length);
        }
        String want = sha256(data);
        Volume snap = plugin.volumeSnapshot(sr, v.key());
        Volume clone = plugin.volumeClone(sr, v.key());
        for (Volume copy : List.of(snap, clone)) {
            assertNotEquals(v.key(), copy.key());
            Path p = Path.of(java.net.URI.create(copy.uri().get(0)).getPath());
            assertEquals(want, sha256(p));
            assertEquals(Map.of("vdi-type", "user"), copy.keys());
            assertTrue(allocatedBytes(p) <= 4L << 20, "holes stay holes: " + allocatedBytes(p) + " bytes allocated");
        }
        assertFalse(snap.readWrite());
        assertTrue(clone.readWrite());
    }

    static long allocatedBytes(Path p) throws IOException, InterruptedException {
        Process proc = new ProcessBuilder("stat", "-c", "%b %B", p.toString()).start();
        String[] out = new String(proc.getInputStream().readAllBytes()).trim().split(" ");
        proc.waitFor();
        return Long.parseLong(out[0]) * Long.parseLong(out[1]);
    }

    static String sha256(Path p) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(p)) {
            byte[] buf = new byte[1 << 20];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
