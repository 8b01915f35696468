package org.smapimigrate.live.xapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.live.LivePass;
import org.smapimigrate.live.LivePasses;
import org.smapimigrate.live.LiveResult;
import org.smapimigrate.live.LiveSettings;
import org.smapimigrate.live.StopPolicy;
import org.smapimigrate.live.TargetVolume;
import org.smapimigrate.vm.transport.TransportEvents;
import org.smapimigrate.xapi.XapiSession;
import org.smapimigrate.xapi.standin.GuestWriter;

/**
 * The passes engine ({@link LivePasses}) with the XAPI controller against the stand-in (a running
 * VM "db" whose guest writes 2 MiB/s into its 16 MiB disk; snapshot, CBT bitmaps, NBD over TLS and
 * power operations modelled as xapi-integration.md section 4 describes them, see the stand-in's
 * classes): the same checks as the local done-when. The target volume, read back through the
 * plugin's datapath, hashes like {@code sha256sum} of the stand-in's raw file of the disk's final
 * state; three passes before the switch-over, pass 0 the whole disk and the deltas whole
 * 64 KiB CBT blocks; a downtime; VBD 0 repointed, the VM running on the same host, no snapshot
 * left. A fault injected into the repoint (VBD.create) leaves the VM running on its old disk with
 * no snapshot left, and the failure says why.
 */
class LivePassesXapiTest {
    @TempDir
    Path dir;

    private static LivePasses passes(LiveXapiPool pool, XapiSession s, XapiSourceController c, Path state,
                                     int maxPasses, List<String> notes) throws Exception {
        String v3SrUuid = pool.xapi.db().get("SR", pool.v3Sr).path("uuid").asText();
        LivePasses.Targets targets = (disk, key, size) -> TargetVolume.open(pool.target(), key, disk, "db disk",
                size);
        LivePasses.SwitchOver repoint = (keys, digests) -> {
            Map<String, String> moved = new XapiSwitchOver(s, pool.xapi.url(), pool.vmUuid, v3SrUuid, state)
                    .repoint(keys, digests, events(notes));
            return "VBD repointed to VDI " + moved.get(pool.diskUuid);
        };
        LiveSettings settings = new LiveSettings(-1, null, maxPasses, new StopPolicy(Duration.ofSeconds(20), false));
        return new LivePasses(c, pool.diskUuid, state.resolve("live.passes"), targets, repoint, settings,
                new LivePasses.Listener() {
                    @Override
                    public void note(String line) {
                        notes.add(line);
                    }
                });
    }

    @Test
    void aRunningVmMovesLiveThroughThePasses() throws Exception {
        try (LiveXapiPool pool = new LiveXapiPool(dir); XapiSession s = pool.login()) {
            GuestWriter guest = pool.xapi.startGuest(pool.vm, 2 * LiveXapiPool.MIB, 11);
            Thread.sleep(200);
            Path state = Files.createDirectories(dir.resolve("state"));
            List<String> notes = new ArrayList<>();
            LiveResult r;
            try (XapiSourceController c = new XapiSourceController(s, pool.vmUuid)) {
                r = passes(pool, s, c, state, 3, notes).run();
            }
            String finalSha = pool.rawSha256(pool.disk);
            assertEquals(finalSha, pool.volumeSha256(r.volume(), LiveXapiPool.DISK_SIZE), "the target = final state");
            assertEquals("sha256:" + finalSha, r.sourceDigest());
            assertTrue(r.verified());
            assertTrue(guest.writes() > 10, "the guest wrote during the passes: " + guest.writes());
            List<LivePass> p = r.passes();
            assertEquals(4, p.size(), p.toString());
            assertEquals(3, r.livePasses());
            assertEquals(LiveXapiPool.DISK_SIZE, p.get(0).changed());
            for (LivePass d : p.subList(1, p.size())) {
                assertEquals(65536, d.granularity());
                assertEquals(0, d.changed() % 65536, "whole CBT blocks");
                assertTrue(d.changed() < p.get(0).changed(), "a delta: " + p);
            }
            assertTrue(r.downtimeSeconds() != null && r.downtimeSeconds() > 0);
            assertEquals("clean", r.stop());
            assertEquals("new", r.startedOn());
            assertEquals("Running", pool.xapi.db().get("VM", pool.vm).path("power_state").asText());
            assertEquals(pool.xapi.masterRef(), pool.xapi.db().get("VM", pool.vm).path("resident_on").asText());
            assertNotEquals(pool.diskUuid, pool.vdiAtDevice0(), "VBD 0 repointed");
            assertTrue(r.switchedTo().contains(pool.vdiAtDevice0()), r.switchedTo());
            assertEquals(List.of(), pool.snapshotVdis(), "no temporary snapshot left");
            assertFalse(pool.xapi.db().get("VDI", pool.disk).path("cbt_enabled").asBoolean(), "CBT off, as before");
            // Run again: finished, nothing done.
            try (XapiSourceController c = new XapiSourceController(s, pool.vmUuid)) {
                LiveResult again = passes(pool, s, c, state, 3, notes).run();
                assertTrue(again.alreadyDone());
                assertEquals(r.volume(), again.volume());
            }
        }
    }

    @Test
    void aFailureBeforeTheRepointLeavesTheVmRunningOnItsOldDisk() throws Exception {
        try (LiveXapiPool pool = new LiveXapiPool(dir); XapiSession s = pool.login()) {
            pool.xapi.startGuest(pool.vm, 2 * LiveXapiPool.MIB, 12);
            Path state = Files.createDirectories(dir.resolve("state"));
            List<String> notes = new ArrayList<>();
            pool.xapi.faults().failOnCall("VBD.create", 1, "INTERNAL_ERROR", "injected by the test");
            LivePasses.LiveFailure f;
            try (XapiSourceController c = new XapiSourceController(s, pool.vmUuid)) {
                f = assertThrows(LivePasses.LiveFailure.class, () -> passes(pool, s, c, state, 2, notes).run());
            }
            assertTrue(f.getMessage().contains("injected by the test"), f.getMessage());
            assertTrue(f.getMessage().contains("runs again on its old disks"), f.getMessage());
            assertFalse(f.getMessage().contains("\n"));
            assertEquals("old", f.result().startedOn());
            assertNull(f.result().switchedTo());
            assertTrue(f.result().verified(), "it failed after the verification");
            assertEquals("Running", pool.xapi.db().get("VM", pool.vm).path("power_state").asText());
            assertEquals(pool.diskUuid, pool.vdiAtDevice0(), "VBD 0 still on the old disk");
            assertEquals(List.of(), pool.snapshotVdis(), "no temporary snapshot left");
        }
    }

    private static TransportEvents events(List<String> notes) {
        return new TransportEvents() {
            @Override
            public void progress(String sourceVdiUuid, long done, long total) {
            }

            @Override
            public void note(String line) {
                notes.add(line);
            }
        };
    }
}
