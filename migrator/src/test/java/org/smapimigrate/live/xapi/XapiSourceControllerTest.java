package org.smapimigrate.live.xapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.datapath.VolumeAttachment;
import org.smapimigrate.disk.DiskSink;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.live.ChangedRanges;
import org.smapimigrate.live.FrozenState;
import org.smapimigrate.live.PowerEvent;
import org.smapimigrate.live.StopPolicy;
import org.smapimigrate.migrate.TargetSr;
import org.smapimigrate.plugin.Volume;
import org.smapimigrate.vm.transport.TransportEvents;
import org.smapimigrate.xapi.XapiSession;
import org.smapimigrate.xapi.standin.GuestWriter;
import org.smapimigrate.xapi.standin.StandIns;

/**
 * The XAPI controller against the stand-in with a guest writing 2 MiB/s into the running VM's
 * disk, driven through the sequence of xapi-integration.md section 4 by a plain loop standing in
 * for the pass engine: pass 0 copies a frozen snapshot whole into a volume of the bundled SMAPIv3
 * plugin, three more passes copy only the 64 KiB blocks list_changed_blocks names, each older
 * snapshot released after the list; then the clean stop, the final delta from the quiet disk, the
 * switch-over (scan, registration, repoint by the VM migration's own code) and the start on the
 * same host. The volume read back through the plugin's datapath must hash like sha256sum of the
 * stand-in's raw file of the disk's final state; no snapshot may be left, CBT and other_config
 * must be as before. A fault injected into the repoint leaves the VM running on its old disk.
 * No secret (password, session, export name) in any message, state file or command line of ours.
 */
class XapiSourceControllerTest {
    @TempDir
    Path dir;

    record Run(List<Long> passBytes, String volumeKey, Path stateDir, List<String> messages) {
    }

    /** Passes and the switch-over's stop and last delta; returns what was copied into a new volume. */
    private Run passes(LiveXapiPool pool, XapiSession s, XapiSourceController c, int passes) throws Exception {
        TargetSr t = pool.target();
        Volume vol = t.plugin().volumeCreate(t.sr(), "db disk", "database", LiveXapiPool.DISK_SIZE, false);
        List<Long> bytes = new ArrayList<>();
        List<String> messages = new ArrayList<>();
        messages.add(c.describe());
        try (VolumeAttachment a = VolumeAttachment.attach(t.root(), vol, VolumeAttachment.dom0Domain("live"))) {
            FrozenState previous = c.freeze(pool.diskUuid);
            messages.add(previous.toString());
            try (VirtualDisk d = c.open(previous); DiskSink sink = a.openSink(LiveXapiPool.DISK_SIZE, true)) {
                messages.add(d.describe());
                LiveXapiPool.copy(d, sink, 0, d.size());
                sink.flush();
            }
            bytes.add(LiveXapiPool.DISK_SIZE);
            for (int p = 1; p <= passes; p++) {
                FrozenState next = c.freeze(pool.diskUuid);
                ChangedRanges r = c.changedBetween(previous, next);
                assertEquals(65536, r.granularity());
                try (VirtualDisk d = c.open(next); DiskSink sink = a.openSink(LiveXapiPool.DISK_SIZE, false)) {
                    for (int i = 0; i < r.count(); i++) {
                        LiveXapiPool.copy(d, sink, r.start(i), r.end(i) - r.start(i));
                    }
                    sink.flush();
                }
                c.release(previous);
                c.release(previous); // idempotent
                bytes.add(r.bytes());
                previous = next;
            }
            PowerEvent stop = c.stop(new StopPolicy(Duration.ofSeconds(20), false));
            assertEquals("clean", stop.how());
            FrozenState quiet = c.quiet(pool.diskUuid);
            ChangedRanges last = c.changedBetween(previous, quiet);
            try (VirtualDisk d = c.open(quiet); DiskSink sink = a.openSink(LiveXapiPool.DISK_SIZE, false)) {
                for (int i = 0; i < last.count(); i++) {
                    LiveXapiPool.copy(d, sink, last.start(i), last.end(i) - last.start(i));
                }
                sink.flush();
            }
            c.release(previous);
            c.release(quiet); // a quiet state: nothing to release
            bytes.add(last.bytes());
        }
        return new Run(bytes, vol.key(), Files.createDirectories(dir.resolve("state")), messages);
    }

