package org.smapimigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.live.HookCommand;
import org.smapimigrate.live.LocalController;
import org.smapimigrate.migrate.MigrationException;

/**
 * {@code migrate --mode live --sr} on a VDI whose CBT is on (a {@code <vdi>.cbtlog} beside its VHD,
 * smapiv1-layout.md A): refused in one line saying what, why and what to do, before any change:
 * the SR's files byte for byte as before (names and SHA-256), no hook run, no target volume, no
 * pass journal. The VHD is made by qemu-img (vpc), the log is opaque bytes (only its name matters).
 */
class MigrateLiveCbtRefusalTest {
    static final String VDI = "5d3b8c1e-2f4a-4b6c-9d8e-0a1b2c3d4e5f";

    @TempDir
    Path dir;

    private Path sr() throws Exception {
        Path sr = Files.createDirectories(dir.resolve("sr"));
        Process p = new ProcessBuilder("qemu-img", "create", "-q", "-f", "vpc", "-o", "subformat=dynamic",
                sr.resolve(VDI + ".vhd").toString(), "16M").redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "qemu-img create");
        assertEquals(0, p.exitValue(), "qemu-img (Debian package qemu-utils) failed: "
                + new String(p.getInputStream().readAllBytes()));
        byte[] log = new byte[4096];
        new Random(5).nextBytes(log);
        Files.write(sr.resolve(VDI + ".cbtlog"), log);
        return sr;
    }

    private static Map<String, String> listing(Path sr) throws Exception {
        Map<String, String> m = new TreeMap<>();
        try (var s = Files.list(sr)) {
            for (Path f : s.toList()) {
                m.put(f.getFileName().toString(), java.util.HexFormat.of().formatHex(
                        java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
            }
        }
        return m;
    }

    @Test
    void aTrackedDiskIsRefusedBeforeAnyChange() throws Exception {
        Path sr = sr();
        Map<String, String> before = listing(sr);
        Path marks = dir.resolve("hook-ran");
        String hook = "touch " + marks;
        CliRun r = CliRun.of("migrate", "--mode", "live", "--sr", sr.toString(), "--vdi", VDI, "--target-sr",
                dir.resolve("v3").toString(), "--state-dir", dir.resolve("state").toString(), "--reopen-hook", hook,
                "--stop-hook", hook, "--start-hook", hook, "--report", dir.resolve("run.md").toString());
        assertEquals(1, r.exitCode(), r.err());
        String err = r.err().strip();
        assertFalse(err.contains("\n"), "one line: " + err);
        assertTrue(err.startsWith("smapi-migrate: error: VDI " + VDI + " has changed block tracking on ("), err);
        assertTrue(err.contains(VDI + ".cbtlog"), err);
        assertTrue(err.contains("xe vdi-disable-cbt uuid=" + VDI) && err.contains("--xapi URL --vm NAME"), err);
        assertEquals(before, listing(sr), "the SR is as it was");
        assertFalse(Files.exists(marks), "no hook ran");
        assertFalse(Files.exists(dir.resolve("v3")), "no target SR or volume made");
        try (var s = Files.list(dir.resolve("state"))) {
            assertEquals(0, s.count(), "no pass journal, no controller record");
        }
        // Without the log the same disk is not refused (the refusal is about CBT, not the VDI).
        Files.delete(sr.resolve(VDI + ".cbtlog"));
        try (LocalController c = new LocalController(sr, dir.resolve("records"), null, new HookCommand("--stop-hook",
                "true"), new HookCommand("--start-hook", "true"))) {
            c.refuseTrackedDisk(VDI);
        }
    }

    @Test
    void theControllerRefusesToFreezeATrackedDisk() throws Exception {
        Path sr = sr();
        Map<String, String> before = listing(sr);
        try (LocalController c = new LocalController(sr, dir.resolve("records"), null, new HookCommand("--stop-hook",
                "true"), new HookCommand("--start-hook", "true"))) {
            MigrationException e = assertThrows(MigrationException.class, () -> c.freeze(VDI));
            assertTrue(e.getMessage().contains("changed block tracking on"), e.getMessage());
        }
        assertEquals(before, listing(sr), "no snapshot made");
    }
}
