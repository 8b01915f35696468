package org.smapimigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.batch.JobStates;
import org.smapimigrate.batch.VolumeState;
import org.smapimigrate.xapi.standin.StandIns;

/**
 * A batch job of VMs through XAPI ({@code source: { xapi: { url, password-file, ca, vms } }},
 * {@code target: { pool-sr: NAME }}) against the XAPI stand-in and real SMAPIv1 data
 * ({@link VmPoolFixture}: the halted "app-server" with two snapshots and disks on a file SR and an
 * LVM SR, the running "db"). One run moves app-server exactly as 'migrate --xapi --vm' does (the
 * same VBD and metadata changes, VmStateAssertions; each new volume read back against qemu's hash
 * of its source) and fails db, which runs, by its risk code, changing nothing of it; the VM is the
 * unit recorded (its uuid). The next run finds app-server done and still so on the pool (no VBD
 * back on a moved VDI, the digests XAPI keeps unchanged) and changes nothing. The password, read
 * from the job's password file, is in no file the runs wrote and in no output. A password in the
 * job file is refused at its line.
 */
class BatchVmJobTest {
    @TempDir
    Path dir;

    @Test
    void aJobOfVmsMovesTheHaltedOneAndFailsTheRunningOneByItsRisk() throws Exception {
        try (VmPoolFixture pool = VmPoolFixture.build(Files.createDirectories(dir.resolve("pool")))) {
            Map<Path, String> sourcesBefore = pool.sourceHashes();
            ObjectNode before = pool.xapi.dump();
            String app = before.get("VM").get(pool.app).get("uuid").asText();
            String db = before.get("VM").get(pool.db).get("uuid").asText();
            Path jobs = dir.resolve("jobs.yaml");
            Files.writeString(jobs, "jobs:\n"
                    + "  - name: vms\n"
                    + "    source:\n"
                    + "      xapi:\n"
                    + "        url: " + pool.xapi.url() + "\n"
                    + "        password-file: " + pool.passwordFile + "\n"
                    + "        ca: " + StandIns.pki().poolCa().caPem() + "\n"
                    + "        vms: [app-server, db]\n"
                    + "    selection: all\n"
                    + "    target: { pool-sr: \"SMAPIv3 target\" }\n"
                    + "    options: { retries: 0 }\n");
            CliRun r = CliRun.of("batch", "run", jobs.toString(), "--host-root", pool.hostRoot.toString());
            assertEquals(1, r.exitCode(), r.out() + r.err());
            assertTrue(r.out().contains("vms  " + app + "  done, "), r.out());
            assertTrue(r.out().contains("vms  " + db + "  FAILED after 1 attempt: ") && r.out().contains("vm-running"),
                    r.out());
            ObjectNode after = pool.xapi.dump();
            VmStateAssertions.expectedDifference(before, after, pool);
            VmStateAssertions.newVdisCarryTheOldMetadata(after, pool);
            VmMigrationEndToEndTest.newVolumesHoldTheSourceData(after, pool);
            assertEquals(sourcesBefore, pool.sourceHashes(), "source files unchanged");
            Map<String, VolumeState> states = new HashMap<>();
            for (VolumeState s : JobStates.load(dir.resolve("jobs.state"), "vms").all()) {
                states.put(s.vdi(), s);
            }
            assertEquals(VolumeState.Status.DONE, states.get(app).status(), states.toString());
            assertTrue(states.get(app).digest().startsWith("vm-disks-sha256:"), states.get(app).digest());
            assertEquals(VolumeState.Status.FAILED, states.get(db).status(), states.toString());
            assertTrue(states.get(db).reason().contains("vm-running"), states.get(db).reason());

            CliRun status = CliRun.of("batch", "status", jobs.toString());
            assertEquals(0, status.exitCode(), status.err());
            assertTrue(status.out().contains("vms: 2 volumes, 0 pending, 0 running, 1 done, 1 failed, 0 skipped"),
                    status.out());
            CliRun plan = CliRun.of("batch", "plan", jobs.toString());
            assertEquals(0, plan.exitCode(), plan.err());
            assertTrue(plan.out().contains("note: vms: VMs through XAPI are planned when the run reaches them"),
                    plan.out());

            CliRun again = CliRun.of("batch", "run", jobs.toString(), "--host-root", pool.hostRoot.toString());
            assertEquals(1, again.exitCode(), again.out() + again.err());
            assertTrue(again.out().contains("vms  " + app + "  done before, still matches"), again.out());
            assertEquals(VmStateAssertions.canonical(after), VmStateAssertions.canonical(pool.xapi.dump()),
                    "the second run changed the pool");
            // A job naming the file SR instead of VMs: what has a disk there now is db alone (app-server and
            // its snapshots were repointed off it); db still runs.
            Path bySr = dir.resolve("by-sr.yaml");
            Files.writeString(bySr, Files.readString(jobs).replace("name: vms", "name: by-sr").replace(
                    "vms: [app-server, db]", "sr: \"" + before.get("SR").get(pool.fileSr).get("name_label").asText()
                            + "\""));
            CliRun sr = CliRun.of("batch", "run", bySr.toString(), "--host-root", pool.hostRoot.toString());
            assertEquals(1, sr.exitCode(), sr.out() + sr.err());
            assertTrue(sr.out().contains("by-sr  " + db + "  FAILED after 1 attempt: ") && sr.out().contains("vm-running"),
                    sr.out());
            assertFalse(sr.out().contains(app), "app-server has no disk on the file SR any more: " + sr.out());
            assertEquals(VmStateAssertions.canonical(after), VmStateAssertions.canonical(pool.xapi.dump()));
            for (CliRun x : new CliRun[] {r, again, sr}) {
                assertFalse((x.out() + x.err()).contains(StandIns.PASSWORD), "password in the output");
            }
        }
        VmMigrationEndToEndTest.noFileHoldsThePassword(dir);
    }

    @Test
    void aPasswordInTheJobFileIsRefusedAtItsLine() throws Exception {
        Path jobs = dir.resolve("bad.yaml");
        Files.writeString(jobs, "jobs:\n  - name: vms\n    source:\n      xapi:\n        url: https://pool\n"
                + "        password: hunter2\n        vms: [web]\n    selection: all\n"
                + "    target: { pool-sr: v3 }\n");
        CliRun r = CliRun.of("batch", "run", jobs.toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().startsWith("smapi-migrate: error: " + jobs + ":6: jobs[0].source.xapi.password: a password"
                + " never goes in the job file"), r.err());
        assertFalse(r.err().contains("hunter2"), r.err());
        assertFalse(Files.exists(dir.resolve("bad.state")), "nothing written");
    }
}