    @Test
    void aRunningVmMovesLiveAndRunsOnItsNewDisk() throws Exception {
        try (LiveXapiPool pool = new LiveXapiPool(dir); XapiSession s = pool.login()) {
            GuestWriter guest = pool.xapi.startGuest(pool.vm, 2 * LiveXapiPool.MIB, 1);
            Thread.sleep(200);
            Run run;
            List<String> notes = new ArrayList<>();
            Map<String, String> moved;
            try (XapiSourceController c = new XapiSourceController(s, pool.vmUuid)) {
                assertEquals(List.of(pool.diskUuid), XapiSourceController.disksOf(s, pool.vmUuid));
                run = passes(pool, s, c, 3);
                assertFalse(guest.isRunning() && guest.awaitStopped(5000) == false, "the guest stopped with the VM");
                String finalSha = pool.rawSha256(pool.disk);
                assertEquals(finalSha, pool.volumeSha256(run.volumeKey(), LiveXapiPool.DISK_SIZE),
                        "the volume holds the disk's final state");
                moved = new XapiSwitchOver(s, pool.xapi.url(), pool.vmUuid,
                        pool.xapi.db().get("SR", pool.v3Sr).path("uuid").asText(), run.stateDir())
                        .repoint(Map.of(pool.diskUuid, run.volumeKey()), Map.of(pool.diskUuid, "sha256:" + finalSha),
                                events(notes));
                PowerEvent start = c.start();
                assertEquals("started-on-same-host", start.how());
            }
            assertTrue(guest.writes() > 10, "the guest wrote during the passes: " + guest.writes());
            assertEquals(5, run.passBytes().size());
            assertTrue(run.passBytes().get(1) < run.passBytes().get(0), "pass 1 is a delta: " + run.passBytes());
            assertEquals("Running", pool.xapi.db().get("VM", pool.vm).path("power_state").asText());
            assertEquals(pool.xapi.masterRef(), pool.xapi.db().get("VM", pool.vm).path("resident_on").asText());
            assertEquals(moved.get(pool.diskUuid), pool.vdiAtDevice0(), "VBD 0 repointed to the new VDI");
            assertNotEquals(pool.diskUuid, pool.vdiAtDevice0());
            assertEquals(List.of(), pool.snapshotVdis(), "no temporary snapshot left");
            var old = pool.xapi.db().get("VDI", pool.disk);
            assertFalse(old.path("cbt_enabled").asBoolean(), "CBT back off, as it was");
            assertEquals("{\"folder\":\"/db\"}", old.path("other_config").toString(), "the mark is gone");
            var neu = pool.xapi.db().get("VDI", pool.xapi.db().refOfUuid("VDI", moved.get(pool.diskUuid)).orElseThrow());
            assertEquals("/db", neu.path("other_config").path("folder").asText());
            assertEquals(pool.diskUuid, neu.path("other_config").path("smapi-migrate.source-vdi").asText());
            assertFalse(neu.path("other_config").has(XapiSourceController.MARK_KEY));
            assertEquals("[\"prod\"]", neu.path("tags").toString());
            noSecrets(pool, s, run, notes);
        }
    }

    @Test
    void aFaultBeforeTheRepointLeavesTheVmRunningOnItsOldDisk() throws Exception {
        try (LiveXapiPool pool = new LiveXapiPool(dir); XapiSession s = pool.login()) {
            pool.xapi.startGuest(pool.vm, 2 * LiveXapiPool.MIB, 2);
            // CBT was on before: it must stay on afterwards.
            s.call("VDI.enable_cbt", pool.disk);
            Run run;
            List<String> notes = new ArrayList<>();
            IOException failed;
            try (XapiSourceController c = new XapiSourceController(s, pool.vmUuid)) {
                run = passes(pool, s, c, 1);
                pool.xapi.faults().failOnCall("VBD.create", 1, "INTERNAL_ERROR", "injected by the test");
                failed = assertThrows(IOException.class, () -> new XapiSwitchOver(s, pool.xapi.url(), pool.vmUuid,
                        pool.xapi.db().get("SR", pool.v3Sr).path("uuid").asText(), run.stateDir())
                        .repoint(Map.of(pool.diskUuid, run.volumeKey()), Map.of(), events(notes)));
                assertEquals("started-on-same-host", c.start().how());
            }
            assertTrue(failed.getMessage().contains("injected by the test") && failed.getMessage().contains("Rolled back"),
                    failed.getMessage());
            assertFalse(failed.getMessage().contains("\n"));
            assertEquals("Running", pool.xapi.db().get("VM", pool.vm).path("power_state").asText());
            assertEquals(pool.diskUuid, pool.vdiAtDevice0(), "VBD 0 still on the old disk");
            assertEquals(List.of(), pool.snapshotVdis());
            var old = pool.xapi.db().get("VDI", pool.disk);
            assertTrue(old.path("cbt_enabled").asBoolean(), "CBT stays on: it was on before");
            assertFalse(old.path("other_config").has(XapiSourceController.MARK_KEY));
            notes.add(failed.getMessage());
            noSecrets(pool, s, run, notes);
        }
    }

