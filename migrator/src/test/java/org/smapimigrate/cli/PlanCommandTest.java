package org.smapimigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.plan.CorpusInventory;
import org.smapimigrate.plan.Plan;
import org.smapimigrate.plan.PlanJson;
import org.smapimigrate.plan.Strategy;
import picocli.CommandLine;

/** {@code smapi-migrate plan} end to end, from the corpus file SR saved as a scan inventory. */
class PlanCommandTest {
    static final String CLONE = "e497b363-d12e-4e43-8b86-6401cba52d0f";

    /** The manifest's file_sr block has the shape of 'scan --json' (sr, vdis, leftovers, problems). */
    /**
     * The corpus manifest's inventory names the leftovers but carries no causes with advice, so the
     * VDI mid-leaf-coalesce it leaves out of a whole-SR plan is the vdi-mid-operation error.
     */
    static final java.util.List<String> MANIFEST_ERRORS = java.util.List.of("vdi-mid-operation");

    static Path savedInventory(Path dir) throws Exception {
        Path f = dir.resolve("inventory.json");
        Files.writeString(f, new ObjectMapper().writeValueAsString(CorpusInventory.manifest().get("file_sr")));
        return f;
    }

    @Test
    void plansFromASavedInventoryAndWritesPlanAndReports(@TempDir Path dir) throws Exception {
        Path inv = savedInventory(dir);
        Path target = dir.resolve("v3-sr");
        CliRun r = CliRun.of("plan", "--inventory", inv.toString(), "--target-sr", target.toString(),
                "-o", dir.resolve("plan.json").toString(), "--report", dir.resolve("report.html").toString(),
                "--throughput", "500M");
        PlanRuns.exitsForItsRisks(r, MANIFEST_ERRORS);
        assertTrue(r.out().contains("strategy: keep snapshot trees"), r.out());
        assertTrue(r.out().contains("7 of 7 selected VDIs"), r.out());
        assertTrue(r.out().contains("at 500 MiB/s (given)"), r.out());
        Plan plan = PlanJson.read(dir.resolve("plan.json"));
        assertEquals(Strategy.PRESERVE, plan.strategy());
        assertEquals(7, plan.totals().vdisMigrated());
        assertTrue(plan.target().description().contains("org.smapimigrate.dirvol"));
        assertTrue(plan.target().freeSpace() != null, "free space of the filesystem holding the target");
        assertTrue(Files.readString(dir.resolve("report.html")).contains("<svg class=\"tree\""));
        CliRun md = CliRun.of("plan", "--inventory", inv.toString(), "--target-sr", target.toString(), "--flatten",
                "--report", dir.resolve("report.md").toString());
        PlanRuns.exitsForItsRisks(md, MANIFEST_ERRORS);
        assertTrue(md.out().contains("strategy: flatten every VDI"), md.out());
        assertTrue(Files.readString(dir.resolve("report.md")).contains("## Snapshot trees"));
    }

    @Test
    void jsonGoesToStandardOutput(@TempDir Path dir) throws Exception {
        CliRun r = CliRun.of("plan", "--inventory", savedInventory(dir).toString(), "--target-sr", dir.toString(),
                "--vdi", CLONE, "--json");
        assertEquals(0, r.exitCode(), r.err());
        Plan plan = PlanJson.fromJson(r.out());
        assertEquals(1, plan.totals().vdisMigrated());
        assertEquals(CLONE, ((org.smapimigrate.plan.CreateVolume) plan.steps().get(0)).owner());
    }

    @Test
    void targetFeaturesAndFreeSpaceCanBeGiven(@TempDir Path dir) throws Exception {
        CliRun r = CliRun.of("plan", "--inventory", savedInventory(dir).toString(), "--target-sr", dir.toString(),
                "--target-features", "VDI_CREATE,VDI_RESIZE", "--target-free", "10M");
        PlanRuns.exitsForItsRisks(r, java.util.List.of("target-space-insufficient", "vdi-mid-operation"));
        assertTrue(r.out().contains("strategy: flatten every VDI"), r.out());
        assertTrue(r.out().contains("error   target-space-insufficient"), r.out());
        assertTrue(r.out().contains("warning target-cannot-keep-trees"), r.out());
    }

