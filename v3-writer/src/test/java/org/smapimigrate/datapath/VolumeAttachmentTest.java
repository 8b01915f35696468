package org.smapimigrate.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.disk.DiskSink;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.plugin.BundledPlugins;
import org.smapimigrate.plugin.Implementation;
import org.smapimigrate.plugin.PluginCallException;
import org.smapimigrate.plugin.PluginRoot;
import org.smapimigrate.plugin.Volume;
import org.smapimigrate.plugin.VolumePlugin;

class VolumeAttachmentTest {
    @TempDir
    Path tmp;
    PluginRoot root;
    VolumePlugin plugin;
    String sr;

    @BeforeEach
    void sr() throws IOException {
        root = BundledPlugins.root();
        plugin = root.volumePlugin(BundledPlugins.VOLUME_PLUGIN);
        sr = plugin.srAttach(plugin.srCreate("u", Map.of("path", tmp.resolve("sr").toString()), "n", ""));
    }

    @Test
    void domainFollowsXapi() {
        assertEquals("u0_smapi_migrate_0a1b_2c", VolumeAttachment.dom0Domain("smapi-migrate/0a1b-2c"));
    }

    @Test
    void writeAndReadBackThroughTheFileImplementationThenRelease() throws IOException {
        Volume v = plugin.volumeStat(sr, plugin.volumeCreate(sr, "v", "", 4L << 20, false).key());
        Path state = tmp.resolve("sr").resolve(v.key() + ".datapath");
        byte[] bytes = "hello, volume".getBytes();
        try (VolumeAttachment a = VolumeAttachment.attach(root, v, VolumeAttachment.dom0Domain("test/" + v.key()))) {
            assertEquals("raw+file", a.scheme());
            assertInstanceOf(Implementation.File.class, a.implementation());
            assertTrue(Files.exists(state), "the datapath keeps state while attached");
            PluginCallException inUse = assertThrows(PluginCallException.class, () -> plugin.volumeDestroy(sr, v.key()));
            assertTrue(inUse.params().contains("VDIInUse"), inUse.getMessage());
            try (DiskSink sink = a.openSink(4L << 20, true)) {
                assertTrue(sink.unwrittenReadsAsZero());
                sink.write(ByteBuffer.wrap(bytes), 1L << 20);
                sink.flush();
            }
            try (VirtualDisk r = a.openReader(4L << 20)) {
                ByteBuffer got = ByteBuffer.allocate(bytes.length);
                r.read(got, 1L << 20);
                assertEquals(ByteBuffer.wrap(bytes), got.flip());
            }
        }
        assertFalse(Files.exists(state), "deactivate, detach and close ran");
        plugin.volumeDestroy(sr, v.key());
    }

    @Test
    void bundledDatapathAlsoWorksInXapisOrderWithoutOpenAndClose() throws IOException {
        Volume v = plugin.volumeCreate(sr, "v", "", 1 << 20, false);
        Path state = tmp.resolve("sr").resolve(v.key() + ".datapath");
        var dp = root.datapathPlugin("raw+file");
        String uri = v.uri().get(0);
        assertInstanceOf(Implementation.File.class, dp.attach(uri, "u0_a").implementations().get(0));
        dp.activate(uri, "u0_a");
        PluginCallException busy = assertThrows(PluginCallException.class, () -> {
            dp.attach(uri, "u0_b");
            dp.activate(uri, "u0_b");
        });
        assertTrue(busy.params().contains("VDIInUse"), busy.getMessage());
        PluginCallException order = assertThrows(PluginCallException.class, () -> dp.detach(uri, "u0_a"));
        assertEquals("SR_BACKEND_FAILURE_46", order.code(), "detach while active is refused");
        dp.deactivate(uri, "u0_a");
        dp.detach(uri, "u0_a");
        dp.detach(uri, "u0_b");
        assertFalse(Files.exists(state), "nothing attached: no state left");
        plugin.volumeDestroy(sr, v.key());
    }

    @Test
    void datapathWithoutOpenAndCloseIsAttachedWithoutThem() throws Exception {
        Path fakeRoot = tmp.resolve("fake");
        Files.createDirectories(fakeRoot.resolve("volume"));
        Path log = tmp.resolve("calls.log");
        Path dir = fakeRoot.resolve("datapath").resolve("raw+file");
        Path target = tmp.resolve("target.raw");
        Files.write(target, new byte[4096]);
        for (String m : List.of("Datapath.activate", "Datapath.deactivate", "Datapath.detach")) {
            org.smapimigrate.plugin.FakePluginAccess.script(dir, m,
                    "echo \"$(basename \"$0\")\" >> " + log + "; cat >/dev/null; echo null");
        }
        org.smapimigrate.plugin.FakePluginAccess.script(dir, "Datapath.attach",
                "echo \"$(basename \"$0\")\" >> " + log + "; cat >/dev/null; "
                        + "echo '{\"implementations\":[[\"File\",{\"path\":\"" + target + "\"}]]}'");
        PluginRoot fake = new PluginRoot(fakeRoot, java.time.Duration.ofSeconds(30));
        Volume v = new Volume("k", null, "n", "", true, false, 4096, 0, List.of("raw+file:///x.raw"), Map.of(),
                null, null);
        try (VolumeAttachment a = VolumeAttachment.attach(fake, v, "u0_t"); DiskSink s = a.openSink(4096, false)) {
            s.write(ByteBuffer.wrap(new byte[] {1}), 0);
        }
        assertEquals(List.of("Datapath.attach", "Datapath.activate", "Datapath.deactivate", "Datapath.detach"),
                Files.readAllLines(log));
        assertEquals(1, Files.readAllBytes(target)[0]);
    }

    @Test
    void choosesTheFirstUriWithADatapath() throws IOException {
        Volume real = plugin.volumeCreate(sr, "v", "", 1 << 20, false);
        Volume v = new Volume(real.key(), real.uuid(), real.name(), "", true, false, real.virtualSize(), 0,
                List.of("tapdisk://zfs-vol//x|y", real.uri().get(0)), Map.of(), null, null);
        assertEquals(real.uri().get(0), VolumeAttachment.chooseUri(root, v));
        Volume none = new Volume(real.key(), null, "n", "", true, false, 1, 0, List.of("tapdisk://x"), Map.of(),
                null, null);
        assertThrows(NoUsableImplementationException.class, () -> VolumeAttachment.chooseUri(root, none));
    }

    @Test
    void sinkRefusesWritesPastTheVolume() throws IOException {
        Volume v = plugin.volumeCreate(sr, "v", "", 1 << 20, false);
        try (VolumeAttachment a = VolumeAttachment.attach(root, v, "u0_t");
             DiskSink sink = a.openSink(1 << 20, true)) {
            assertThrows(IOException.class, () -> sink.write(ByteBuffer.allocate(2), (1 << 20) - 1));
            assertThrows(IOException.class, () -> a.openSink(2 << 20, true));
        }
    }
}
