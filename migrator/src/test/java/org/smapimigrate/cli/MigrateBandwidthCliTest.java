package org.smapimigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.bench.ExternalTool;
import org.smapimigrate.bench.SparseInput;

/**
 * 'migrate --bandwidth' from the command line: a fully allocated 24 MiB VHD (random data, made by
 * qemu-img) at 8 MiB/s. The copy step reads every byte once, so its time (the step-done event's
 * seconds) is at least 24/8 = 3 s less the bucket's first burst (a tenth of a second of traffic),
 * 2.9 s, within 10%; the step also attaches the target and syncs it, which the upper bound allows
 * one second for. The source-read span alone is timed within 10% by BandwidthLimitTest and
 * BandwidthCheck. A rate that is not one is a usage error naming the option.
 */
class MigrateBandwidthCliTest {
    private static final String VDI = "3c3c3c3c-1111-4222-8333-444444444444";

    @TempDir
    Path tmp;

    @Test
    void theCopyStepOfAMigrateAt8MiBPerSecondTakesItsTime() throws Exception {
        Path qemuImg = ExternalTool.require("qemu-img", "qemu-utils");
        Path sr = Files.createDirectories(tmp.resolve("v1"));
        Path raw = tmp.resolve("d.raw");
        assertEquals(24L << 20, SparseInput.writeRaw(raw, 24L << 20, 100, 7), "every block holds data");
        SparseInput.toDynamicVhd(qemuImg, raw, sr.resolve(VDI + ".vhd"));
        Files.delete(raw);

        CliRun r = CliRun.of("migrate", "--sr", sr.toString(), "--vdi", VDI, "--target-sr", tmp.resolve("v3").toString(),
                "--state-dir", tmp.resolve("state").toString(), "--bandwidth", "8MiB/s", "--json");
        assertEquals(0, r.exitCode(), r.out() + r.err());
        JsonNode copy = null;
        for (String line : r.out().lines().toList()) {
            JsonNode e = new ObjectMapper().readTree(line);
            if ("step-done".equals(e.path("event").asText()) && "copy-extents".equals(e.path("kind").asText())) {
                copy = e;
            }
        }
        assertNotNull(copy, "a copy step: " + r.out());
        assertEquals(24L << 20, copy.get("bytes_read").asLong(), copy.toString());
        double seconds = copy.get("seconds").asDouble();
        double floor = (24.0 - 0.8) / 8;
        System.out.printf("MigrateBandwidthCliTest: 24 MiB at 8 MiB/s: copy step %.2f s (reads alone at least"
                + " %.2f s)%n", seconds, floor);
        assertTrue(seconds >= floor * 0.9 && seconds <= floor * 1.1 + 1.0,
                "the copy step took " + seconds + " s, not " + floor + " s within 10% (plus 1 s for attach and sync)");
    }

    @Test
    void aBadRateIsAUsageErrorNamingTheOption() {
        CliRun r = CliRun.of("migrate", "--sr", tmp.toString(), "--vdi", VDI, "--target-sr", tmp.resolve("v3").toString(),
                "--bandwidth", "50MB/s");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("--bandwidth: '50MB/s' is not a rate; write e.g. 200MiB/s"), r.err());
        assertTrue(!Files.exists(tmp.resolve("v3")), "nothing made");
        CliRun vm = CliRun.of("migrate", "--xapi", "https://pool.invalid", "--vm", "web", "--target-sr", "v3",
                "--bandwidth", "50MiB/s");
        assertEquals(2, vm.exitCode(), vm.err());
        assertTrue(vm.err().contains("--bandwidth limits SR, XVA and NBD sources, not a VM migration"), vm.err());
    }
}
