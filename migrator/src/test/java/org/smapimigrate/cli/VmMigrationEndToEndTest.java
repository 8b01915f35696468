package org.smapimigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.smapimigrate.datapath.VolumeAttachment;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.migrate.TargetSr;
import org.smapimigrate.plugin.PluginRoot;
import org.smapimigrate.plugin.Volume;
import org.smapimigrate.testing.Corpus;
import org.smapimigrate.vm.VmPlan;
import org.smapimigrate.vm.VmPlanJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.xapi.standin.StandIns;

/**
 * Issue 12's done-when against the XAPI stand-in (xapi test-jar; it models the datamodel's
 * records and reverse relations, VBD.create/destroy checks, blocked operations, and SR.scan of a
 * SMAPIv3 SR through the real bundled plugin), from the command line, with real SMAPIv1 data
 * ({@link VmPoolFixture}): first an uninterrupted run, judged in full (database diff, carried
 * metadata, data hashed through the datapath against qemu-io's, sources unchanged); then, on a
 * second pool, SIGKILL at twelve points of registration and repointing (the VM run's pause points, see
 * VmMigration, Repointing and LocalDiskTransport), each time running the same command again as
 * a child JVM: the end state equals an uninterrupted run's, by the stand-in's database with refs
 * and random uuids left out. The password reaches no file, log, report or process list.
 */
class VmMigrationEndToEndTest {
    @TempDir
    Path dir;

    /** In run order: each run resumes what the previous one left and is killed at its own Nth such point. */
    private static final List<String> KILL_POINTS = List.of(
            "vm-scanned:1",        // SR.scan done, VDIs not yet looked up or journaled
            "vm-registered:2",     // two new VDIs have tags and other_config
            "vm-registered:1",     // a third
            "vm-blocked:1",        // app-server's blocked operations journaled, not yet set
            "vm-vbd-saved:1",      // device 0's old record journaled, VBD not yet destroyed
            "vm-vbd-destroyed:1",  // device 0 has no VBD at all
            "vm-vbd-created:1",    // device 0 on its new VDI, device 1 not yet
            "vm-vbd-destroyed:1",  // device 1 has no VBD
            "vm-unblocked:1",      // app-server done and unblocked
            "vm-blocked:1",        // snapshot 1 blocked-before journaled
            "vm-vbd-created:2",    // snapshot 1's VBDs both replaced, still blocked
            "vm-vbd-saved:1");     // snapshot 2's device 0 journaled

    @Test
    void uninterruptedRunThenKilledAtTwelvePointsEndsTheSame() throws Exception {
        String reference;
        try (VmPoolFixture ref = VmPoolFixture.build(Files.createDirectories(dir.resolve("reference")))) {
            reference = uninterrupted(ref);
        }
        Path killedDir = Files.createDirectories(dir.resolve("killed"));
        try (VmPoolFixture pool = VmPoolFixture.build(killedDir)) {
            ObjectNode before = pool.xapi.dump();
            Path plan = plan(pool);
            List<String> args = List.of("migrate", "--plan", plan.toString(), "--xapi-password-file",
                    pool.passwordFile.toString(), "--xapi-ca", StandIns.pki().poolCa().caPem().toString());
            List<String> psLines = new ArrayList<>();
            int i = 0;
            for (String point : KILL_POINTS) {
                String out = killedAt(args, point, dir.resolve("run-" + (i++) + ".log"), psLines);
                assertTrue(out.contains("test pause: " + point), point + ": " + out);
            }
            Path lastLog = dir.resolve("run-last.log");
            Process p = child(args, null, lastLog);
            assertTrue(p.waitFor(300, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), Files.readString(lastLog));
            ObjectNode after = pool.xapi.dump();
            VmStateAssertions.expectedDifference(before, after, pool);
            VmStateAssertions.newVdisCarryTheOldMetadata(after, pool);
            assertEquals(reference, VmStateAssertions.canonical(after));
            assertFalse(psLines.isEmpty());
            for (String l : psLines) {
                assertFalse(l.contains(StandIns.PASSWORD), "password in ps: " + l);
            }
        }
        noFileHoldsThePassword(dir);
    }

