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
 * random content), and a SMAPIv3 SR of the bundled plugin as the target. With more disks, the
 * first is 8 MiB and each further disk 4 MiB of random content at userdevice 1, 2, ..., and the VM
 * also has an empty CD drive (which a migration leaves alone). Helpers read a target
 * volume back through the plugin's datapath and hash the stand-in's raw files with sha256sum.
 */
public final class LiveXapiPool implements AutoCloseable {
    public static final long MIB = 1 << 20;
    public static final long DISK_SIZE = 16 * MIB;
    /** With several disks (small, so that the tests of a VM of several disks stay fast): the first disk's size. */
    public static final long FIRST_OF_SEVERAL = 8 * MIB;
    /** With several disks: the size of the disks after the first. */
    public static final long MORE_SIZE = 4 * MIB;

    public final XapiStandIn xapi;
    public final Path dir;
    public final String sr;
    public final String v3Sr;
    public final String vm;
    public final String vmUuid;
    public final String disk;
    public final String diskUuid;
    public final Path passwordFile;
    /** Every disk of the VM (VDI refs, userdevice order; the first is {@link #disk}) and their uuids. */
    public final List<String> disks = new ArrayList<>();
    public final List<String> diskUuids = new ArrayList<>();
    /** Their sizes in bytes. */
    public final List<Long> sizes = new ArrayList<>();

    public LiveXapiPool(Path dir) throws IOException {
        this(dir, 1);
    }

    /** The pool with a VM of {@code count} disks. */
    public LiveXapiPool(Path dir, int count) throws IOException {
        this.dir = dir;
        this.xapi = StandIns.pool(dir).taskSteps(1).start(); // tasks done on their first read: fast tests
        sr = xapi.addSr("ext", "Local storage", Map.of("device", "/dev/sda3"), Map.of());
        v3Sr = xapi.createSmapiV3Sr(StandIns.bundledPluginRoot().resolve("volume").resolve(StandIns.DIRVOL),
                StandIns.DIRVOL, "SMAPIv3 target", Files.createDirectories(dir.resolve("v3-sr")));
        Path content = dir.resolve("db-disk.raw");
        long first = count == 1 ? DISK_SIZE : FIRST_OF_SEVERAL;
        byte[] seed = new byte[(int) first];
        new java.util.Random(7).nextBytes(seed);
        java.util.Arrays.fill(seed, (int) (first / 2), (int) (first * 3 / 4), (byte) 0); // a hole-like run of zeros
        Files.write(content, seed);
        sizes.add(first);
        disk = xapi.addVdi(sr, "db disk", first, content, Map.of("name_description", "database",
                "tags", List.of("prod"), "other_config", Map.of("folder", "/db")));
        diskUuid = xapi.db().get("VDI", disk).path("uuid").asText();
        vm = xapi.addVm("db", Map.of("power_state", "Running", "resident_on", xapi.masterRef()));
        vmUuid = xapi.db().get("VM", vm).path("uuid").asText();
        xapi.addVbd(vm, disk, "0", Map.of("currently_attached", true, "bootable", true, "device", "xvda"));
        disks.add(disk);
        diskUuids.add(diskUuid);
        for (int i = 1; i < count; i++) {
            Path more = dir.resolve("db-disk-" + i + ".raw");
            byte[] b = new byte[(int) MORE_SIZE];
            new java.util.Random(7 + i).nextBytes(b);
            Files.write(more, b);
            String ref = xapi.addVdi(sr, "db data " + i, MORE_SIZE, more, Map.of("other_config", Map.of("n", "" + i)));
            xapi.addVbd(vm, ref, "" + i, Map.of("currently_attached", true, "device", "xvd" + (char) ('a' + i)));
            disks.add(ref);
            sizes.add(MORE_SIZE);
            diskUuids.add(xapi.db().get("VDI", ref).path("uuid").asText());
        }
        if (count > 1) {
            xapi.addVbd(vm, null, "" + (count + 1), Map.of("type", "CD", "mode", "RO", "currently_attached", true));
        }
        passwordFile = Files.writeString(dir.resolve("xapi-password"), StandIns.PASSWORD + "\n");
    }

    public XapiSession login() throws IOException {
        return XapiSession.login(XapiEndpoint.parse(xapi.url(), TlsTrust.caFile(StandIns.pki().poolCa().caPem())),
                XapiCredentials.resolve("root", null, Map.of(XapiCredentials.PASSWORD_ENV, StandIns.PASSWORD)));
    }

    public TargetSr target() throws IOException {
        JsonNode v3 = xapi.db().get("SR", v3Sr);
        JsonNode pbd = xapi.db().get("PBD", v3.get("PBDs").get(0).asText());
        Map<String, String> config = new TreeMap<>();
        pbd.get("device_config").fields().forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
        return TargetSr.attach(new PluginRoot(StandIns.bundledPluginRoot(), Duration.ofSeconds(60)), StandIns.DIRVOL,
                config);
    }

    /** sha256 of a target volume's first {@code size} bytes, read through the plugin's datapath. */
    public String volumeSha256(String key, long size) throws IOException {
        TargetSr t = target();
        Volume v = t.plugin().volumeStat(t.sr(), key);
        try (VolumeAttachment a = VolumeAttachment.attach(t.root(), v, VolumeAttachment.dom0Domain("test"));
             VirtualDisk d = a.openReader(size)) {
            return Corpus.sha256(d);
        }
    }

    /** sha256sum of a stand-in VDI's raw file (the third-party hash, never our reader). */
    public String rawSha256(String vdiRef) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sha256sum", xapi.vdiData(vdiRef).toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out.substring(0, 64);
    }

    /** VDIs with is_a_snapshot in the stand-in's database. */
    public List<String> snapshotVdis() {
        List<String> out = new ArrayList<>();
        xapi.db().all("VDI").forEach((ref, row) -> {
            if (row.path("is_a_snapshot").asBoolean()) {
                out.add(row.path("uuid").asText());
            }
        });
        return out;
    }

    /** The VDI uuid behind the VM's userdevice 0. */
    public String vdiAtDevice0() {
        return vdiAtDevice("0");
    }

    /** The VDI uuid behind the VM's {@code userdevice}, or null. */
    public String vdiAtDevice(String userdevice) {
        for (JsonNode v : xapi.db().get("VM", vm).path("VBDs")) {
            JsonNode b = xapi.db().get("VBD", v.asText());
            if (b.path("userdevice").asText().equals(userdevice)) {
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
