package org.smapimigrate.xapi.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.xapi.XapiCredentials;
import org.smapimigrate.xapi.XapiEndpoint;
import org.smapimigrate.xapi.XapiSession;
import org.smapimigrate.xapi.standin.ExamplePool;
import org.smapimigrate.xapi.standin.StandIns;
import org.smapimigrate.xapi.standin.XapiStandIn;
import org.smapimigrate.xapi.transport.TlsTrust;

/**
 * Discovery against the stand-in's example pool; the SMAPIv3 SR's SM record comes from the real
 * plugin's Plugin.Query (required_api_version "5.0"), the SMAPIv1 ones are "1.0".
 */
class XapiInventoryTest {
    @TempDir
    Path dir;

    @Test
    void listsSrsAndVmsWithTheirDisksAndSnapshots() throws IOException {
        try (XapiStandIn xapi = StandIns.pool(dir).start()) {
            ExamplePool p = ExamplePool.build(xapi, dir);
            XapiInventory inv;
            try (XapiSession s = XapiSession.login(XapiEndpoint.parse(xapi.url(),
                    TlsTrust.caFile(StandIns.pki().poolCa().caPem())), XapiCredentials.resolve("root", null,
                    Map.of("XAPI_PASSWORD", StandIns.PASSWORD)))) {
                inv = XapiInventory.read(s);
            }
            assertEquals(List.of("ISO library", "LVM on sdb", "Local storage", "SMAPIv3 target"),
                    inv.srs().stream().map(XapiInventory.SrEntry::name).toList());
            XapiInventory.SrEntry lvm = inv.srs().get(1);
            assertEquals(SmapiVersion.V1, lvm.smapi());
            assertEquals(200L << 30, lvm.size());
            assertEquals(50L << 30, lvm.free());
            assertEquals(3, lvm.vdis());
            assertEquals(SmapiVersion.V3, inv.srs().get(3).smapi());
            assertEquals(StandIns.DIRVOL, inv.srs().get(3).type());

            assertEquals(List.of("app-server", "db"), inv.vms().stream().map(XapiInventory.VmEntry::name).toList());
            XapiInventory.VmEntry app = inv.vms().get(0);
            assertEquals("Halted", app.powerState());
            assertEquals(List.of("0", "1", "3"), app.disks().stream().map(XapiInventory.Disk::userdevice).toList());
            XapiInventory.Disk root = app.disks().get(0);
            assertEquals("app root", root.vdiName());
            assertEquals(xapi.db().get("VDI", p.rootDisk).path("uuid").asText(), root.vdiUuid());
            assertEquals(xapi.db().get("SR", p.fileSr).path("uuid").asText(), root.srUuid());
            assertEquals(8L << 30, root.size());
            assertEquals("xvda", root.device());
            XapiInventory.Disk cd = app.disks().get(2);
            assertTrue(cd.empty());
            assertEquals("CD", cd.type());
            assertEquals("", cd.vdiUuid());
            assertEquals(List.of("app-server snap 1", "app-server snap 2"),
                    app.snapshots().stream().map(XapiInventory.SnapshotEntry::name).toList());
            assertEquals(3, app.snapshots().get(1).disks().size());
            assertTrue(inv.vms().get(1).disks().get(0).attached());
            String json = inv.toJson().toString();
            assertTrue(json.contains("\"smapi\":\"SMAPIv3\""), json);
            assertTrue(json.contains("\"snapshot_time\":\"20260201T10:00:00Z\""), json);
        }
    }

    @Test
    void smapiVersionFromTheSmRecordFirst() {
        assertEquals(SmapiVersion.V1, SmapiVersion.of("nfs", Map.of()));
        assertEquals(SmapiVersion.UNKNOWN, SmapiVersion.of("zfs-vol", Map.of()));
        var v3 = new org.smapimigrate.xapi.records.Sm("r", "u", "zfs-vol", "zfs", "5.0", List.of(), "");
        assertEquals(SmapiVersion.V3, SmapiVersion.of("zfs-vol", Map.of("zfs-vol", v3)));
        var v1 = new org.smapimigrate.xapi.records.Sm("r", "u", "ext", "ext", "1.0", List.of(), "/opt/xensource/sm/EXTSR");
        assertEquals(SmapiVersion.V1, SmapiVersion.of("ext", Map.of("ext", v1)));
    }
}
