package org.smapimigrate.live.xapi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.smapimigrate.datapath.VolumeAttachment;
import org.smapimigrate.disk.DiskSink;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.migrate.TargetSr;
import org.smapimigrate.plugin.PluginRoot;
import org.smapimigrate.plugin.Volume;
import org.smapimigrate.testing.Corpus;
import org.smapimigrate.xapi.XapiCredentials;
import org.smapimigrate.xapi.XapiEndpoint;
import org.smapimigrate.xapi.XapiSession;
import org.smapimigrate.xapi.standin.StandIns;
import org.smapimigrate.xapi.standin.XapiStandIn;
import org.smapimigrate.xapi.transport.TlsTrust;

/**
 * A pool in the XAPI stand-in for live tests: an ext SR holding the 16 MiB disk of a running VM
 * "db" (VBD at userdevice 0, attached, the VM resident on the master; its data file starts with
 * random content), and a SMAPIv3 SR of the bundled plugin as the target. Helpers read a target
 * volume back through the plugin's datapath and hash the stand-in's raw files with sha256sum.
 */
final class LiveXapiPool implements AutoCloseable {
    static final long MIB = 1 << 20;
    static final long DISK_SIZE = 16 * MIB;

    final XapiStandIn xapi;
    final Path dir;
    final String sr;
    final String v3Sr;
    final String vm;
    final String vmUuid;
    final String disk;
    final String diskUuid;
    final Path passwordFile;

    LiveXapiPool(Path dir) throws IOException {
        this.dir = dir;
        this.xapi = StandIns.pool(dir).taskSteps(1).start(); // tasks done on their first read: fast tests
        sr = xapi.addSr("ext", "Local storage", Map.of("device", "/dev/sda3"), Map.of());
        v3Sr = xapi.createSmapiV3Sr(StandIns.bundledPluginRoot().resolve("volume").resolve(StandIns.DIRVOL),
                StandIns.DIRVOL, "SMAPIv3 target", Files.createDirectories(dir.resolve("v3-sr")));
        Path content = dir.resolve("db-disk.raw");
        byte[] seed = new byte[(int) DISK_SIZE];
        new java.util.Random(7).nextBytes(seed);
        java.util.Arrays.fill(seed, (int) (8 * MIB), (int) (12 * MIB), (byte) 0); // a hole-like run of zeros
        Files.write(content, seed);
        disk = xapi.addVdi(sr, "db disk", DISK_SIZE, content, Map.of("name_description", "database",
                "tags", List.of("prod"), "other_config", Map.of("folder", "/db")));
        diskUuid = xapi.db().get("VDI", disk).path("uuid").asText();
        vm = xapi.addVm("db", Map.of("power_state", "Running", "resident_on", xapi.masterRef()));
        vmUuid = xapi.db().get("VM", vm).path("uuid").asText();
        xapi.addVbd(vm, disk, "0", Map.of("currently_attached", true, "bootable", true, "device", "xvda"));
        passwordFile = Files.writeString(dir.resolve("xapi-password"), StandIns.PASSWORD + "\n");
    }

    XapiSession login() throws IOException {
        return XapiSession.login(XapiEndpoint.parse(xapi.url(), TlsTrust.caFile(StandIns.pki().poolCa().caPem())),
                XapiCredentials.resolve("root", null, Map.of(XapiCredentials.PASSWORD_ENV, StandIns.PASSWORD)));
    }

    TargetSr target() throws IOException {
        JsonNode v3 = xapi.db().get("SR", v3Sr);
        JsonNode pbd = xapi.db().get("PBD", v3.get("PBDs").get(0).asText());
        Map<String, String> config = new TreeMap<>();
        pbd.get("device_config").fields().forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
        return TargetSr.attach(new PluginRoot(StandIns.bundledPluginRoot(), Duration.ofSeconds(60)), StandIns.DIRVOL,
                config);
    }

    /** sha256 of a target volume's first {@code size} bytes, read through the plugin's datapath. */
    String volumeSha256(String key, long size) throws IOException {
        TargetSr t = target();
        Volume v = t.plugin().volumeStat(t.sr(), key);
        try (VolumeAttachment a = VolumeAttachment.attach(t.root(), v, VolumeAttachment.dom0Domain("test"));
             VirtualDisk d = a.openReader(size)) {
            return Corpus.sha256(d);
        }
    }

    /** sha256sum of a stand-in VDI's raw file (the third-party hash, never our reader). */
    String rawSha256(String vdiRef) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sha256sum", xapi.vdiData(vdiRef).toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out.substring(0, 64);
    }

    /** VDIs with is_a_snapshot in the stand-in's database. */
    List<String> snapshotVdis() {
        List<String> out = new ArrayList<>();
        xapi.db().all("VDI").forEach((ref, row) -> {
            if (row.path("is_a_snapshot").asBoolean()) {
                out.add(row.path("uuid").asText());
            }
        });
        return out;
    }

    /** The VDI uuid behind the VM's userdevice 0. */
    String vdiAtDevice0() {
        for (JsonNode v : xapi.db().get("VM", vm).path("VBDs")) {
            JsonNode b = xapi.db().get("VBD", v.asText());
            if (b.path("userdevice").asText().equals("0")) {
                return xapi.db().get("VDI", b.path("VDI").asText()).path("uuid").asText();
            }
        }
        return null;
    }

    /** Copies {@code [offset, offset+length)} from {@code from} to {@code to}, 1 MiB at a time. */
    static void copy(VirtualDisk from, DiskSink to, long offset, long length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect((int) MIB);
        for (long at = offset; at < offset + length; ) {
            int n = (int) Math.min(MIB, offset + length - at);
            buf.clear().limit(n);
            from.read(buf, at);
            buf.flip();
            to.write(buf, at);
            at += n;
        }
    }

    @Override
    public void close() {
        xapi.close();
    }
}
