package org.smapimigrate.xapi.standin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A small pool in the stand-in, the shape issue 12's end-to-end test needs: an ext (file) SR, an
 * lvm SR, an ISO library and a SMAPIv3 SR of the bundled plugin; a halted VM "app-server" with a
 * disk on each SMAPIv1 SR and an empty CD drive, and two snapshots of it; a running VM "db" with
 * one disk; and a template, which inventories leave out.
 */
public final class ExamplePool {
    public String fileSr;
    public String lvmSr;
    public String isoSr;
    public String v3Sr;
    public String app;
    public String db;
    public String template;
    public String rootDisk;
    public String dataDisk;
    public List<String> snapshots;

    public static ExamplePool build(XapiStandIn x, Path dir) throws IOException {
        ExamplePool p = new ExamplePool();
        p.fileSr = x.addSr("ext", "Local storage", Map.of("device", "/dev/sda3"),
                Map.of("physical_size", 100L << 30, "physical_utilisation", 40L << 30));
        p.lvmSr = x.addSr("lvm", "LVM on sdb", Map.of("device", "/dev/sdb"),
                Map.of("physical_size", 200L << 30, "physical_utilisation", 150L << 30));
        p.isoSr = x.addSr("iso", "ISO library", Map.of("location", "/srv/iso"), Map.of("content_type", "iso"));
        Path pluginDir = StandIns.bundledPluginRoot().resolve("volume").resolve(StandIns.DIRVOL);
        p.v3Sr = x.createSmapiV3Sr(pluginDir, StandIns.DIRVOL, "SMAPIv3 target", Files.createDirectories(dir.resolve("v3-sr")));
        p.rootDisk = x.addVdi(p.fileSr, "app root", 8L << 30, null, Map.of("name_description", "system disk",
                "tags", List.of("prod"), "other_config", Map.of("folder", "/apps")));
        p.dataDisk = x.addVdi(p.lvmSr, "app data", 20L << 30, null, Map.of());
        p.app = x.addVm("app-server", Map.of("power_state", "Halted"));
        x.addVbd(p.app, p.rootDisk, "0", Map.of("bootable", true, "device", "xvda"));
        x.addVbd(p.app, p.dataDisk, "1", Map.of("device", "xvdb"));
        x.addVbd(p.app, null, "3", Map.of("type", "CD", "mode", "RO", "device", "xvdd"));
        p.snapshots = new java.util.ArrayList<>();
        String[] times = {"20260101T10:00:00Z", "20260201T10:00:00Z"};
        for (int i = 0; i < 2; i++) {
            String s = x.addVm("app-server snap " + (i + 1), Map.of("is_a_snapshot", true, "is_a_template", true,
                    "snapshot_of", p.app, "snapshot_time", times[i]));
            String r = x.addVdi(p.fileSr, "app root", 8L << 30, null, Map.of("is_a_snapshot", true,
                    "snapshot_of", p.rootDisk, "snapshot_time", times[i]));
            String d = x.addVdi(p.lvmSr, "app data", 20L << 30, null, Map.of("is_a_snapshot", true,
                    "snapshot_of", p.dataDisk, "snapshot_time", times[i]));
            x.addVbd(s, r, "0", Map.of("bootable", true));
            x.addVbd(s, d, "1", Map.of());
            x.addVbd(s, null, "3", Map.of("type", "CD", "mode", "RO"));
            p.snapshots.add(s);
        }
        String dbDisk = x.addVdi(p.fileSr, "db disk", 4L << 30, null, Map.of());
        p.db = x.addVm("db", Map.of("power_state", "Running", "resident_on", x.masterRef()));
        x.addVbd(p.db, dbDisk, "0", Map.of("currently_attached", true, "device", "xvda"));
        p.template = x.addVm("Debian template", Map.of("is_a_template", true));
        return p;
    }
}
