package org.smapimigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.smapimigrate.lvm.ExternalCommand;
import org.smapimigrate.lvm.Lvm2Scratch;
import org.smapimigrate.vhd.VhdWriter;
import org.smapimigrate.xapi.standin.StandIns;
import org.smapimigrate.xapi.standin.XapiStandIn;

/**
 * ExamplePool's shape (issue 12's done-when) with real SMAPIv1 data behind its VDIs, under a host
 * root: a halted VM "app-server" with a disk on an ext (file) SR, one on an lvm SR, an empty CD,
 * and two snapshots; a running VM "db"; a template. Each disk is a real snapshot chain as SM
 * leaves it after two VM snapshots (base copy 1 -> {snapshot 1, base copy 2 -> {snapshot 2,
 * leaf}}), the base copies hidden and unmanaged in XAPI. VHDs are made with the project's
 * VhdWriter; the LVM SR is a real LVM2 PV made by lvm2 on a loop device (Lvm2Scratch), each VHD
 * laid into its LV as libvhd does on a block device. Sizes are small (16 and 24 MiB) so tests
 * stay fast; the stand-in's sizes are the VHDs' own.
 *
 * <p>Expected content comes from qemu: each VDI's writes replayed with qemu-io onto a raw file,
 * hashed with sha256sum; never from our reader.
 *
 * <p>The lvm2 work (loop device, PV, VG, LVs) and the qemu-io replays are done once per JVM
 * ({@link SharedData}, 2 to 4 s a fixture): the same writes give the same bytes each time. Every
 * fixture has its own copy of the PV image and of the contents, and writes its file SR's VHDs
 * itself, so the source files a test hashes before and after are its own.
 */
final class VmPoolFixture implements AutoCloseable {
    static final long MIB = 1 << 20;
    static final long ROOT_SIZE = 16 * MIB;
    static final long DATA_SIZE = 24 * MIB;

    final XapiStandIn xapi;
    final Path dir;
    final Path hostRoot;
    final Path passwordFile;
    String fileSr;
    String fileSrUuid;
    String lvmSr;
    String lvmSrUuid;
    String v3Sr;
    String app;
    String db;
    String rootDisk;
    String dataDisk;
    final List<String> snapshots = new ArrayList<>();
    /** Source VDI uuid to sha256 of its content, from qemu-io + sha256sum. */
    final Map<String, String> expected = new LinkedHashMap<>();
    /** Each VDI's content as a raw file, what the stand-in's HTTP export handler serves for it. */
    private final Map<String, Path> contents = new LinkedHashMap<>();
    /** Source files whose bytes must never change: every VHD of the file SR, the PV image. */
    final List<Path> sourceFiles = new ArrayList<>();

    /** One write: offset, length, pattern byte (qemu-io write -P). */
    record W(long offset, long length, int pattern) {
    }

    private static final List<List<W>> ROOT_LAYERS = List.of(
            List.of(new W(0, MIB, 0x11), new W(5 * MIB, 512 * 1024, 0x12)),
            List.of(new W(512 * 1024, MIB, 0x21)),
            List.of(new W(10 * MIB, 64 * 1024, 0x31), new W(15 * MIB + 512 * 1024, 4096, 0x32)));
    private static final List<List<W>> DATA_LAYERS = List.of(
            List.of(new W(2 * MIB, 3 * MIB, 0x41)),
            List.of(new W(4 * MIB, 2 * MIB, 0x51), new W(20 * MIB, 4096, 0x52)),
            List.of(new W(0, 4096, 0x61), new W(23 * MIB, MIB, 0x62)));

    /**
     * Made once per JVM: the VDI uuids (each chain's five, in {@link #chain} order), the LVM SR's
     * uuid (its VG's name is in the PV), the PV image as lvm2 laid it out with the data disk's
     * chain in its LVs, and qemu's content and SHA-256 of each VDI. Read only once made.
     */
    private static final class SharedData {
        final String[] root = uuids();
        final String[] data = uuids();
        final String lvmSrUuid = UUID.randomUUID().toString();
        final Map<String, String> expected = new LinkedHashMap<>();
        final Map<String, Path> contents = new LinkedHashMap<>();
        Path pvImage;
    }

    private static SharedData shared;

