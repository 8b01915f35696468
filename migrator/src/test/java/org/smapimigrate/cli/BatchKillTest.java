package org.smapimigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.batch.JobStates;
import org.smapimigrate.batch.RunLock;
import org.smapimigrate.batch.VolumeState;
import org.smapimigrate.datapath.VolumeAttachment;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.lvm.LvmCorpus;
import org.smapimigrate.migrate.TargetSr;
import org.smapimigrate.plan.Plan;
import org.smapimigrate.plan.PlanJson;
import org.smapimigrate.plan.Step;
import org.smapimigrate.plan.VolumeKeys;
import org.smapimigrate.plugin.Volume;
import org.smapimigrate.testing.Corpus;

/**
 * 'batch run' over every user VDI of the corpus file SR and the corpus LVHD SR into one bundled
 * SMAPIv3 SR, as child JVMs killed with SIGKILL three times at random points (seeded: the seed is
 * printed, and -Dsmapi.batch.seed=N repeats a run), then run to the end. Judged by the corpora
 * alone: each VDI's volume read back has the manifest's expected SHA-256, and the digest the batch
 * recorded is the block digest (DiskDigest's definition) of those same bytes; the SR holds exactly
 * the volumes the engine's plans make, each once and complete; the sources are unchanged. A further
 * run copies nothing and says so; a second run while one holds the lock exits at once (code 4)
 * naming the holder's pid.
 */
class BatchKillTest {
    private static final int BLOCK = 2 << 20;

    @TempDir
    Path dir;

    @Test
    void killedThreeTimesAtRandomPointsThenEveryVolumeExactlyOnce() throws Exception {
        long seed = Long.getLong("smapi.batch.seed", System.nanoTime());
        System.out.println("BatchKillTest seed " + seed + " (repeat with -Dsmapi.batch.seed=" + seed + ")");
        Random random = new Random(seed);
        Path pv = LvmCorpus.image();
        String pvBefore = Corpus.sha256(pv);
        Map<String, String> filesBefore = Corpus.fingerprint("file-sr");
        Path target = dir.resolve("v3");
        Path jobs = dir.resolve("jobs.yaml");
        Files.writeString(jobs, "jobs:\n"
                + "  - name: files\n"
                + "    source: { sr: " + PlanRuns.fileSr() + " }\n"
                + "    selection: all\n"
                + "    target: { target-sr: v3 }\n"
                + "  - name: lvm\n"
                + "    source: { sr: [" + pv + "] }\n"
                + "    selection: all\n"
                + "    target: { target-sr: v3 }\n");
        Path state = dir.resolve("jobs.state");

        for (int kill = 1; kill <= 3; kill++) {
            int afterVolumes = random.nextInt(3);
            int thenMillis = random.nextInt(1500);
            System.out.println("kill " + kill + ": after " + afterVolumes + " newly done volumes and " + thenMillis
                    + " ms");
            killed(jobs, state, dir.resolve("run-" + kill + ".log"), afterVolumes, thenMillis, kill == 1);
            Map<VolumeState.Status, Integer> counts = new java.util.EnumMap<>(VolumeState.Status.class);
            for (String job : List.of("files", "lvm")) {
                // whatever instant the kill hit, the state file reads whole
                JobStates.load(state, job).all().forEach(v -> counts.merge(v.status(), 1, Integer::sum));
            }
            System.out.println("after kill " + kill + ": recorded " + counts);
        }

        CliRun last = CliRun.of("batch", "run", jobs.toString(), "--json");
        assertEquals(0, last.exitCode(), last.out() + last.err());
        Map<String, String> expected = PlanRuns.expectedSha256();
        Map<String, Long> sizes = sizes();
        Map<String, VolumeState> recorded = new HashMap<>();
        for (String job : List.of("files", "lvm")) {
            for (VolumeState s : JobStates.load(state, job).all()) {
                assertEquals(VolumeState.Status.DONE, s.status(), s.toString());
                assertTrue(recorded.put(s.vdi(), s) == null, "recorded twice: " + s.vdi());
            }
        }
        assertEquals(userVdis(), recorded.keySet(), "every user VDI of both corpora, recorded done");

        Set<String> before = exactlyThePlannedVolumesOnce(state, target);
        TargetSr t = PlanRuns.target(target);
        int read = 0;
        for (Volume listed : t.plugin().srLs(t.sr())) {
            Map<String, String> ours = VolumeKeys.ours(listed.keys());
            if (!"vdi".equals(ours.get(VolumeKeys.PURPOSE))) {
                continue;
            }
            String vdi = ours.get(VolumeKeys.SOURCE_VDI);
            String[] digests = readBack(t, listed, sizes.get(vdi));
            assertEquals(expected.get(vdi), digests[0], "volume " + listed.key() + " of VDI " + vdi);
            assertEquals("sha256-of-2MiB-block-sha256s:" + digests[1], recorded.get(vdi).digest(), vdi);
            read++;
        }
        assertEquals(recorded.size(), read, "one VDI volume per recorded volume");

        CliRun again = CliRun.of("batch", "run", jobs.toString());
        assertEquals(0, again.exitCode(), again.out() + again.err());
        assertTrue(again.out().contains("0 done by this run, " + recorded.size() + " done before; nothing to copy"),
                again.out());
        assertEquals(before, exactlyThePlannedVolumesOnce(state, target), "the further run changed the SR");
        assertEquals(pvBefore, Corpus.sha256(pv), "a run wrote to the PV image");
        assertEquals(filesBefore, Corpus.fingerprint("file-sr"), "a run wrote to the file SR");
    }

