package org.smapimigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.plan.ForecastPass;
import org.smapimigrate.plan.LiveForecast;
import org.smapimigrate.plan.Plan;
import org.smapimigrate.plan.PlanJson;
import org.smapimigrate.plan.Risk;
import org.smapimigrate.vhd.VhdWriter;

/**
 * {@code plan --mode live}: the forecast in the plan file, its JSON, the summary and both
 * reports, from the corpus file SR's manifest (ground truth, not our reader); usage errors; and
 * the write rate sampled from a disk a writer thread grows while 'plan' watches.
 */
class PlanLiveTest {
    /** The corpus clone: user VDI of 2 MiB over base copy a328e562 of 2 MiB, 16 MiB virtual (manifest). */
    static final String CLONE = PlanCommandTest.CLONE;
    static final long MIB = 1L << 20;

    @Test
    void forecastsThePassesOfARunningDiskInJsonTextAndReports(@TempDir Path dir) throws Exception {
        Path inv = PlanCommandTest.savedInventory(dir);
        CliRun r = CliRun.of("plan", "--inventory", inv.toString(), "--target-sr", dir.resolve("v3").toString(),
                "--vdi", CLONE, "--mode", "live", "--write-rate", "1M", "--throughput", "200M", "--switch-below",
                "1M", "--max-passes", "5", "-o", dir.resolve("plan.json").toString(), "--report",
                dir.resolve("plan.md").toString());
        assertEquals(0, r.exitCode(), r.err());
        Plan plan = PlanJson.read(dir.resolve("plan.json"));
        assertNotNull(plan.live(), "a live plan carries its forecast");
        assertEquals(1, plan.live().disks().size());
        LiveForecast f = plan.live().disks().get(0);
        assertEquals(CLONE, f.vdi());
        // The model by hand: pass 0 copies the chain's 4 MiB in 4/200 s + 0.5 s overhead; the VM
        // writes 1 MiB/s meanwhile: pass 1 = 0.52 MiB, at most 1M, so the passes stop; the
        // switch-over copies what was written during pass 1 and checks the 4 MiB.
        double t0 = 4.0 / 200 + 0.5;
        long p1 = (long) Math.ceil(MIB * t0);
        double t1 = (double) p1 / (200 * MIB) + 0.5;
        long last = (long) Math.ceil(MIB * t1);
        assertEquals(List.of(new ForecastPass(0, 4 * MIB, t0), new ForecastPass(1, p1, t1)), f.passes());
        assertEquals(last, f.finalBytes());
        assertEquals(4 * MIB, f.verifyBytes());
        // The check also hashes the whole 16 MiB on each side at the SHA-256 rate the plan measured here.
        long hash = plan.live().settings().hashRate();
        assertTrue(hash > MIB, "SHA-256 at " + hash + " B/s");
        assertEquals(0.5 + (double) (last + 4 * MIB) / (200 * MIB) + 16.0 * MIB / hash, f.downtimeSeconds(), 1e-9);
        assertTrue(f.converges());
        assertEquals(LiveForecast.THRESHOLD, f.stop());
        assertTrue(r.out().contains("live: write rate 1.00 MiB/s (given), switch below 1.00 MiB, at most 5 passes"),
                r.out());
        assertTrue(r.out().contains("VDI " + CLONE + ": 2 passes 4.00 MiB, 532 KiB; switch-over"), r.out());
        assertTrue(r.out().contains("converges (write rate below copy rate)"), r.out());
        assertTrue(codes(plan).contains("live-no-cbt"), codes(plan).toString());
        String md = Files.readString(dir.resolve("plan.md"));
        assertTrue(md.contains("## Live migration"), md);
        assertTrue(md.contains("| switch-over | **stopped** |"), md);
        // --json prints the same plan; an offline plan's file has no "live" key at all.
        CliRun json = CliRun.of("plan", "--inventory", inv.toString(), "--target-sr", dir.resolve("v3").toString(),
                "--vdi", CLONE, "--mode", "live", "--write-rate", "1M", "--throughput", "200M", "--switch-below",
                "1M", "--max-passes", "5", "--json", "--report", dir.resolve("plan.html").toString());
        LiveForecast again = PlanJson.fromJson(json.out()).live().disks().get(0);
        assertEquals(f.passes(), again.passes(), "the same passes (the hash rate is measured again)");
        assertTrue(Files.readString(dir.resolve("plan.html")).contains("<section id=\"live\"><h2>Live migration"));
        CliRun offline = CliRun.of("plan", "--inventory", inv.toString(), "--target-sr", dir.toString(), "--vdi", CLONE,
                "--json");
        assertTrue(!offline.out().contains("\"live\""), offline.out());
        assertNull(PlanJson.fromJson(offline.out()).live());
    }