    /**
     * Remote mode: the same VM moved with its data going through the stand-in's export_raw_vdi and
     * import_raw_vdi handlers (no plugin or SR path used by our side): the same VBD changes, the
     * same metadata (but snapshot_time, which XAPI sets when VDI.snapshot runs), the same data read
     * back through the target plugin.
     */
    @Test
    void remoteModeEndsInTheSameVbdsMetadataAndData() throws Exception {
        try (VmPoolFixture pool = VmPoolFixture.build(Files.createDirectories(dir.resolve("remote")))) {
            Map<Path, String> sourcesBefore = pool.sourceHashes();
            ObjectNode before = pool.xapi.dump();
            Path plan = pool.dir.resolve("vm-plan.json");
            List<String> a = new ArrayList<>(List.of("plan", "--vm", "app-server", "--target-sr", "SMAPIv3 target", "-o",
                    plan.toString(), "--host-root", pool.hostRoot.toString(), "--transport", "xapi"));
            a.addAll(pool.xapiOptions());
            CliRun r = CliRun.of(a.toArray(String[]::new));
            assertEquals(0, r.exitCode(), r.out() + r.err());
            assertTrue(r.out().contains("transport: xapi"), r.out());
            CliRun m = CliRun.of("migrate", "--plan", plan.toString(), "--state-dir", pool.dir.resolve("state").toString(),
                    "--xapi-password-file", pool.passwordFile.toString(), "--xapi-ca",
                    StandIns.pki().poolCa().caPem().toString());
            assertEquals(0, m.exitCode(), m.out() + m.err());
            ObjectNode after = pool.xapi.dump();
            VmStateAssertions.expectedDifference(before, after, pool);
            VmStateAssertions.newVdisCarryTheOldMetadata(after, pool, false);
            newVolumesHoldTheSourceData(after, pool);
            assertEquals(sourcesBefore, pool.sourceHashes(), "source files unchanged");
            assertFalse((m.out() + m.err()).contains(StandIns.PASSWORD));
        }
        noFileHoldsThePassword(dir);
    }

    /** The halted VM with its two snapshots moved with names, descriptions, tags, other_config and data; returns the canonical end state. */
    private static String uninterrupted(VmPoolFixture pool) throws Exception {
        Map<Path, String> sourcesBefore = pool.sourceHashes();
        ObjectNode before = pool.xapi.dump();
        Path planFile = plan(pool);
        VmPlan plan = VmPlanJson.read(planFile);
        assertEquals(3, plan.vms().size(), "the VM and its two snapshots");
        assertEquals(6, plan.disks().size());
        assertEquals(2, plan.diskPlans().size(), "one engine plan per source SR");
        assertTrue(plan.risks().stream().anyMatch(r -> r.code().equals("cd-left-alone")), plan.risks().toString());
        assertEquals(before, pool.xapi.dump(), "plan changes nothing");
        CliRun m = CliRun.of("migrate", "--plan", planFile.toString(), "--xapi-password-file",
                pool.passwordFile.toString(), "--xapi-ca", StandIns.pki().poolCa().caPem().toString());
        assertEquals(0, m.exitCode(), m.out() + m.err());
        ObjectNode after = pool.xapi.dump();
        VmStateAssertions.expectedDifference(before, after, pool);
        VmStateAssertions.newVdisCarryTheOldMetadata(after, pool);
        newVolumesHoldTheSourceData(after, pool);
        assertEquals(sourcesBefore, pool.sourceHashes(), "source files unchanged");
        assertTrue(m.err().contains("retire"), m.err());

        CliRun again = CliRun.of("migrate", "--plan", planFile.toString(), "--xapi-password-file",
                pool.passwordFile.toString(), "--xapi-ca", StandIns.pki().poolCa().caPem().toString());
        assertEquals(0, again.exitCode(), again.err());
        assertEquals(VmStateAssertions.canonical(after), VmStateAssertions.canonical(pool.xapi.dump()),
                "a rerun of a finished plan changes nothing");
        assertFalse((m.out() + m.err() + again.out() + again.err()).contains(StandIns.PASSWORD));
        return VmStateAssertions.canonical(after);
    }