    @Test
    void anInstalledPluginIsAskedForItsFeaturesAndMethods(@TempDir Path dir) throws Exception {
        // A plugin advertising snapshots and clones but lacking the scripts for them: both must be
        // consulted (interface doc section 6), so the plan flattens.
        Path plugin = Files.createDirectories(dir.resolve("volume/org.example.plain"));
        script(plugin, "Plugin.Query", "echo '{\"plugin\":\"org.example.plain\",\"name\":\"plain\","
                + "\"description\":\"d\",\"vendor\":\"v\",\"copyright\":\"c\",\"version\":\"1.0\","
                + "\"required_api_version\":\"5.0\",\"features\":[\"VDI_CREATE\",\"VDI_SNAPSHOT\","
                + "\"VDI_CLONE\",\"VDI_RESIZE\"],\"configuration\":{},\"required_cluster_stack\":[]}'");
        for (String m : new String[] {"SR.stat", "Volume.create", "Volume.set", "Volume.resize"}) {
            script(plugin, m, "exit 1");
        }
        CliRun r = CliRun.of("plan", "--inventory", savedInventory(dir).toString(), "--plugins", dir.toString(),
                "--volume-plugin", "org.example.plain", "--json");
        PlanRuns.exitsForItsRisks(r, MANIFEST_ERRORS);
        Plan plan = PlanJson.fromJson(r.out());
        assertEquals(Strategy.FLATTEN, plan.strategy());
        assertTrue(plan.target().features().contains("VDI_CLONE"));
        assertEquals(java.util.List.of("Volume.create", "Volume.resize", "Volume.set", "SR.stat"),
                plan.target().methods());
        CliRun missing = CliRun.of("plan", "--inventory", savedInventory(dir).toString(), "--plugins", dir.toString(),
                "--volume-plugin", "org.example.none");
        assertEquals(1, missing.exitCode());
        assertTrue(missing.err().contains("no volume plugin 'org.example.none'"), missing.err());
    }

    @Test
    void theBundledPluginIsQueriedForReal(@TempDir Path dir) throws Exception {
        CliRun r = CliRun.of("plan", "--inventory", savedInventory(dir).toString(), "--target-sr",
                dir.resolve("sr").toString(), "--json");
        PlanRuns.exitsForItsRisks(r, MANIFEST_ERRORS);
        Plan plan = PlanJson.fromJson(r.out());
        assertTrue(plan.target().features().containsAll(java.util.List.of("VDI_CREATE", "VDI_SNAPSHOT", "VDI_CLONE",
                "VDI_RESIZE")), plan.target().features().toString());
        assertTrue(plan.target().methods().containsAll(java.util.List.of("Volume.snapshot", "Volume.clone")));
        assertTrue(Files.notExists(dir.resolve("sr")), "planning must not create the target SR");
    }

    static void script(Path dir, String name, String body) throws Exception {
        Path f = Files.writeString(dir.resolve(name), "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void badInputIsOneClearLine(@TempDir Path dir) throws Exception {
        Path inv = savedInventory(dir);
        CliRun unknown = CliRun.of("plan", "--inventory", inv.toString(), "--target-sr", dir.toString(),
                "--vdi", "00000000-0000-0000-0000-000000000000");
        assertEquals(1, unknown.exitCode());
        assertTrue(unknown.err().contains("has no VDI 00000000-0000-0000-0000-000000000000"), unknown.err());
        assertTrue(!unknown.err().contains("this is a bug"), unknown.err());
        Path broken = Files.writeString(dir.resolve("broken.json"), "{\"sr\":{\"type\":\"file\"},\"vdis\":[{\"uuid\":1}]}");
        CliRun bad = CliRun.of("plan", "--inventory", broken.toString(), "--target-sr", dir.toString());
        assertEquals(1, bad.exitCode());
        assertTrue(bad.err().contains("vdis[0].uuid should be a string"), bad.err());
        assertEquals(2, CliRun.of("plan", "--inventory", inv.toString()).exitCode(), "a target is required");
        assertEquals(2, CliRun.of("plan", "--inventory", inv.toString(), "--target-sr", "x",
                "--volume-plugin", "z").exitCode(), "one target only");
        CliRun pdf = CliRun.of("plan", "--inventory", inv.toString(), "--target-sr", dir.toString(), "--report", "r.pdf");
        assertEquals(2, pdf.exitCode());
        assertTrue(pdf.err().contains(".html or .md"), pdf.err());
        assertEquals(2, CliRun.of("plan", "--inventory", inv.toString(), "--target-sr", dir.toString(),
                "--throughput", "fast").exitCode());
    }

    @Test
    void helpFitsEightyColumns() {
        CliRun r = CliRun.of("help", "plan");
        assertEquals(0, r.exitCode());
        for (String opt : new String[] {"--sr", "--inventory", "--vdi", "--target-sr", "--plugins", "--volume-plugin", "--report",
            "--throughput", "--flatten", "--json", "--output"}) {
            assertTrue(r.out().contains(opt), opt);
        }
        for (String line : r.out().split("\n")) {
            assertTrue(line.length() <= 80, "help line over 80 columns: " + line);
        }
    }

    @Test
    void sizesAndRates() {
        PlanCommand.ByteSize c = new PlanCommand.ByteSize();
        assertEquals(500L << 20, c.convert("500M"));
        assertEquals(500L << 20, c.convert("500MiB/s"));
        assertEquals(3L << 29, c.convert("1.5G"));
        assertEquals(4096L, c.convert("4k"));
        assertEquals(123L, c.convert("123"));
        assertThrows(CommandLine.TypeConversionException.class, () -> c.convert("0"));
        assertThrows(CommandLine.TypeConversionException.class, () -> c.convert("-5M"));
    }
}
