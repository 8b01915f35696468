package org.smapimigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.batch.Host;
import org.smapimigrate.batch.JobStates;
import org.smapimigrate.batch.RunLock;
import org.smapimigrate.batch.VolumeState;
import org.smapimigrate.testing.Corpus;
import org.smapimigrate.xapi.xva.XvaWriter;
import org.smapimigrate.xapi.xva.XvaWriter.Checksum;
import org.smapimigrate.xapi.xva.XvaWriter.Compression;

/**
 * A batch job over XVA archives made in the test from corpus disks ({@code source: { xva: [...] }}),
 * disks selected by name and by export id: each imported with the corpus's expected SHA-256, the
 * disk not selected left alone, a re-run copies nothing; an XVA job that also names an SR is one
 * line naming the file, line and key.
 */
class BatchXvaTest {
    static final String U_RAW = "0b000000-0000-4000-8000-000000000001";
    static final String U_DYNAMIC = "0b000000-0000-4000-8000-000000000002";
    static final String U_OTHER = "0b000000-0000-4000-8000-000000000003";

    @TempDir
    Path dir;

    @Test
    void disksOfTwoArchivesByNameAndRefImportExactly() throws Exception {
        // The corpus raw VDI as it is, and the qemu-dynamic VHD flattened by qemu-img (a third party).
        Path raw = dir.resolve("raw.img");
        Files.copy(Corpus.path(MigrateFromXvaTest.entry(MigrateFromXvaTest.RAW).get("path").asText()), raw);
        Path dynamic = dir.resolve("dynamic.img");
        Process p = new ProcessBuilder("qemu-img", "convert", "-f", "vpc", "-O", "raw",
                Corpus.path(MigrateFromXvaTest.entry(MigrateFromXvaTest.DYNAMIC).get("path").asText()).toString(),
                dynamic.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "qemu-img (apt-get install qemu-utils): " + log);
        new XvaWriter().vm("web", "7c9e6679-7425-40de-944b-e07fc1f90ae8").compression(Compression.GZIP)
                .checksum(Checksum.SHA1).omitZeroChunks(true)
                .disk(XvaWriter.Disk.ofFile("Ref:10", U_RAW, "root", raw, "0"))
                .disk(XvaWriter.Disk.ofFile("Ref:11", U_OTHER, "scratch", dynamic, "1"))
                .write(dir.resolve("web.xva"));
        new XvaWriter().vm("db", "7c9e6679-7425-40de-944b-e07fc1f90ae9").compression(Compression.ZSTD)
                .checksum(Checksum.XXHASH).omitZeroChunks(true)
                .disk(XvaWriter.Disk.ofFile("Ref:7", U_DYNAMIC, "data", dynamic, "0"))
                .write(dir.resolve("db.xva"));
        Map<String, String> before = Map.of("web", Corpus.sha256(dir.resolve("web.xva")),
                "db", Corpus.sha256(dir.resolve("db.xva")));
        Path jobs = dir.resolve("jobs.yaml");
        Files.writeString(jobs, """
                jobs:
                  - name: exports
                    source: { xva: [web.xva, db.xva] }
                    selection: { vdis: [root, "Ref:7"] }
                    target: { target-sr: v3 }
                """);
        CliRun r = CliRun.of("batch", "run", jobs.toString());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertEquals(Map.of(U_RAW, sha(MigrateFromXvaTest.RAW),
                U_DYNAMIC, sha(MigrateFromXvaTest.DYNAMIC)),
                MigrateFromXvaTest.digestsIn(dir.resolve("v3")), "the named disks, with the corpus's digests");
        List<VolumeState> states = JobStates.load(dir.resolve("jobs.state"), "exports").all();
        assertEquals(2, states.size(), states.toString());
        for (VolumeState s : states) {
            assertEquals(VolumeState.Status.DONE, s.status(), s.toString());
        }

        CliRun again = CliRun.of("batch", "run", jobs.toString());
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.out().contains("0 done by this run, 2 done before; nothing to copy"), again.out());
        assertEquals(before, Map.of("web", Corpus.sha256(dir.resolve("web.xva")),
                "db", Corpus.sha256(dir.resolve("db.xva"))), "an archive changed");
    }

    /**
     * The batch path's part of the XVA done-when items the engine's own tests (MigrateFromXvaTest)
     * cover for 'migrate': a plain (uncompressed) archive with .checksum chunks imports exactly; a
     * chunk whose data changed after its checksum was taken fails its volume by the chunk's name,
     * and a gzip archive cut at two thirds fails as truncated, not as a short disk: both recorded
     * FAILED with that reason, listed in the run's output and summary, exit 1, and no volume on
     * their target looks imported (none marked complete).
     */
    @Test
    void aPlainArchiveImportsAndAWrongChecksumOrACutArchiveFailsByName() throws Exception {
        Path dynamic = dir.resolve("dynamic.img");
        Process p = new ProcessBuilder("qemu-img", "convert", "-f", "vpc", "-O", "raw",
                Corpus.path(MigrateFromXvaTest.entry(MigrateFromXvaTest.DYNAMIC).get("path").asText()).toString(),
                dynamic.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "qemu-img (apt-get install qemu-utils): " + log);
        new XvaWriter().vm("plain", "7c9e6679-7425-40de-944b-e07fc1f90a01").compression(Compression.NONE)
                .checksum(Checksum.SHA1).omitZeroChunks(false)
                .disk(XvaWriter.Disk.ofFile("Ref:11", U_DYNAMIC, "data", dynamic, "0"))
                .write(dir.resolve("plain.xva"));
        Path damaged = dir.resolve("damaged.xva");
        new XvaWriter().vm("damaged", "7c9e6679-7425-40de-944b-e07fc1f90a02").compression(Compression.NONE)
                .checksum(Checksum.XXHASH).omitZeroChunks(false)
                .disk(XvaWriter.Disk.ofFile("Ref:11", U_OTHER, "data", dynamic, "0"))
                .write(damaged);
        byte[] t = Files.readAllBytes(damaged);
        int header = MigrateFromXvaTest.indexOf(t, "Ref:11/00000002".getBytes(StandardCharsets.US_ASCII));
        assertTrue(header > 0, "the archive holds chunk Ref:11/00000002");
        t[header + 512 + 1000] ^= 0x40; // a byte of the chunk's data, after its checksum was taken
        Files.write(damaged, t);
        Path cut = dir.resolve("cut.xva");
        new XvaWriter().vm("cut", "7c9e6679-7425-40de-944b-e07fc1f90a03").compression(Compression.GZIP)
                .checksum(Checksum.XXHASH).omitZeroChunks(false)
                .disk(XvaWriter.Disk.ofFile("Ref:5", U_RAW, "data", dynamic, "0"))
                .write(cut);
        byte[] whole = Files.readAllBytes(cut);
        Files.write(cut, Arrays.copyOf(whole, whole.length * 2 / 3));
        Path jobs = dir.resolve("jobs.yaml");
        Files.writeString(jobs, "jobs:\n"
                + "  - name: plain\n"
                + "    source: { xva: plain.xva }\n"
                + "    selection: all\n"
                + "    target: { target-sr: v3-good }\n"
                + "  - name: bad\n"
                + "    source: { xva: [damaged.xva, cut.xva] }\n"
                + "    selection: all\n"
                + "    target: { target-sr: v3-bad }\n"
                + "    options: { retries: 0 }\n");
        CliRun r = CliRun.of("batch", "run", jobs.toString());
        assertEquals(1, r.exitCode(), r.out() + r.err());
        assertEquals(Map.of(U_DYNAMIC, sha(MigrateFromXvaTest.DYNAMIC)),
                MigrateFromXvaTest.digestsIn(dir.resolve("v3-good")), "the plain archive's disk, with the corpus's digest");
        Map<String, VolumeState> bad = new HashMap<>();
        for (VolumeState s : JobStates.load(dir.resolve("jobs.state"), "bad").all()) {
            bad.put(s.vdi(), s);
        }
        assertEquals(VolumeState.Status.FAILED, bad.get(U_OTHER).status(), bad.toString());
        assertTrue(bad.get(U_OTHER).reason().contains("Ref:11/00000002")
                && bad.get(U_OTHER).reason().contains("xva-checksum-mismatch"), bad.get(U_OTHER).reason());
        assertEquals(VolumeState.Status.FAILED, bad.get(U_RAW).status(), bad.toString());
        assertTrue(bad.get(U_RAW).reason().contains("xva-truncated"), bad.get(U_RAW).reason());
        assertTrue(r.out().contains("bad  " + U_OTHER + "  FAILED after 1 attempt: ")
                && r.out().contains("bad  " + U_RAW + "  FAILED after 1 attempt: "), r.out());
        MigrateFromXvaTest.assertNoneComplete(dir.resolve("v3-bad"));
        String summary = Files.readString(RunLock.hostDir(dir.resolve("jobs.state"), Host.local()).resolve("summary.md"));
        assertTrue(summary.contains("Ref:11/00000002") && summary.contains("xva-truncated"), summary);
    }

    private static String sha(String id) throws Exception {
        return MigrateFromXvaTest.entry(id).get("expected_sha256").asText();
    }

    @Test
    void anXvaJobNamingAnSrTooIsRefusedAtItsLine() throws Exception {
        Path jobs = dir.resolve("bad.yaml");
        Files.writeString(jobs, "jobs:\n  - name: x\n    source:\n      sr: /srv/a\n      xva: [a.xva]\n"
                + "    selection: all\n    target: { target-sr: v3 }\n");
        CliRun r = CliRun.of("batch", "plan", jobs.toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().startsWith("smapi-migrate: error: " + jobs + ":5: jobs[0].source.xva: "), r.err());
    }
}
