package org.smapimigrate.live.xapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import org.smapimigrate.live.LiveDisk;
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
 * A running VM of two disks (8 MiB at userdevice 0, 4 MiB at 1, and an empty CD drive) moved live
 * with the XAPI controller against the stand-in ({@link LiveXapiPool}: snapshot, CBT, NBD over TLS,
 * power operations and the VBD calls of the repoint as xapi-integration.md sections 3 and 4
 * describe them; its guest writes 2 MiB/s into both disks). Both targets, read back through the
 * plugin's datapath, hash like {@code sha256sum} of each disk's final raw file; the VM was stopped
 * and started once; both VBDs repointed, the CD left alone; no snapshot left; CBT off as before.
 * A VBD.create failing for the second disk (the whole repoint rolled back, the VM on all its old
 * disks) is {@code MigrateLiveXapiTest}'s, through the command line; a second disk failing its
 * verification is {@code LiveVmCrashTest}'s.
 */
class LiveVmXapiTest {
    @TempDir
    Path dir;

    private static LivePasses passes(LiveXapiPool pool, XapiSession s, XapiSourceController c, Path state,
                                     int maxPasses, List<String> notes) throws Exception {
        String v3SrUuid = pool.xapi.db().get("SR", pool.v3Sr).path("uuid").asText();
        List<String> disks = XapiSourceController.disksOf(s, pool.vmUuid);
        LivePasses.Targets targets = (disk, key, size) -> TargetVolume.open(pool.target(), key, disk, "copy of " + disk,
                size);
        LivePasses.SwitchOver repoint = (keys, digests) -> {
            Map<String, String> moved = new XapiSwitchOver(s, pool.xapi.url(), pool.vmUuid, v3SrUuid, state)
                    .repoint(keys, digests, events(notes));
            return "VBDs repointed to " + moved;
        };
        LiveSettings settings = new LiveSettings(-1, null, maxPasses, new StopPolicy(Duration.ofSeconds(20), false));
        return new LivePasses(c, disks, state.resolve("live.passes"), targets, repoint, settings,
                new LivePasses.Listener() {
                    @Override
                    public void note(String line) {
                        notes.add(line);
                    }
                });
    }

    @Test
    void aRunningVmOfTwoDisksMovesWithOneStopAndOneStart() throws Exception {
        try (LiveXapiPool pool = new LiveXapiPool(dir, 2); XapiSession s = pool.login()) {
            String before0 = pool.rawSha256(pool.disks.get(0));
            String before1 = pool.rawSha256(pool.disks.get(1));
            // The disks are those the offline VM migration would move: not the CD drive, and a VDI
            // behind two VBDs once.
            String twice = pool.xapi.addVbd(pool.vm, pool.disks.get(1), "5", Map.of("mode", "RO"));
            assertEquals(pool.diskUuids, XapiSourceController.disksOf(s, pool.vmUuid), "the two disks, not the CD");
            pool.xapi.db().destroy("VBD", twice);
            GuestWriter guest = pool.xapi.startGuest(pool.vm, 2 * LiveXapiPool.MIB, 21);
            Thread.sleep(200);
            Path state = Files.createDirectories(dir.resolve("state"));
            List<String> notes = new ArrayList<>();
            LiveResult r;
            try (XapiSourceController c = new XapiSourceController(s, pool.vmUuid)) {
                r = passes(pool, s, c, state, 2, notes).run();
            }
            assertTrue(guest.writes() > 10, "the guest wrote during the passes: " + guest.writes());
            List<String> finals = List.of(pool.rawSha256(pool.disks.get(0)), pool.rawSha256(pool.disks.get(1)));
            assertNotEquals(before0, finals.get(0), "the guest wrote into the first disk");
            assertNotEquals(before1, finals.get(1), "the guest wrote into the second disk");
            assertEquals(2, r.disks().size());
            List<Long> sizes = pool.sizes;
            for (int i = 0; i < 2; i++) {
                LiveDisk d = r.disks().get(i);
                assertEquals(pool.diskUuids.get(i), d.disk());
                assertEquals(finals.get(i), pool.volumeSha256(d.volume(), sizes.get(i)), "target " + i + " = final");
                assertEquals("sha256:" + finals.get(i), d.sourceDigest());
                assertTrue(d.verified());
                assertEquals(3, d.passes().size(), d.toString());
                assertEquals(sizes.get(i).longValue(), d.passes().get(0).changed());
                for (LivePass p : d.passes().subList(1, d.passes().size())) {
                    assertEquals(0, p.changed() % 65536, "whole CBT blocks: " + p);
                }
                String now = pool.vdiAtDevice("" + i);
                assertNotEquals(pool.diskUuids.get(i), now, "VBD " + i + " repointed");
                assertTrue(r.switchedTo().contains(now), r.switchedTo());
                assertFalse(pool.xapi.db().get("VDI", pool.disks.get(i)).path("cbt_enabled").asBoolean(),
                        "CBT off on disk " + i + ", as before");
            }
            assertTrue(r.verified());
            assertEquals(2, r.livePasses());
            assertTrue(r.downtimeSeconds() != null && r.downtimeSeconds() > 0);
            assertEquals("new", r.startedOn());
            assertEquals(1, pool.xapi.calls().stream().filter(m -> m.endsWith("VM.clean_shutdown")).count(),
                    "one stop: " + pool.xapi.calls());
            assertEquals(1, pool.xapi.calls().stream().filter(m -> m.endsWith("VM.start") || m.endsWith("VM.start_on"))
                    .count(),
                    "one start");
            assertEquals("Running", pool.xapi.db().get("VM", pool.vm).path("power_state").asText());
            assertEquals(List.of(), pool.snapshotVdis(), "no temporary snapshot left");
            assertEquals(List.of(), XapiSourceController.disksOf(s, pool.vmUuid).stream()
                    .filter(pool.diskUuids::contains).toList(), "the VM uses none of its old disks");
            // A VDI the offline migration refuses (a cbt_metadata one) refuses a live run, naming the device.
            String meta = pool.xapi.addVdi(pool.sr, "cbt log", LiveXapiPool.MIB, null, Map.of("type", "cbt_metadata"));
            pool.xapi.addVbd(pool.vm, meta, "6", Map.of());
            java.io.IOException e = assertThrows(java.io.IOException.class,
                    () -> XapiSourceController.disksOf(s, pool.vmUuid));
            assertTrue(e.getMessage().contains("device 6") && e.getMessage().contains("cbt_metadata"), e.getMessage());
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