    @Test
    void aVmWritingFasterThanTheCopyNeverConverges(@TempDir Path dir) throws Exception {
        CliRun r = CliRun.of("plan", "--inventory", PlanCommandTest.savedInventory(dir).toString(), "--target-sr",
                dir.toString(), "--vdi", CLONE, "--mode", "live", "--write-rate", "300M", "--throughput", "200M",
                "--switch-below", "1M", "--max-passes", "4");
        assertEquals(0, r.exitCode(), "a warning, not an error: " + r.err());
        assertTrue(r.out().contains("warning live-will-not-converge: the VM writes 300 MiB/s, not less than the copy"
                + " rate 200 MiB/s"), r.out());
        assertTrue(r.out().contains("DOES NOT CONVERGE"), r.out());
        // 4 passes, the deltas capped at the 16 MiB disk
        assertTrue(r.out().contains(": 4 passes 4.00 MiB, 16.0 MiB, 16.0 MiB, 16.0 MiB;"), r.out());
        CliRun slow = CliRun.of("plan", "--inventory", PlanCommandTest.savedInventory(dir).toString(), "--target-sr",
                dir.toString(), "--vdi", CLONE, "--mode", "live", "--write-rate", "20M", "--throughput", "200M",
                "--switch-below", "1M", "--json");
        assertEquals(0, slow.exitCode(), slow.err());
        Plan p = PlanJson.fromJson(slow.out());
        // 20 MiB/s over the 0.5 s snapshot overhead alone is 10 MiB: the passes level off above 1M.
        assertTrue(codes(p).contains("live-max-passes"), codes(p).toString());
        Risk risk = p.risks().stream().filter(x -> x.code().equals("live-max-passes")).findFirst().orElseThrow();
        assertTrue(risk.action().contains("level off"), risk.action());
    }

    /** The grammar 'migrate --mode live' reads too (SwitchBelow): decimals and units, seconds as 10s or 10sec, and 0. */
    @Test
    void switchBelowInTheOneGrammar(@TempDir Path dir) throws Exception {
        String inv = PlanCommandTest.savedInventory(dir).toString();
        java.util.Map<String, org.smapimigrate.plan.SwitchBelow> cases = java.util.Map.of(
                "1.5G", org.smapimigrate.plan.SwitchBelow.ofBytes(1536 * MIB),
                "10sec", org.smapimigrate.plan.SwitchBelow.ofSeconds(10),
                "0s", org.smapimigrate.plan.SwitchBelow.ofSeconds(0));
        for (var c : cases.entrySet()) {
            CliRun r = CliRun.of("plan", "--inventory", inv, "--target-sr", dir.toString(), "--vdi", CLONE, "--mode",
                    "live", "--write-rate", "1M", "--throughput", "200M", "--switch-below", c.getKey(), "--json");
            assertEquals(0, r.exitCode(), c.getKey() + ": " + r.err());
            assertEquals(c.getValue(), PlanJson.fromJson(r.out()).live().settings().switchBelow(), c.getKey());
        }
    }

    @Test
    void badLiveOptionsAreUsageErrors(@TempDir Path dir) throws Exception {
        String inv = PlanCommandTest.savedInventory(dir).toString();
        CliRun mode = CliRun.of("plan", "--inventory", inv, "--target-sr", dir.toString(), "--mode", "warm");
        assertEquals(2, mode.exitCode());
        assertTrue(mode.err().contains("--mode warm: offline or live"), mode.err());
        CliRun below = CliRun.of("plan", "--inventory", inv, "--target-sr", dir.toString(), "--mode", "live",
                "--write-rate", "1M", "--switch-below", "soon");
        assertEquals(2, below.exitCode());
        assertTrue(below.err().contains("--switch-below 'soon' is neither a size"), below.err());
        CliRun passes = CliRun.of("plan", "--inventory", inv, "--target-sr", dir.toString(), "--mode", "live",
                "--write-rate", "1M", "--max-passes", "0");
        assertEquals(2, passes.exitCode());
        CliRun unsampled = CliRun.of("plan", "--inventory", inv, "--target-sr", dir.toString(), "--mode", "live");
        assertEquals(2, unsampled.exitCode());
        assertTrue(unsampled.err().contains("give --write-rate"), unsampled.err());
    }

