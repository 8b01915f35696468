package org.smapimigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.batch.JobStates;
import org.smapimigrate.batch.RunLock;
import org.smapimigrate.batch.VolumeState;
import org.smapimigrate.lvm.LvmCorpus;
import org.smapimigrate.migrate.TargetSr;
import org.smapimigrate.plan.VolumeKeys;
import org.smapimigrate.plugin.Volume;
import org.smapimigrate.testing.Corpus;

/**
 * Two 'batch run' processes (child JVMs) started together on one job file and one state
 * directory, as two hosts of a pool: {@code --host host-a --host-root A} and {@code --host host-b
 * --host-root B}. The job names the corpus file SR by its host path /run/sr-mount/UUID and the
 * corpus LVHD PV by /dev/sdb-like path /srv/pv/lvhd.img; host A's root holds both (symlinks to the
 * corpus), host B's only the file SR, so the file SR's volumes are contended and the PV's are
 * A's alone. Both write into one bundled SMAPIv3 SR. Judged by the corpora, the claims and the
 * target: every user VDI is reported done by exactly one of the two runs (a volume the other host
 * claimed is "skipped" naming that host), the PV's only by host A; each recorded DONE once; the
 * SR holds exactly the planned volumes once and complete, each VDI's with the corpus SHA-256; no
 * claim is left; each host wrote its own summary; the sources are unchanged.
 */
class BatchPoolCliTest {
    private static final String SR_UUID = "b0fca227-5603-4f8a-b1be-036360633f13";

    @TempDir
    Path dir;

