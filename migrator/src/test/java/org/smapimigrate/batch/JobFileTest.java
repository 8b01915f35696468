package org.smapimigrate.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobFileTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    @Test
    void readsAFullJobWithPathsFromTheFilesDirectory() throws IOException {
        Path f = write("jobs.yaml", """
                jobs:
                  - name: night-1
                    source:
                      sr: [sr1, /srv/sr2]
                    selection:
                      vdis: [0F2A9C3E-1B44-4C1D-9E0A-22B3C4D5E6F7]
                    target:
                      target-sr: v3
                    options:
                      verification: full
                      window: "22:00-06:00"
                      bandwidth: 200MiB/s
                      concurrency: 2
                      retries: 4
                  - name: day
                    source: { sr: other }
                    selection: all
                    target: { volume-plugin: org.example.vol, sr-config: { path: /srv/x }, plugins: /opt/plugins }
                """);
        List<Job> jobs = JobFile.read(f);
        assertEquals(2, jobs.size());
        Job a = jobs.get(0);
        assertEquals("night-1", a.name());
        assertEquals(List.of(dir.resolve("sr1"), Path.of("/srv/sr2")), a.sourceSrs());
        assertEquals(List.of("0f2a9c3e-1b44-4c1d-9e0a-22b3c4d5e6f7"), a.vdis());
        assertEquals(dir.resolve("v3"), a.targetSr());
        assertEquals(200L * 1024 * 1024, a.bandwidth().getAsLong());
        assertTrue(a.window().get().contains(LocalTime.of(23, 30)));
        assertTrue(a.window().get().contains(LocalTime.of(5, 59)));
        assertTrue(!a.window().get().contains(LocalTime.of(6, 0)));
        assertEquals(2, a.concurrency());
        assertEquals(4, a.retries());
        Job b = jobs.get(1);
        assertTrue(b.allVdis());
        assertEquals("org.example.vol", b.volumePlugin());
        assertEquals("/srv/x", b.srConfig().get("path"));
        assertEquals(Path.of("/opt/plugins"), b.plugins());
        assertTrue(b.window().isEmpty() && b.bandwidth().isEmpty());
    }

    @Test
    void jsonIsAcceptedToo() throws IOException {
        Path f = write("jobs.json", """
                {"jobs": [{"name": "j", "source": {"sr": "/srv/a"}, "selection": "all",
                  "target": {"target-sr": "/srv/b"}}]}
                """);
        assertEquals("j", JobFile.read(f).get(0).name());
    }

    private JobFileError refused(String text) throws IOException {
        Path f = write("bad.yaml", text);
        return assertThrows(JobFileError.class, () -> JobFile.read(f));
    }

    private static final String HEAD = """
            jobs:
              - name: j
                source: { sr: /srv/a }
                selection: all
                target: { target-sr: /srv/b }
            """;

    @Test
    void anUnknownKeyIsRefusedWithFileLineAndKey() throws IOException {
        JobFileError e = refused(HEAD + "    options:\n      windw: \"22:00-06:00\"\n");
        assertEquals(7, e.line());
        assertEquals("jobs[0].options.windw", e.key());
        assertTrue(e.getMessage().startsWith(dir.resolve("bad.yaml") + ":7: jobs[0].options.windw: unknown key"),
                e.getMessage());
        assertTrue(e.getMessage().contains("window"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void badValuesAreRefusedAtTheirLine() throws IOException {
        assertEquals(7, refused(HEAD + "    options:\n      window: \"25:00-06:00\"\n").line());
        JobFileError bw = refused(HEAD + "    options:\n      bandwidth: 200MB/s\n");
        assertEquals("jobs[0].options.bandwidth", bw.key());
        assertEquals(7, bw.line());
        assertEquals("jobs[0].options.concurrency", refused(HEAD + "    options: { concurrency: 0 }\n").key());
        assertEquals("jobs[0].options.verification",
                refused(HEAD + "    options: { verification: none }\n").key());
        JobFileError uuid = refused(HEAD.replace("selection: all", "selection: { vdis: [not-a-uuid] }"));
        assertEquals("jobs[0].selection.vdis[0]", uuid.key());
        assertEquals(4, uuid.line());
        assertEquals("jobs[0].name", refused(HEAD.replace("name: j", "name: ../escape")).key());
        assertEquals("jobs[0].target", refused(HEAD.replace("target-sr: /srv/b", "plugins: /p")).key());
        assertEquals("jobs[0].source.xapi", refused(HEAD.replace("sr: /srv/a", "xapi: x")).key());
    }

    @Test
    void missingKeysDuplicatesAndSyntaxErrorsNameTheirLine() throws IOException {
        JobFileError missing = refused(HEAD.replace("    selection: all\n", ""));
        assertEquals("jobs[0].selection", missing.key());
        assertEquals(2, missing.line());
        JobFileError twice = refused(HEAD + HEAD.substring("jobs:\n".length()));
        assertEquals("jobs[1].name", twice.key());
        assertEquals(6, twice.line());
        JobFileError syntax = refused("jobs:\n  - name: [j\n");
        assertEquals("(syntax)", syntax.key());
        assertTrue(syntax.line() >= 2, syntax.getMessage());
        assertEquals("jobs", refused("").key());
    }

    @Test
    void theShippedExampleIsAValidJobFile() {
        Path example = Path.of(System.getProperty("user.dir")).resolveSibling("examples").resolve("batch").resolve("jobs.yaml");
        List<Job> jobs = JobFile.read(example);
        assertEquals(List.of("pool-a-nightly", "archive", "app-vms"), jobs.stream().map(Job::name).toList());
        assertEquals(200L << 20, jobs.get(0).bandwidth().getAsLong());
        Job vms = jobs.get(2);
        assertEquals(Job.SourceKind.VM, vms.kind());
        assertEquals(List.of("app-server", "web-1"), vms.xapi().vms());
        assertEquals(Path.of("/etc/smapi-migrate/xapi-password"), vms.xapi().passwordFile());
        assertEquals("SMAPIv3 SR", vms.poolSr());
    }
}
