package org.smapimigrate.xapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.xapi.records.NewVbd;
import org.smapimigrate.xapi.records.NewVdi;
import org.smapimigrate.xapi.records.Vbd;
import org.smapimigrate.xapi.records.Vdi;
import org.smapimigrate.xapi.records.Vm;
import org.smapimigrate.xapi.records.XapiClass;
import org.smapimigrate.xapi.standin.ExamplePool;
import org.smapimigrate.xapi.standin.StandIns;
import org.smapimigrate.xapi.standin.XapiStandIn;
import org.smapimigrate.xapi.transport.TlsTrust;

/**
 * The operations the VM-level migration will use, against the stand-in's example pool: a VBD
 * replaced by one on a new VDI made on the SMAPIv3 SR (xapi-integration.md section 3 "Safe
 * repoint", steps 4 to 7), found again by its volume key after a scan, and the blocks restored.
 */
class XapiOperationsTest {
    @TempDir
    Path dir;

    @Test
    void aVbdIsReplacedByOneOnANewVdiAndTheBlocksRestored() throws IOException {
        try (XapiStandIn xapi = StandIns.pool(dir).start()) {
            ExamplePool p = ExamplePool.build(xapi, dir);
            try (XapiSession s = XapiSession.login(XapiEndpoint.parse(xapi.url(),
                    TlsTrust.caFile(StandIns.pki().poolCa().caPem())), XapiCredentials.resolve("root", null,
                    Map.of("XAPI_PASSWORD", StandIns.PASSWORD)))) {
                XapiOperations ops = new XapiOperations(s, new XapiTasks(s));
                XapiRecords records = new XapiRecords(s);
                String created = ops.vdiCreate(NewVdi.userDisk(p.v3Sr, "app data", "copy", 20L << 30), TaskProgress.NONE);
                Vdi copy = records.get(XapiClass.VDI, created);
                ops.srScan(p.v3Sr, TaskProgress.NONE);
                assertEquals(List.of(created), List.copyOf(ops.vdisAt(p.v3Sr, copy.location()).keySet()),
                        "the same VDI after a scan, found by its volume key");

                Vm app = records.get(XapiClass.VM, p.app);
                ops.vmSetBlockedOperations(p.app, Map.of("start", "SMAPI_MIGRATE", "snapshot", "SMAPI_MIGRATE"));
                XapiException blocked = assertThrows(XapiException.class, () -> s.call("VM.start", p.app, false, false));
                assertEquals("OPERATION_BLOCKED", blocked.code());

                Vbd old = app.vbds().stream().map(r -> {
                    try {
                        return records.get(XapiClass.VBD, r);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }).filter(v -> v.userdevice().equals("1")).findFirst().orElseThrow();
                XapiException exists = assertThrows(XapiException.class,
                        () -> ops.vbdCreate(NewVbd.replacing(old, created, null)));
                assertEquals("DEVICE_ALREADY_EXISTS", exists.code(), "destroy first, then create");
                ops.vbdDestroy(old.ref());
                Vbd now = records.get(XapiClass.VBD, ops.vbdCreate(NewVbd.replacing(old, created, null)));
                assertEquals(List.of(old.userdevice(), old.mode(), old.type(), String.valueOf(old.bootable())),
                        List.of(now.userdevice(), now.mode(), now.type(), String.valueOf(now.bootable())));
                assertEquals(created, now.vdi());
                assertEquals(3, records.get(XapiClass.VM, p.app).vbds().size());

                ops.vmSetBlockedOperations(p.app, app.blockedOperations());
                s.call("VM.start", p.app, false, false);
                assertEquals("Running", records.get(XapiClass.VM, p.app).powerState());
            }
        }
    }
}
