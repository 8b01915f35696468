package org.smapimigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.live.xapi.LiveXapiPool;
import org.smapimigrate.plan.ForecastPass;
import org.smapimigrate.plan.LiveForecast;
import org.smapimigrate.plan.VmLiveForecast;
import org.smapimigrate.vm.VmPlan;
import org.smapimigrate.vm.VmPlanJson;
import org.smapimigrate.xapi.XapiSession;
import org.smapimigrate.xapi.standin.GuestWriter;
import org.smapimigrate.xapi.standin.StandIns;

/**
 * {@code plan --xapi URL --vm db --target-sr "SMAPIv3 target" --mode live} against the XAPI
 * stand-in (LiveXapiPool: a running VM "db", given a second disk here): per disk the passes and
 * bytes of each, one downtime for the VM, in the plan file, --json, the summary and both reports,
 * figures checked against the model worked by hand; and without --write-rate, the write rate
 * sampled with CBT (two VDI.snapshot calls and VDI.list_changed_blocks, as the stand-in models
 * them) while the stand-in's guest writes, its snapshots destroyed afterwards, and refused (usage
 * error) on a disk whose CBT is off. The stand-in's
 * behaviours used: VM/VBD/VDI records with physical_utilisation, VDI.snapshot, CBT logs closed by
 * snapshots, list_changed_blocks, VDI.destroy, a guest writing at a steady rate.
 */
class PlanLiveVmTest {
    static final long MIB = 1L << 20;

    @TempDir
    Path dir;

    private static List<String> args(LiveXapiPool pool, String... more) {
        List<String> a = new ArrayList<>(List.of("plan", "--xapi", pool.xapi.url(), "--vm", "db", "--target-sr",
                "SMAPIv3 target", "--xapi-password-file", pool.passwordFile.toString(), "--xapi-ca",
                StandIns.pki().poolCa().caPem().toString(), "--transport", "xapi", "--mode", "live"));
        a.addAll(List.of(more));
        return a;
    }

    private VmPlan parse(String json) throws Exception {
        Path f = Files.writeString(Files.createTempFile(dir, "plan", ".json"), json);
        return VmPlanJson.read(f);
    }

