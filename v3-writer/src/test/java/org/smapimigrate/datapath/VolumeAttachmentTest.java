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
