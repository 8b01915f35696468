package org.smapimigrate.xapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.xapi.cbt.ChangedBlocks;
import org.smapimigrate.xapi.nbd.NbdServerInfo;
import org.smapimigrate.xapi.nbd.VdiNbdExport;
import org.smapimigrate.xapi.records.Vdi;
import org.smapimigrate.xapi.records.XapiClass;
import org.smapimigrate.xapi.standin.GuestWriter;
import org.smapimigrate.xapi.standin.StandIns;
import org.smapimigrate.xapi.standin.XapiStandIn;
import org.smapimigrate.xapi.transport.TlsTrust;

/**
 * The live-migration calls of xapi-integration.md section 4 against the stand-in, with a running
 * VM whose guest writes at a steady rate: snapshots frozen while the guest writes, CBT bitmaps
 * that cover every 64 KiB block in which two snapshots' files differ (compared byte by byte on the
 * stand-in's files, not through our reader), an unrelated pair refused with
 * SR_BACKEND_FAILURE_460, vdi_to attached refused with VDI_IN_USE, a snapshot read over TLS from
 * qemu-nbd with the certificate pinned (hashed against sha256sum of the snapshot's file), the
 * clean shutdown's timeout with a guest that never answers, hard shutdown, start_on, pause, and
 * the release calls (destroy, data_destroy).
 */