    @Test
    void aRunningVmOfTwoDisksHasOneDowntimeAndItsWriteRateSampledWithCbt() throws Exception {
        try (LiveXapiPool pool = new LiveXapiPool(dir)) {
            String second = pool.xapi.addVdi(pool.sr, "db log", 8 * MIB, null, Map.of());
            pool.xapi.addVbd(pool.vm, second, "1", Map.of("currently_attached", true, "device", "xvdb"));
            String secondUuid = pool.xapi.db().get("VDI", second).path("uuid").asText();
            long used0 = pool.xapi.db().get("VDI", pool.disk).path("physical_utilisation").asLong();
            long used1 = pool.xapi.db().get("VDI", second).path("physical_utilisation").asLong();
            CliRun r = CliRun.of(args(pool, "--write-rate", "1M", "--throughput", "100M", "--switch-below", "1M",
                    "--max-passes", "6", "-o", dir.resolve("vm-plan.json").toString(), "--report",
                    dir.resolve("vm-plan.md").toString()).toArray(String[]::new));
            assertEquals(0, r.exitCode(), r.err() + r.out());
            VmPlan p = VmPlanJson.read(dir.resolve("vm-plan.json"));
            assertNotNull(p.live(), "a live VM plan carries its forecast");
            assertEquals(1, p.live().vms().size());
            VmLiveForecast f = p.live().vms().get(0);
            assertEquals(pool.vmUuid, f.vm());
            assertEquals(List.of(pool.diskUuid, secondUuid), f.disks().stream().map(LiveForecast::vdi).toList());
            // By hand: pass 0 copies what XAPI says each disk uses (capped at its size) at 100 MiB/s,
            // plus 0.5 s for the snapshots; the VM writes 1 MiB/s to each disk meanwhile.
            // (no physical_utilisation: the whole disk)
            long a0 = used0 > 0 ? Math.min(used0, 16 * MIB) : 16 * MIB;
            long a1 = used1 > 0 ? Math.min(used1, 8 * MIB) : 8 * MIB;
            double rate = 100.0 * MIB;
            double t0 = (a0 + a1) / rate + 0.5;
            long d1 = (long) Math.ceil(MIB * t0);
            double t1 = 2 * d1 / rate + 0.5;
            // pass 1 moves 2 x d1 (over 1M): another pass
            long d2 = (long) Math.ceil(MIB * t1);
            double t2 = 2 * d2 / rate + 0.5;
            assertTrue(2 * d1 > MIB && 2 * d2 > MIB, "the passes level off above 1M at 1 MiB/s x 0.5 s per disk");
            assertEquals(new ForecastPass(0, a0 + a1, t0), f.passes().get(0));
            assertEquals(new ForecastPass(1, 2 * d1, t1), f.passes().get(1));
            assertEquals(new ForecastPass(2, 2 * d2, t2), f.passes().get(2));
            assertEquals(6, f.passes().size(), "--max-passes ends them");
            assertEquals(LiveForecast.MAX_PASSES, f.stop());
            assertEquals(List.of(new ForecastPass(0, a0, t0), new ForecastPass(1, d1, t1)),
                    f.disks().get(0).passes().subList(0, 2));
            assertEquals(List.of(new ForecastPass(0, a1, t0), new ForecastPass(1, d1, t1)),
                    f.disks().get(1).passes().subList(0, 2));
            double tLast = f.passes().get(5).seconds();
            long last = (long) Math.ceil(MIB * tLast);
            assertEquals(2 * last, f.finalBytes());
            long hash = p.live().settings().hashRate();
            double check = (a0 / rate + 16.0 * MIB / hash) + (a1 / rate + 8.0 * MIB / hash);
            assertEquals(check, f.checkSeconds(), 1e-9);
            assertEquals(0.5 + 2 * last / rate + check, f.downtimeSeconds(), 1e-9, "one stop for both disks");
            assertEquals(f.downtimeSeconds(), f.disks().get(1).downtimeSeconds());
            assertTrue(p.risks().stream().anyMatch(x -> x.code().equals("live-max-passes")), p.risks().toString());
            // The offline refusals of a running VM become a note: it is meant to run.
            assertFalse(p.risks().stream().anyMatch(x -> x.code().equals("vm-running") || x.code().equals("vdi-attached")),
                    p.risks().toString());
            assertTrue(p.risks().stream().anyMatch(x -> x.code().equals("live-vm-running")), p.risks().toString());

            assertTrue(r.out().contains("live: write rate 1.00 MiB/s per disk (given)"), r.out());
            assertTrue(r.out().contains("VM db (" + pool.vmUuid + "): 6 passes, converges, but not below"), r.out());
            assertTrue(r.out().contains("VDI " + secondUuid + ": "), r.out());
            assertTrue(r.out().contains("one stop for 2 disks"), r.out());
            String md = Files.readString(dir.resolve("vm-plan.md"));
            assertTrue(md.contains("## Live migration"), md);
            assertTrue(md.contains("| switch-over | **stopped** |"), md);

            CliRun json = CliRun.of(args(pool, "--write-rate", "1M", "--throughput", "100M", "--switch-below", "1M",
                    "--max-passes", "6", "--json", "--report", dir.resolve("vm-plan.html").toString())
                    .toArray(String[]::new));
            assertEquals(0, json.exitCode(), json.err());
            VmPlan again = parse(json.out());
            assertEquals(f.passes(), again.live().vms().get(0).passes());
            Path html = dir.resolve("vm-plan.html");
            assertTrue(Files.readString(html).contains("<section id=\"live\"><h2>Live migration"));
            String page = Files.readString(html);
            for (String banned : List.of("<script", "<img", "<link", "<iframe", "url(http")) {
                assertFalse(page.toLowerCase(java.util.Locale.ROOT).contains(banned), "not self-contained: " + banned);
            }
            // Without --write-rate: sampled with CBT, refused while CBT is off.
            CliRun off = CliRun.of(args(pool, "--sample-seconds", "1").toArray(String[]::new));
            assertEquals(2, off.exitCode(), off.err());
            assertTrue(off.err().contains("CBT, which is off on VDI " + pool.diskUuid), off.err());
            try (XapiSession s = pool.login()) {
                s.call("VDI.enable_cbt", s.callForString("VDI.get_by_uuid", pool.diskUuid));
                s.call("VDI.enable_cbt", s.callForString("VDI.get_by_uuid", secondUuid));
            }
            GuestWriter g = pool.xapi.startGuest(pool.vm, 2 * MIB, 11);
            long writes0 = g.writes();
            CliRun busy = CliRun.of(args(pool, "--sample-seconds", "1", "--json").toArray(String[]::new));
            long writes = g.writes() - writes0;
            assertEquals(0, busy.exitCode(), busy.err());
            VmPlan sampled = parse(busy.out());
            long measured = sampled.live().vms().get(0).disks().get(0).writeRate();
            long measured1 = sampled.live().vms().get(0).disks().get(1).writeRate();
            assertTrue(sampled.live().settings().writeRateBasis().startsWith("measured over 1 s (CBT"),
                    sampled.live().settings().writeRateBasis());
            // Each guest write (at most 64 KiB) marks at most two 64 KiB blocks; the sample spans at
            // least 1 s; so the rate is at most writes x 128 KiB / 1 s, and above 0 while it writes.
            assertTrue(measured > 0 && measured <= writes * 128 * 1024, measured + " B/s from " + writes
                    + " writes");
            assertTrue(measured1 > 0 && measured1 <= writes * 128 * 1024, measured1 + " B/s from " + writes
                    + " writes");
            assertEquals(List.of(), pool.snapshotVdis(), "the sample's snapshots are destroyed");
            assertTrue(pool.xapi.db().get("VDI", pool.disk).path("cbt_enabled").asBoolean(), "CBT left as it was");
        }
    }
}