    /**
     * A writer thread adds random 4 KiB writes to a dynamic VHD at about 2 MiB/s, closing and
     * reopening it every 100 ms so its bitmaps reach the file (as tapdisk's metadata writes do);
     * 'plan' samples it for 2 s and finds a rate of the same order, never above what was written.
     */
    @Test
    void theWriteRateIsSampledFromTheGrowingLeaf(@TempDir Path dir) throws Exception {
        Path sr = Files.createDirectories(dir.resolve("sr"));
        String vdi = "0d5e3c2a-1111-4c6e-9a7b-8d1e2f3a4b5c";
        Path leaf = sr.resolve(vdi + ".vhd");
        VhdWriter.dynamic(leaf, 256 * MIB).create().close();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong written = new AtomicLong();
        Thread writer = new Thread(() -> {
            SplittableRandom random = new SplittableRandom(7);
            byte[] data = new byte[4096];
            long start = System.nanoTime();
            try {
                while (!stop.get()) {
                    try (VhdWriter w = VhdWriter.open(leaf)) {
                        long until = System.nanoTime() + 100_000_000L;
                        while (System.nanoTime() < until) {
                            double elapsed = (System.nanoTime() - start) / 1e9;
                            if (written.get() < elapsed * 2 * MIB) {
                                random.nextBytes(data);
                                w.write(random.nextLong(256 * MIB / 4096) * 4096, data);
                                written.addAndGet(data.length);
                            } else {
                                Thread.sleep(2);
                            }
                        }
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        CliRun r;
        try {
            r = CliRun.of("plan", "--sr", sr.toString(), "--target-sr", dir.resolve("v3").toString(), "--mode",
                    "live", "--sample-seconds", "2", "--throughput", "200M", "--json");
        } finally {
            stop.set(true);
            writer.join();
        }
        assertEquals(0, r.exitCode(), r.err());
        Plan p = PlanJson.fromJson(r.out());
        LiveForecast f = p.live().disks().get(0);
        assertTrue(p.live().settings().writeRateBasis().startsWith("measured over 2 s"),
                p.live().settings().writeRateBasis());
        assertTrue(f.writeRate() > MIB / 2 && f.writeRate() <= 3 * MIB, "sampled " + f.writeRate() + " B/s");
        assertTrue(codes(p).contains("live-write-rate-sampled"), codes(p).toString());
    }

    /**
     * A VDI name from the disk reaches the terminal, Markdown and HTML only escaped: no escape
     * sequence, no code span broken open, no markup.
     */
    @Test
    void hostileVdiNamesAreEscapedInTheLiveSections(@TempDir Path dir) throws Exception {
        CliRun r = CliRun.of("plan", "--inventory", PlanCommandTest.savedInventory(dir).toString(), "--target-sr",
                dir.toString(), "--vdi", CLONE, "--mode", "live", "--write-rate", "1M", "--json");
        Plan p = PlanJson.fromJson(r.out());
        LiveForecast f = p.live().disks().get(0);
        String hostile = "x\u001b[31m`|<script>*y";
        LiveForecast evil = new LiveForecast(hostile, f.allocatedBytes(), f.virtualBytes(), f.writeRate(), f.passes(),
                f.finalBytes(), f.verifyBytes(), f.checkSeconds(), f.downtimeSeconds(), f.totalSeconds(), f.converges(),
                f.stop());
        Plan bad = p.withLive(new org.smapimigrate.plan.LivePlan(p.live().settings(), p.live().model(),
                List.of(evil)), List.of());
        String text = String.join("\n", org.smapimigrate.report.plan.LiveText.lines(bad));
        assertTrue(!text.contains("\u001b"), text);
        String html = org.smapimigrate.report.plan.LiveSection.html(bad);
        assertTrue(!html.contains("<script>") && html.contains("&lt;script&gt;"), html);
        String md = org.smapimigrate.report.plan.LiveSection.markdown(bad);
        // The control character shown as text; the rest inside a code span its backtick cannot close,
        // where '<script>' is literal text (CommonMark 6.1).
        assertTrue(!md.contains("\u001b"), md);
        assertTrue(md.contains("VDI ``x\\u001b[31m`|<script>*y``:"), md);
    }

    private static List<String> codes(Plan p) {
        return p.risks().stream().map(Risk::code).toList();
    }
}