    @Test
    void twoHostViewsStartedTogetherSplitTheWorkWithoutOverlap() throws Exception {
        Path pv = LvmCorpus.image();
        String pvBefore = Corpus.sha256(pv);
        Map<String, String> filesBefore = Corpus.fingerprint("file-sr");
        Path rootA = dir.resolve("host-a-root");
        Path rootB = dir.resolve("host-b-root");
        for (Path root : List.of(rootA, rootB)) {
            Files.createDirectories(root.resolve("run/sr-mount"));
            Files.createSymbolicLink(root.resolve("run/sr-mount/" + SR_UUID), PlanRuns.fileSr().toAbsolutePath());
        }
        Files.createDirectories(rootA.resolve("srv/pv"));
        Files.createSymbolicLink(rootA.resolve("srv/pv/lvhd.img"), pv.toAbsolutePath());
        Path jobs = dir.resolve("jobs.yaml");
        Files.writeString(jobs, "jobs:\n"
                + "  - name: files\n"
                + "    source: { sr: /run/sr-mount/" + SR_UUID + " }\n"
                + "    selection: all\n"
                + "    target: { target-sr: v3 }\n"
                + "    options: { concurrency: 2 }\n"
                + "  - name: lvm\n"
                + "    source: { sr: /srv/pv/lvhd.img }\n"
                + "    selection: all\n"
                + "    target: { target-sr: v3 }\n");
        Path state = dir.resolve("state");

        List<Process> runs = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        try {
            for (String[] h : List.of(new String[] {"host-a", rootA.toString()}, new String[] {"host-b", rootB.toString()})) {
                Path log = dir.resolve(h[0] + ".jsonl");
                logs.add(log);
                runs.add(new ProcessBuilder(ChildJvm.smapiMigrate(List.of(), List.of("batch", "run", jobs.toString(),
                        "--state", state.toString(), "--host", h[0], "--host-root", h[1], "--json")))
                        .redirectOutput(log.toFile()).redirectError(dir.resolve(h[0] + ".err").toFile()).start());
            }
            for (int i = 0; i < 2; i++) {
                assertTrue(runs.get(i).waitFor(300, TimeUnit.SECONDS), "run " + i + " ends");
                assertEquals(0, runs.get(i).exitValue(), Files.readString(logs.get(i))
                        + Files.readString(dir.resolve((i == 0 ? "host-a" : "host-b") + ".err")));
            }
        } finally {
            runs.forEach(Process::destroyForcibly);
        }

        Map<String, List<String>> doneBy = new HashMap<>();
        Map<String, List<String>> skippedBy = new HashMap<>();
        ObjectMapper m = new ObjectMapper();
        for (int i = 0; i < 2; i++) {
            String host = i == 0 ? "host-a" : "host-b";
            String other = i == 0 ? "host-b" : "host-a";
            for (String line : Files.readAllLines(logs.get(i))) {
                JsonNode e = m.readTree(line);
                if (!"volume".equals(e.path("event").asText())) {
                    continue;
                }
                String vdi = e.get("vdi").asText();
                switch (e.get("outcome").asText()) {
                    case "done" -> doneBy.computeIfAbsent(vdi, k -> new ArrayList<>()).add(host);
                    case "skipped" -> {
                        skippedBy.computeIfAbsent(vdi, k -> new ArrayList<>()).add(host);
                        assertTrue(e.get("reason").asText().contains(" on " + other + " "),
                                "a skipped volume names the other host's claim: " + line);
                    }
                    case "already_done" -> { } // the other host finished it before this one looked
                    default -> throw new AssertionError(host + ": " + line);
                }
            }
        }
        Set<String> lvmVdis = new TreeSet<>();
        for (JsonNode v : LvmCorpus.sr().get("vdis")) {
            if (!v.get("hidden").asBoolean() && v.get("children").isEmpty()) {
                lvmVdis.add(v.get("uuid").asText());
            }
        }
        Set<String> all = BatchKillTest.userVdis();
        assertEquals(all, doneBy.keySet(), "every user VDI of both SRs done by one of the runs");
        doneBy.forEach((vdi, hosts) -> assertEquals(1, hosts.size(), vdi + " done by " + hosts));
        for (String vdi : lvmVdis) {
            assertEquals(List.of("host-a"), doneBy.get(vdi), "only host-a sees the PV: " + vdi);
        }
        skippedBy.forEach((vdi, hosts) -> assertTrue(!hosts.contains(doneBy.get(vdi).get(0)),
                vdi + " skipped by the host that did it"));
        long byB = doneBy.values().stream().filter(h -> h.contains("host-b")).count();
        assertTrue(byB + skippedBy.size() > 0, "the two runs never met (host-b did nothing and no claim was refused):"
                + " they did not run together");
        System.out.println("BatchPoolCliTest: done by host-a "
                + doneBy.values().stream().filter(h -> h.contains("host-a")).count() + ", by host-b "
                + doneBy.values().stream().filter(h -> h.contains("host-b")).count() + ", skipped (claimed) "
                + skippedBy.size());

        // The claims: none left, each volume's state recorded DONE once.
        try (var s = Files.list(state.resolve("claims"))) {
            assertEquals(List.of(), s.filter(p -> p.getFileName().toString().endsWith(".claim")).toList(),
                    "every claim released");
        }
        Map<String, VolumeState> recorded = new HashMap<>();
        for (String job : List.of("files", "lvm")) {
            for (VolumeState v : JobStates.load(state, job).all()) {
                assertEquals(VolumeState.Status.DONE, v.status(), v.toString());
                assertTrue(recorded.put(v.vdi(), v) == null, "recorded twice: " + v.vdi());
            }
        }
        assertEquals(all, recorded.keySet());

        // The target: the planned volumes once, each VDI's bytes the corpus's.
        Path target = dir.resolve("v3");
        BatchKillTest.exactlyThePlannedVolumesOnce(state, target);
        Map<String, String> expected = PlanRuns.expectedSha256();
        Map<String, Long> sizes = BatchKillTest.sizes();
        TargetSr t = PlanRuns.target(target);
        Set<String> read = new TreeSet<>();
        for (Volume listed : t.plugin().srLs(t.sr())) {
            Map<String, String> ours = VolumeKeys.ours(listed.keys());
            if (!"vdi".equals(ours.get(VolumeKeys.PURPOSE))) {
                continue;
            }
            String vdi = ours.get(VolumeKeys.SOURCE_VDI);
            assertTrue(read.add(vdi), "two VDI volumes of " + vdi);
            assertEquals(expected.get(vdi), BatchKillTest.readBack(t, listed, sizes.get(vdi))[0], vdi);
        }
        assertEquals(all, read, "one volume per VDI");

        for (String host : List.of("host-a", "host-b")) {
            JsonNode summary = m.readTree(RunLock.hostDir(state, host).resolve("summary.json").toFile());
            assertEquals(host, summary.get("host").asText());
            assertEquals("done", summary.get("status").asText(), summary.toString());
        }
        assertEquals(pvBefore, Corpus.sha256(pv), "a run wrote to the PV image");
        assertEquals(filesBefore, Corpus.fingerprint("file-sr"), "a run wrote to the file SR");
    }
}
