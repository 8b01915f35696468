package org.smapimigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.batch.JobStates;
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