    @Test
    void aGuestThatDoesNotShutDownIsNotForcedUnlessAsked() throws Exception {
        try (LiveXapiPool pool = new LiveXapiPool(dir); XapiSession s = pool.login()) {
            pool.xapi.startGuest(pool.vm, LiveXapiPool.MIB, 3);
            pool.xapi.guestIgnoresShutdown(pool.vm);
            // A run killed after a freeze: a new controller finds the marked snapshot, releases it,
            // and closing it then puts CBT back off.
            FrozenState orphan;
            try (XapiSourceController first = new XapiSourceController(s, pool.vmUuid)) {
                orphan = first.freeze(pool.diskUuid);
            }
            assertTrue(pool.xapi.db().get("VDI", pool.disk).path("cbt_enabled").asBoolean(), "kept for a resume");
            try (XapiSourceController again = new XapiSourceController(s, pool.vmUuid)) {
                List<FrozenState> found = again.recover(pool.diskUuid);
                assertEquals(List.of(orphan.id()), found.stream().map(FrozenState::id).toList());
                assertEquals("false", found.get(0).handle("cbt-was"));
                again.release(found.get(0));
            }
            assertFalse(pool.xapi.db().get("VDI", pool.disk).path("cbt_enabled").asBoolean(), "restored");
            assertEquals(List.of(), pool.snapshotVdis());
            try (XapiSourceController c = new XapiSourceController(s, pool.vmUuid)) {
                IOException e = assertThrows(IOException.class, () -> c.stop(new StopPolicy(Duration.ofMillis(400), false)));
                assertTrue(e.getMessage().contains("did not shut down cleanly within") && e.getMessage().contains(
                        "--force-shutdown"), e.getMessage());
                assertEquals("Running", pool.xapi.db().get("VM", pool.vm).path("power_state").asText());
                assertEquals("forced", c.stop(new StopPolicy(Duration.ofMillis(400), true)).how());
                assertEquals("Halted", pool.xapi.db().get("VM", pool.vm).path("power_state").asText());
                // A snapshot made by someone else is never released by us.
                String foreign = s.callForString("VDI.snapshot", pool.disk);
                String foreignUuid = s.callForString("VDI.get_uuid", foreign);
                FrozenState fake = new FrozenState(pool.diskUuid, foreignUuid, false, LiveXapiPool.DISK_SIZE,
                        java.time.Instant.now(), Map.of());
                IOException refused = assertThrows(IOException.class, () -> c.release(fake));
                assertTrue(refused.getMessage().contains("left alone"), refused.getMessage());
                assertTrue(pool.xapi.db().exists("VDI", foreign));
                assertTrue(c.recover(pool.diskUuid).isEmpty(), "recover finds only marked snapshots");
            }
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

    /** The password, the session ref and the export name appear in no message, state file or command line of ours. */
    private static void noSecrets(LiveXapiPool pool, XapiSession s, Run run, List<String> notes) throws IOException {
        List<String> secrets = List.of(StandIns.PASSWORD, s.sessionRef(), s.sessionRef().substring("OpaqueRef:".length()));
        List<String> texts = new ArrayList<>(run.messages());
        texts.addAll(notes);
        try (Stream<Path> files = Files.walk(run.stateDir())) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                texts.add(Files.readString(f));
            }
        }
        List<Long> standIn = pool.xapi.nbdServerPids();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                if (standIn.contains(Long.parseLong(p.getFileName().toString()))) {
                    continue; // the stand-in's qemu-nbd plays xapi-nbd on the host, see StandInNbd
                }
                try {
                    texts.add(new String(Files.readAllBytes(p.resolve("cmdline"))).replace('\0', ' '));
                } catch (IOException gone) {
                    // a process that ended meanwhile
                }
            }
        }
        for (String t : texts) {
            for (String secret : secrets) {
                assertFalse(t.contains(secret), "a secret in: " + t);
            }
        }
    }
}
