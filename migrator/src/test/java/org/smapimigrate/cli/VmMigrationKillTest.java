package org.smapimigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * SIGKILL at twelve points of registration and repointing (the VM run's pause points, see
 * VmMigration, Repointing and LocalDiskTransport), each time running the same command again as
 * a child JVM: the end state equals an uninterrupted run's, by the stand-in's database with refs
 * and random uuids left out. The password reaches no file, log, report or process list.
 */
class VmMigrationKillTest {
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
    void killedAtTwelvePointsThenRerunEndsAsAnUninterruptedRun() throws Exception {
        String reference;
        try (VmPoolFixture ref = VmPoolFixture.build(Files.createDirectories(dir.resolve("reference")))) {
            Path plan = plan(ref);
            CliRun m = CliRun.of("migrate", "--plan", plan.toString(), "--xapi-password-file",
                    ref.passwordFile.toString(), "--xapi-ca", StandIns.pki().poolCa().caPem().toString(), "-q");
            assertEquals(0, m.exitCode(), m.err());
            reference = VmStateAssertions.canonical(ref.xapi.dump());
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

    private Path plan(VmPoolFixture pool) throws Exception {
        Path plan = pool.dir.resolve("vm-plan.json");
        List<String> a = new ArrayList<>(List.of("plan", "--vm", "app-server", "--target-sr", "SMAPIv3 target", "-o",
                plan.toString(), "--host-root", pool.hostRoot.toString()));
        a.addAll(pool.xapiOptions());
        CliRun r = CliRun.of(a.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertFalse((r.out() + r.err()).contains(StandIns.PASSWORD));
        return plan;
    }

    private static Process child(List<String> args, String pause, Path log) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-cp", System.getProperty("java.class.path")));
        if (pause != null) {
            cmd.add("-Dsmapi-migrate.test.pause=" + pause);
        }
        cmd.add("org.smapimigrate.cli.SmapiMigrate");
        cmd.addAll(args);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Runs until the pause is announced, records the process list, SIGKILLs; returns the output. */
    private static String killedAt(List<String> args, String pause, Path log, List<String> ps) throws Exception {
        Process p = child(args, pause, log);
        try {
            for (int i = 0; i < 3000 && p.isAlive(); i++) {
                if (Files.readString(log).contains("smapi-migrate: test pause: ")) {
                    break;
                }
                Thread.sleep(100);
            }
            String out = Files.readString(log);
            assertTrue(p.isAlive() && out.contains("smapi-migrate: test pause: "), "the run reached " + pause + ": " + out);
            Process q = new ProcessBuilder("ps", "-ww", "-eo", "args").start();
            ps.addAll(new String(q.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList());
            q.waitFor();
            p.destroyForcibly();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(137, p.exitValue(), "killed by SIGKILL");
            return Files.readString(log);
        } finally {
            p.destroyForcibly();
        }
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