    /** Each new VDI's volume read back through the plugin's datapath, hashed, against qemu's hash of the source. */
    static void newVolumesHoldTheSourceData(ObjectNode db, VmPoolFixture pool) throws Exception {
        JsonNode v3 = db.get("SR").get(pool.v3Sr);
        Map<String, String> config = new TreeMap<>();
        JsonNode pbd = db.get("PBD").get(v3.get("PBDs").get(0).asText());
        pbd.get("device_config").fields().forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
        TargetSr t = TargetSr.attach(new PluginRoot(StandIns.bundledPluginRoot(), Duration.ofSeconds(60)),
                StandIns.DIRVOL, config);
        int checked = 0;
        for (Volume listed : t.plugin().srLs(t.sr())) {
            JsonNode vdi = VmStateAssertions.vdiAt(db, pool.v3Sr, listed.key());
            String source = vdi.get("other_config").path("smapi-migrate.source-vdi").asText(null);
            if (source == null) {
                continue; // a carrier (base copy) volume
            }
            Volume v = t.plugin().volumeStat(t.sr(), listed.key());
            try (VolumeAttachment a = VolumeAttachment.attach(t.root(), v, VolumeAttachment.dom0Domain("test"));
                 VirtualDisk disk = a.openReader(vdi.get("virtual_size").asLong())) {
                assertEquals(pool.expected.get(source), Corpus.sha256(disk), "volume of " + source);
            }
            checked++;
        }
        assertEquals(6, checked);
    }

    private static Path plan(VmPoolFixture pool) throws Exception {
        Path plan = pool.dir.resolve("vm-plan.json");
        List<String> a = new ArrayList<>(List.of("plan", "--vm", "app-server", "--target-sr", "SMAPIv3 target", "-o",
                plan.toString(), "--host-root", pool.hostRoot.toString()));
        a.addAll(pool.xapiOptions());
        CliRun r = CliRun.of(a.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("transport: local"), r.out());
        assertFalse((r.out() + r.err()).contains(StandIns.PASSWORD));
        return plan;
    }

    private static Process child(List<String> args, String pause, Path log) throws Exception {
        List<String> cmd = ChildJvm.smapiMigrate(pause == null ? List.of() : List.of("-Dsmapi-migrate.test.pause=" + pause),
                args);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Runs until the pause is announced, records the process list, SIGKILLs; returns the output. */
    private static String killedAt(List<String> args, String pause, Path log, List<String> ps) throws Exception {
        return PlanRuns.stoppedAt(args, pause, log, false, () -> {
            Process q = new ProcessBuilder("ps", "-ww", "-eo", "args").start();
            ps.addAll(new String(q.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList());
            q.waitFor();
        });
    }

    /** Every file written during the test (plans, journals, manifests, logs, state, SR files) but the password file. */
    static void noFileHoldsThePassword(Path root) throws Exception {
        byte[] secret = StandIns.PASSWORD.getBytes(StandardCharsets.UTF_8);
        int files = 0;
        try (var s = Files.walk(root)) {
            for (Path f : s.filter(Files::isRegularFile).toList()) {
                if (f.getFileName().toString().equals("xapi-password") || Files.size(f) > (256L << 20)) {
                    continue;
                }
                files++;
                byte[] b = Files.readAllBytes(f);
                assertFalse(indexOf(b, secret) >= 0, "password in " + f);
            }
        }
        assertTrue(files > 20, "files checked: " + files);
    }

    private static int indexOf(byte[] b, byte[] x) {
        outer:
        for (int i = 0; i + x.length <= b.length; i++) {
            for (int j = 0; j < x.length; j++) {
                if (b[i + j] != x[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