    private static synchronized SharedData shared() throws Exception {
        if (shared == null) {
            Path d = Files.createTempDirectory("smapi-vm-pool-fixture");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(d)));
            SharedData s = new SharedData();
            s.pvImage = lvmImage(d, s.lvmSrUuid, s.data);
            expect(d, s.root, ROOT_SIZE, ROOT_LAYERS, s.expected, s.contents);
            expect(d, s.data, DATA_SIZE, DATA_LAYERS, s.expected, s.contents);
            shared = s;
        }
        return shared;
    }

    private static void deleteTree(Path d) {
        try (var files = Files.walk(d)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            // a temporary directory left behind at JVM exit
        }
    }

    private VmPoolFixture(XapiStandIn xapi, Path dir) throws IOException {
        this.xapi = xapi;
        this.dir = dir;
        this.hostRoot = Files.createDirectories(dir.resolve("host"));
        this.passwordFile = Files.writeString(dir.resolve("xapi-password"), StandIns.PASSWORD + "\n");
    }

    static VmPoolFixture build(Path dir) throws Exception {
        VmPoolFixture f = new VmPoolFixture(StandIns.pool(dir).start(), dir);
        try {
            f.populate();
        } catch (Exception | Error e) {
            f.close();
            throw e;
        }
        return f;
    }

    private String uuidOf(String cls, String ref) {
        return xapi.db().get(cls, ref).path("uuid").asText();
    }

    private void populate() throws Exception {
        fileSr = xapi.addSr("ext", "Local storage", Map.of("device", "/dev/sda3"),
                Map.of("physical_size", 100L << 30, "physical_utilisation", 40L << 30));
        fileSrUuid = uuidOf("SR", fileSr);
        SharedData data = shared();
        lvmSr = xapi.addSr("lvm", "LVM on sdb", Map.of("device", "/dev/sdb"),
                Map.of("physical_size", 200L << 30, "physical_utilisation", 150L << 30, "uuid", data.lvmSrUuid));
        lvmSrUuid = uuidOf("SR", lvmSr);
        xapi.addSr("iso", "ISO library", Map.of("location", "/srv/iso"), Map.of("content_type", "iso"));
        Path plugins = StandIns.bundledPluginRoot();
        v3Sr = xapi.createSmapiV3Sr(plugins.resolve("volume").resolve(StandIns.DIRVOL), StandIns.DIRVOL,
                "SMAPIv3 target", Files.createDirectories(dir.resolve("v3-sr")));
        Path pluginLink = hostRoot.resolve("usr/libexec/xapi-storage-script");
        Files.createDirectories(pluginLink.getParent());
        Files.createSymbolicLink(pluginLink, plugins);

        String[] r = data.root;
        String[] d = data.data;
        Path mount = Files.createDirectories(hostRoot.resolve("var/run/sr-mount").resolve(fileSrUuid));
        chain(r, ROOT_SIZE, ROOT_LAYERS, (uuid) -> mount.resolve(uuid + ".vhd"));
        try (var s = Files.list(mount)) {
            s.forEach(sourceFiles::add);
        }
        // The data disk's chain as a host's /dev/sdb under the host root.
        Path dev = Files.createDirectories(hostRoot.resolve("dev")).resolve("sdb");
        Files.copy(data.pvImage, dev);
        sourceFiles.add(dev);
        expected.putAll(data.expected);
        // The stand-in's export_raw_vdi serves a VDI's data as the SR holds it: the same bytes.
        for (Map.Entry<String, Path> e : data.contents.entrySet()) {
            Path content = dir.resolve("content-" + e.getKey() + ".raw");
            ExternalCommand.check(List.of("cp", "--sparse=always", e.getValue().toString(), content.toString()));
            contents.put(e.getKey(), content);
        }

        String[] times = {"20260101T10:00:00Z", "20260201T10:00:00Z"};
        rootDisk = vdi(fileSr, r[4], "app root", ROOT_SIZE, Map.of("name_description", "system disk",
                "tags", List.of("prod"), "other_config", Map.of("folder", "/apps", "XenCenter.CustomFields.owner", "ops")));
        dataDisk = vdi(lvmSr, d[4], "app data", DATA_SIZE, Map.of("name_description", "database files",
                "tags", List.of("prod", "db"), "other_config", Map.of("folder", "/apps")));
        for (String[] c : List.of(r, d)) {
            String sr = c == r ? fileSr : lvmSr;
            long size = c == r ? ROOT_SIZE : DATA_SIZE;
            vdi(sr, c[0], "base copy", size, Map.of("managed", false, "read_only", true));
            vdi(sr, c[2], "base copy", size, Map.of("managed", false, "read_only", true));
        }
        app = xapi.addVm("app-server", Map.of("power_state", "Halted", "blocked_operations", Map.of("clone", "keep-me")));
        xapi.addVbd(app, rootDisk, "0", Map.of("bootable", true, "device", "xvda",
                "other_config", Map.of("owner", "true")));
        xapi.addVbd(app, dataDisk, "1", Map.of("device", "xvdb", "qos_algorithm_type", "ionice",
                "qos_algorithm_params", Map.of("class", "rt")));
        xapi.addVbd(app, null, "3", Map.of("type", "CD", "mode", "RO", "device", "xvdd"));
        for (int i = 0; i < 2; i++) {
            String s = xapi.addVm("app-server snap " + (i + 1), Map.of("is_a_snapshot", true, "is_a_template", true,
                    "snapshot_of", app, "snapshot_time", times[i]));
            String rs = vdi(fileSr, r[i == 0 ? 1 : 3], "app root", ROOT_SIZE, Map.of("is_a_snapshot", true,
                    "snapshot_of", rootDisk, "snapshot_time", times[i], "name_description", "system disk",
                    "tags", List.of("prod")));
            String ds = vdi(lvmSr, d[i == 0 ? 1 : 3], "app data", DATA_SIZE, Map.of("is_a_snapshot", true,
                    "snapshot_of", dataDisk, "snapshot_time", times[i]));
            xapi.addVbd(s, rs, "0", Map.of("bootable", true));
            xapi.addVbd(s, ds, "1", Map.of());
            xapi.addVbd(s, null, "3", Map.of("type", "CD", "mode", "RO"));
            snapshots.add(s);
        }
        String dbDisk = xapi.addVdi(fileSr, "db disk", 4 * MIB, null, Map.of());
        db = xapi.addVm("db", Map.of("power_state", "Running", "resident_on", xapi.masterRef()));
        xapi.addVbd(db, dbDisk, "0", Map.of("currently_attached", true, "device", "xvda"));
        xapi.addVm("Debian template", Map.of("is_a_template", true));
    }

    private String vdi(String sr, String uuid, String name, long size, Map<String, ?> extra) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>(extra);
        m.put("uuid", uuid);
        return xapi.addVdi(sr, name, size, contents.get(uuid), m);
    }

    private static String[] uuids() {
        String[] u = new String[5];
        for (int i = 0; i < 5; i++) {
            u[i] = UUID.randomUUID().toString();
        }
        return u;
    }

    interface Where {
        Path of(String uuid);
    }

    /** base1 <- {snap1, base2 <- {snap2, leaf}}: c = [base1, snap1, base2, snap2, leaf]. */
    private static void chain(String[] c, long size, List<List<W>> layers, Where where) throws IOException {
        try (VhdWriter w = VhdWriter.dynamic(where.of(c[0]), size).create()) {
            write(w, layers.get(0));
            w.setHidden(true);
        }
        try (VhdWriter w = VhdWriter.differencing(where.of(c[1]), where.of(c[0])).create()) {
            // an empty snapshot leaf
        }
        try (VhdWriter w = VhdWriter.differencing(where.of(c[2]), where.of(c[0])).create()) {
            write(w, layers.get(1));
            w.setHidden(true);
        }
        try (VhdWriter w = VhdWriter.differencing(where.of(c[3]), where.of(c[2])).create()) {
            // an empty snapshot leaf
        }
        try (VhdWriter w = VhdWriter.differencing(where.of(c[4]), where.of(c[2])).create()) {
            write(w, layers.get(2));
        }
    }

    private static void write(VhdWriter w, List<W> writes) throws IOException {
        for (W x : writes) {
            byte[] b = new byte[(int) x.length()];
            Arrays.fill(b, (byte) x.pattern());
            w.write(x.offset(), b);
        }
    }

    /** The data disk's chain {@code d} in LVs of VG_XenStorage-<lvm SR>: a PV image in {@code dir}. */
    private static Path lvmImage(Path dir, String lvmSrUuid, String[] d) throws Exception {
        String vg = "VG_XenStorage-" + lvmSrUuid;
        Path vhds = Files.createDirectories(dir.resolve("lvm-vhds"));
        // Named as /dev/mapper nodes, so the parent locators read as on a host (smapiv1-layout.md).
        Where where = uuid -> vhds.resolve(vg.replace("-", "--") + "-VHD--" + uuid.replace("-", "--"));
        chain(d, DATA_SIZE, DATA_LAYERS, where);
        try (Lvm2Scratch s = Lvm2Scratch.create(1, 64 * MIB)) {
            s.run("pvcreate", "-ff", "-y", "--metadatasize", "1M", s.device(0));
            s.run("vgcreate", "-s", "1M", vg, s.device(0));
            Map<String, Long> lvSize = new LinkedHashMap<>();
            for (String u : d) {
                long bytes = Files.size(where.of(u));
                long lv = (bytes + MIB - 1) / MIB * MIB;
                lvSize.put(u, lv);
                s.run("lvcreate", "-an", "-Zn", "-n", "VHD-" + u, "-L", (lv / MIB) + "M", vg);
            }
            s.detach(vg);
            for (String u : d) {
                byte[] image = Files.readAllBytes(where.of(u));
                s.writeLv("VHD-" + u, 0, image);
                s.writeLv("VHD-" + u, lvSize.get(u) - 512, Arrays.copyOfRange(image, image.length - 512, image.length));
            }
            Path pv = dir.resolve("pv.img");
            Files.copy(s.image(0), pv);
            return pv;
        }
    }

    /** Each VDI's content by qemu-io on a raw file, hashed by sha256sum: snapshot i holds layers 0..i, the leaf all. */
    private static void expect(Path dir, String[] c, long size, List<List<W>> layers, Map<String, String> expected,
                               Map<String, Path> contents) throws Exception {
        String qemuImg = ExternalCommand.require("qemu-img", "qemu-utils");
        String qemuIo = ExternalCommand.require("qemu-io", "qemu-utils");
        Path raw = dir.resolve("expected-" + c[4] + ".raw");
        ExternalCommand.check(List.of(qemuImg, "create", "-q", "-f", "raw", raw.toString(), Long.toString(size)));
        int[] vdiAfterLayer = {1, 3, 4};
        for (int i = 0; i < 3; i++) {
            List<String> cmd = new ArrayList<>(List.of(qemuIo, "-f", "raw"));
            for (W x : layers.get(i)) {
                cmd.addAll(List.of("-c", "write -P " + x.pattern() + " " + x.offset() + " " + x.length()));
            }
            cmd.add(raw.toString());
            ExternalCommand.check(cmd);
            expected.put(c[vdiAfterLayer[i]], sha256sum(raw));
            Path content = dir.resolve("content-" + c[vdiAfterLayer[i]] + ".raw");
            ExternalCommand.check(List.of("cp", "--sparse=always", raw.toString(), content.toString()));
            contents.put(c[vdiAfterLayer[i]], content);
        }
        Files.delete(raw);
    }

    static String sha256sum(Path file) throws Exception {
        String out = ExternalCommand.check(List.of("sha256sum", file.toString()));
        return out.substring(0, 64);
    }

    /** sha256sum of every source file (VHDs, the PV image). */
    Map<Path, String> sourceHashes() throws Exception {
        Map<Path, String> m = new LinkedHashMap<>();
        for (Path p : sourceFiles) {
            m.put(p, sha256sum(p));
        }
        assertEquals(6, m.size(), "5 VHDs and one PV image");
        return m;
    }

    /** The command-line options that reach the stand-in, trusting its CA, the password from a file. */
    List<String> xapiOptions() {
        return List.of("--xapi", xapi.url(), "--xapi-password-file", passwordFile.toString(),
                "--xapi-ca", StandIns.pki().poolCa().caPem().toString());
    }

    /** The command line with {@link #xapiOptions} and {@code --host-root} added, run in this JVM. */
    CliRun cli(String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        a.addAll(xapiOptions());
        a.addAll(List.of("--host-root", hostRoot.toString()));
        return CliRun.of(a.toArray(String[]::new));
    }

    @Override
    public void close() {
        xapi.close();
    }
}