    /**
     * Runs 'batch run --json' as a child JVM until it reported {@code afterVolumes} volumes newly
     * done, waits {@code thenMillis}, and SIGKILLs it; with {@code tryLock}, first checks that a
     * second run is refused at once naming the child.
     */
    private void killed(Path jobs, Path state, Path log, int afterVolumes, int thenMillis, boolean tryLock)
            throws Exception {
        Process p = new ProcessBuilder(ChildJvm.smapiMigrate(List.of(), List.of("batch", "run", jobs.toString(), "--json")))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            String holder = "pid " + p.pid() + " on ";
            while (p.isAlive() && System.nanoTime() < deadline && (newlyDone(log) < afterVolumes
                    || RunLock.lastHolders(state).values().stream().noneMatch(h -> h.startsWith(holder)))) {
                Thread.sleep(50);
            }
            assertTrue(p.isAlive(), "the run ended before its kill: " + Files.readString(log));
            if (tryLock) {
                long t0 = System.nanoTime();
                CliRun second = CliRun.of("batch", "run", jobs.toString());
                assertEquals(4, second.exitCode(), second.out() + second.err());
                assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "refused at once");
                assertTrue(second.err().contains("pid " + p.pid() + " on "), second.err());
            }
            Thread.sleep(thenMillis);
            assertTrue(p.isAlive(), "the run ended before its kill (the batch is too small for the kill points): "
                    + Files.readString(log));
            p.destroyForcibly(); // SIGKILL: no shutdown hook, nothing cleaned up
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(137, p.exitValue(), "killed by SIGKILL");
        } finally {
            p.destroyForcibly();
        }
    }

    private static int newlyDone(Path log) throws Exception {
        int n = 0;
        ObjectMapper m = new ObjectMapper();
        for (String line : Files.readAllLines(log)) {
            if (line.startsWith("{") && line.endsWith("}")) {
                JsonNode e = m.readTree(line);
                if ("volume".equals(e.path("event").asText()) && "done".equals(e.path("outcome").asText())) {
                    n++;
                }
            }
        }
        return n;
    }

    /**
     * The SR holds exactly the volumes the engine's plans (in the state directory) make: one per
     * volume-making step, each once, each complete. Returns their keys.
     */
    static Set<String> exactlyThePlannedVolumesOnce(Path state, Path target) throws Exception {
        Set<String> planned = new HashSet<>();
        try (Stream<Path> s = Files.walk(state)) {
            for (Path f : (Iterable<Path>) s.filter(x -> x.toString().endsWith(".plan.json"))::iterator) {
                Plan plan = PlanJson.read(f);
                for (Step step : plan.steps()) {
                    if (step.volume().equals(step.id())) {
                        planned.add(plan.id() + " " + step.id());
                    }
                }
            }
        }
        Set<String> made = new HashSet<>();
        Set<String> keys = new TreeSet<>();
        for (Volume v : PlanRuns.volumes(target)) {
            Map<String, String> ours = VolumeKeys.ours(v.keys());
            assertEquals(VolumeKeys.COMPLETE, VolumeKeys.stateOf(v.keys()), v.key() + " " + v.keys());
            String by = ours.get(VolumeKeys.PLAN) + " " + ours.get(VolumeKeys.MADE_BY_STEP);
            assertTrue(made.add(by), "two volumes made by " + by);
            keys.add(v.key());
        }
        assertEquals(planned, made, "the SR holds the planned volumes, no other");
        return keys;
    }

    /** Plain SHA-256 of the volume's first {@code size} bytes, and SHA-256 over its 2 MiB blocks' SHA-256s. */
    static String[] readBack(TargetSr t, Volume listed, Long size) throws Exception {
        assertNotNull(size, listed.toString());
        Volume v = t.plugin().volumeStat(t.sr(), listed.key());
        MessageDigest whole = MessageDigest.getInstance("SHA-256");
        MessageDigest blocks = MessageDigest.getInstance("SHA-256");
        try (VolumeAttachment a = VolumeAttachment.attach(t.root(), v, VolumeAttachment.dom0Domain("test"));
             VirtualDisk disk = a.openReader(size)) {
            ByteBuffer buf = ByteBuffer.allocate(BLOCK);
            for (long pos = 0; pos < size; pos += BLOCK) {
                buf.clear().limit((int) Math.min(BLOCK, size - pos));
                disk.read(buf, pos);
                buf.flip();
                whole.update(buf.duplicate());
                blocks.update(MessageDigest.getInstance("SHA-256").digest(toArray(buf)));
            }
        }
        return new String[] {HexFormat.of().formatHex(whole.digest()), HexFormat.of().formatHex(blocks.digest())};
    }

    private static byte[] toArray(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }

    /** What XAPI shows as VDIs in both corpora (non-hidden leaves and raw VDIs), from their manifests. */
    static Set<String> userVdis() {
        Set<String> out = new TreeSet<>();
        for (JsonNode e : Corpus.manifest().get("entries")) {
            String uuid = e.path("vdi_uuid").asText();
            String path = e.path("path").asText();
            boolean own = path.equals(PlanRuns.FILE_SR + "/" + uuid + ".vhd")
                    || path.equals(PlanRuns.FILE_SR + "/" + uuid + ".raw");
            if (own && e.path("user_visible").asBoolean()) {
                out.add(uuid);
            }
        }
        for (JsonNode v : LvmCorpus.sr().get("vdis")) {
            if (!v.get("hidden").asBoolean() && v.get("children").isEmpty()) {
                out.add(v.get("uuid").asText());
            }
        }
        return out;
    }

    static Map<String, Long> sizes() {
        Map<String, Long> m = new HashMap<>(BatchWindowStatusPlanTest.sizes());
        for (JsonNode v : LvmCorpus.sr().get("vdis")) {
            m.put(v.get("uuid").asText(), v.get("virtual_size").asLong());
        }
        return m;
    }
}