class XapiLiveCallsTest {
    static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void liveCallsAgainstARunningGuest() throws Exception {
        try (XapiStandIn xapi = StandIns.pool(dir).start()) {
            String sr = xapi.addSr("ext", "Local storage", Map.of("device", "/dev/sda3"), Map.of());
            String disk = xapi.addVdi(sr, "db disk", 4 * MIB, null, Map.of());
            String other = xapi.addVdi(sr, "other disk", 4 * MIB, null, Map.of());
            String vm = xapi.addVm("db", Map.of("power_state", "Running", "resident_on", xapi.masterRef()));
            xapi.addVbd(vm, disk, "0", Map.of("currently_attached", true));
            try (XapiSession s = XapiSession.login(XapiEndpoint.parse(xapi.url(),
                    TlsTrust.caFile(StandIns.pki().poolCa().caPem())), XapiCredentials.resolve("root", null,
                    Map.of("XAPI_PASSWORD", StandIns.PASSWORD)))) {
                XapiOperations ops = new XapiOperations(s, new XapiTasks(s, Duration.ofMillis(5),
                        Duration.ofMillis(50), Duration.ofMinutes(1)));
                XapiRecords records = new XapiRecords(s);
                ops.vdiEnableCbt(disk);
                ops.vdiEnableCbt(disk); // idempotent
                ops.vdiEnableCbt(other);
                GuestWriter guest = xapi.startGuest(vm, 4 * MIB, 42);
                Thread.sleep(150);
                String s1 = ops.vdiSnapshot(disk);
                Thread.sleep(250);
                String s2 = ops.vdiSnapshot(disk);
                assertTrue(guest.writes() > 3, "the guest wrote meanwhile");
                Vdi snap = records.get(XapiClass.VDI, s2);
                assertTrue(snap.isASnapshot() && snap.cbtEnabled(), "a CBT snapshot");

                ChangedBlocks changed = ops.vdiListChangedBlocks(s1, s2, 4 * MIB, "s1, s2");
                byte[] a = Files.readAllBytes(xapi.vdiData(s1));
                byte[] b = Files.readAllBytes(xapi.vdiData(s2));
                int differing = 0;
                for (int blk = 0; blk < 64; blk++) {
                    int from = blk * 65536;
                    if (!Arrays.equals(a, from, from + 65536, b, from, from + 65536)) {
                        differing++;
                        assertTrue(changed.covers(from), "block " + blk + " differs but is not in the bitmap");
                    }
                }
                assertTrue(differing > 0 && changed.bytes() >= differing * 65536L, "differing " + differing);

                XapiException inUse = assertThrows(XapiException.class,
                        () -> ops.vdiListChangedBlocks(s2, disk, 4 * MIB, "s2, leaf"));
                assertEquals(XapiException.VDI_IN_USE, inUse.code());
                XapiException unrelated = assertThrows(XapiException.class,
                        () -> ops.vdiListChangedBlocks(s1, other, 4 * MIB, "s1, other"));
                assertEquals(XapiException.CBT_UNRELATED, unrelated.code());
                assertTrue(unrelated.getMessage().contains("not in one changed-block-tracking chain"));
                assertFalse(unrelated.getMessage().contains("\n"));
                XapiException onSnapshot = assertThrows(XapiException.class, () -> ops.vdiEnableCbt(s1));
                assertEquals(XapiException.OPERATION_NOT_ALLOWED, onSnapshot.code());

                List<NbdServerInfo> infos = ops.vdiGetNbdInfo(s2, snap.uuid());
                assertEquals(1, infos.size());
                NbdServerInfo info = infos.get(0);
                assertFalse(info.toString().contains(s.sessionRef()), "the export name stays out of toString");
                try (VdiNbdExport export = VdiNbdExport.open(info)) {
                    assertEquals(4 * MIB, export.size());
                    assertFalse(export.describe().contains(s.sessionRef()), export.describe());
                    MessageDigest sha = MessageDigest.getInstance("SHA-256");
                    ByteBuffer buf = ByteBuffer.allocate((int) MIB);
                    for (long at = 0; at < export.size(); at += MIB) {
                        buf.clear();
                        export.read(buf, at);
                        buf.flip();
                        sha.update(buf);
                    }
                    assertEquals(sha256sum(xapi.vdiData(s2)), HexFormat.of().formatHex(sha.digest()));
                }

                // An export name the server does not serve (another session): refused, and the message
                // names neither the name nor the session.
                String fake = "OpaqueRef:00000000-fake-session-not-served";
                com.fasterxml.jackson.databind.node.ObjectNode forged = new com.fasterxml.jackson.databind.ObjectMapper()
                        .createObjectNode();
                forged.put("exportname", "/" + snap.uuid() + "?session_id=" + fake);
                forged.put("address", info.address());
                forged.put("port", info.port());
                forged.put("cert", info.certPem());
                forged.put("subject", info.subject());
                NbdServerInfo wrong = NbdServerInfo.readAll(new com.fasterxml.jackson.databind.ObjectMapper()
                        .createArrayNode().add(forged), snap.uuid()).get(0);
                IOException refused = assertThrows(IOException.class, () -> VdiNbdExport.open(wrong));
                for (Throwable t = refused; t != null; t = t.getCause()) {
                    assertFalse(String.valueOf(t.getMessage()).contains(fake), t.getMessage());
                    assertFalse(String.valueOf(t.getMessage()).contains("fake-session"), t.getMessage());
                }

                // A guest that never answers: the timeout cancels the task, the VM still runs.
                xapi.guestIgnoresShutdown(vm);
                XapiTimeoutException late = assertThrows(XapiTimeoutException.class,
                        () -> ops.vmCleanShutdown(vm, Duration.ofMillis(300)));
                assertTrue(late.getMessage().startsWith("VM.clean_shutdown: not done after 0.3 s"), late.getMessage());
                assertEquals("Running", ops.vmPowerState(vm));
                assertTrue(records.get(XapiClass.VM, vm).currentOperations().isEmpty(), "the cancelled task is gone");
                ops.vmPause(vm);
                assertEquals("Paused", ops.vmPowerState(vm));
                XapiException bad = assertThrows(XapiException.class, () -> ops.vmPause(vm));
                assertEquals(XapiException.VM_BAD_POWER_STATE, bad.code());
                ops.vmUnpause(vm);
                // A guest that answers after 200 ms.
                xapi.shutdownDelay(vm, Duration.ofMillis(200));
                long t0 = System.nanoTime();
                ops.vmCleanShutdown(vm, Duration.ofSeconds(20));
                assertTrue(System.nanoTime() - t0 >= 200_000_000L);
                assertEquals("Halted", ops.vmPowerState(vm));
                assertTrue(guest.awaitStopped(5000), "the guest stops with its VM");
                String quiet = sha256sum(xapi.vdiData(disk));
                Thread.sleep(100);
                assertEquals(quiet, sha256sum(xapi.vdiData(disk)), "nothing writes after the shutdown");
                ChangedBlocks last = ops.vdiListChangedBlocks(s2, disk, 4 * MIB, "s2, leaf");
                assertTrue(last.bytes() > 0, "the halted leaf can be the end of a list");

                ops.vdiDestroy(s1);
                assertFalse(xapi.db().exists("VDI", s1));
                ops.vdiDataDestroy(s2);
                assertEquals("cbt_metadata", records.get(XapiClass.VDI, s2).type());
                XapiException meta = assertThrows(XapiException.class, () -> ops.vdiGetNbdInfo(s2, snap.uuid()));
                assertEquals(XapiException.VDI_INCOMPATIBLE_TYPE, meta.code());
                ops.vdiDestroy(s2);
                XapiException again = assertThrows(XapiException.class, () -> ops.vmHardShutdown(vm));
                assertEquals(XapiException.VM_BAD_POWER_STATE, again.code());
                ops.vmStartOn(vm, xapi.masterRef(), false, false);
                assertEquals("Running", ops.vmPowerState(vm));
                assertEquals(xapi.masterRef(), records.get(XapiClass.VM, vm).residentOn());
                ops.vmHardShutdown(vm);
                assertEquals("Halted", ops.vmPowerState(vm));
                ops.vdiDisableCbt(disk);
                assertFalse(records.get(XapiClass.VDI, disk).cbtEnabled());
                assertEquals(0, xapi.nbdServersRunning(), "destroying a VDI stops its NBD server");
            }
        }
    }

    static String sha256sum(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sha256sum", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out.substring(0, 64);
    }
}
