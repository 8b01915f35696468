package org.smapimigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.lvm.LvmCorpus;
import org.smapimigrate.plan.CloneVolume;
import org.smapimigrate.plan.CreateVolume;
import org.smapimigrate.plan.NodeDisposition;
import org.smapimigrate.plan.Plan;
import org.smapimigrate.plan.PlanJson;
import org.smapimigrate.plan.ResizeVolume;
import org.smapimigrate.plan.SetMetadata;
import org.smapimigrate.plan.SnapshotVolume;
import org.smapimigrate.plan.Step;
import org.smapimigrate.testing.Corpus;

/**
 * {@code plan --sr} on the corpus SRs through the real readers, judged by the manifests; the
 * corpus files must be byte-for-byte unchanged afterwards.
 */
class PlanCorpusCliTest {
    static final long MIB = 1 << 20;

    @Test
    void fileSrPlanMatchesTheManifest(@TempDir Path dir) throws Exception {
        Map<String, String> before = Corpus.fingerprint("file-sr");
        JsonNode sr = Corpus.manifest().get("file_sr");
        CliRun r = CliRun.of("plan", "--sr", Corpus.path(sr.get("sr").get("path").asText()).toString(),
                "--target-sr", dir.resolve("sr").toString(), "--json");
        PlanRuns.exitsForItsRisks(r, PlanRuns.FILE_SR_ERRORS);
        Plan plan = PlanJson.fromJson(r.out());
        Set<String> expected = new HashSet<>();
        for (JsonNode v : sr.get("vdis")) {
            String role = v.get("role").asText();
            if (role.equals("user") || role.equals("raw")) {
                expected.add(v.get("uuid").asText());
            }
        }
        assertEquals(expected, owners(plan));
        // by hand from the manifest's allocated bytes: see PlannerCorpusTest.totalsCompareBothStrategies
        assertEquals(38 * MIB, plan.totals().bytesToCopy());
        assertEquals(50 * MIB, plan.totals().flatten().bytesToCopy());
        assertEquals(NodeDisposition.SKIPPED, plan.node("986ba80e-367f-402e-8a50-28b482f7564e").disposition());
        // Every leftover is named by a risk: its own, or the one of the operation that left it.
        for (JsonNode l : sr.get("leftovers")) {
            String name = Path.of(l.get("path").asText()).getFileName().toString();
            assertTrue(plan.risks().stream().anyMatch(x -> (x.subject() != null && x.subject().endsWith("/" + name))
                    || x.message().contains(name)), name + " in " + plan.risks());
        }
        assertEquals(before, Corpus.fingerprint("file-sr"), "planning wrote to the corpus");
    }

    @Test
    void lvmSrPlanUsesTheMgtSnapshotRecords(@TempDir Path dir) throws Exception {
        Path pv = LvmCorpus.image();
        String pvBefore = Corpus.sha256(pv);
        CliRun r = CliRun.of("plan", "--sr", pv.toString(), "--target-sr", dir.resolve("sr").toString(), "--json");
        assertEquals(0, r.exitCode(), r.err());
        Plan plan = PlanJson.fromJson(r.out());
        // manifest-lvm.json: 95e00d28 is a snapshot (MGT is_a_snapshot 1) of ca470caf, which was
        // resized from 16 to 24 MiB after it.
        SnapshotVolume snap = (SnapshotVolume) plan.step("snapshot:95e00d28-d8b1-41e0-b1b2-8f9265b160c4");
        assertEquals("create:ca470caf-5828-44dd-8a1a-eb097a998ecc", snap.of());
        ResizeVolume grow = (ResizeVolume) plan.step("resize:ca470caf-5828-44dd-8a1a-eb097a998ecc"
                + "@ca470caf-5828-44dd-8a1a-eb097a998ecc");
        assertEquals(24 * MIB, grow.toSize());
        SetMetadata meta = (SetMetadata) plan.step("meta:95e00d28-d8b1-41e0-b1b2-8f9265b160c4");
        assertEquals("debian-root (before upgrade)", meta.name());
        assertEquals("20260312T08:30:00Z", meta.keys().get("snapshot_time"));
        assertEquals(snap.of(), meta.snapshotOf());
        Set<String> expected = new HashSet<>();
        for (JsonNode v : LvmCorpus.sr().get("vdis")) {
            if (v.get("leaf").asBoolean() && !v.get("hidden").asBoolean()) {
                expected.add(v.get("uuid").asText());
            }
        }
        assertEquals(expected, owners(plan));
        assertEquals(pvBefore, Corpus.sha256(pv), "planning wrote to the PV image");
    }

    static Set<String> owners(Plan plan) {
        Set<String> out = new HashSet<>();
        for (Step s : plan.steps()) {
            if (s instanceof CreateVolume c) {
                out.add(c.owner());
            } else if (s instanceof SnapshotVolume sn) {
                out.add(sn.owner());
            } else if (s instanceof CloneVolume cl) {
                out.add(cl.owner());
            }
        }
        return out;
    }
}
