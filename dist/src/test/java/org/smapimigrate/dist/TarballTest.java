package org.smapimigrate.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.examples.ExampleFileSr;

/**
 * The release tarball, as a user gets it: unpacked with tar into an empty directory and run with
 * a PATH that holds no java (only what the launcher and the bundled python plugin call), on the
 * bundled example SR. The tarball is the one this build made (ReleaseBuilder runs in the
 * process-test-classes phase, before this test).
 */
class TarballTest {
    static final long MIB = 1 << 20;

    @TempDir
    static Path dir;
    static Path home;
    static Path tarball;
    static Path tools;

    @BeforeAll
    static void unpack() throws Exception {
        try (Stream<Path> s = Files.list(Path.of("target"))) {
            tarball = s.filter(p -> p.getFileName().toString().matches("smapi-migrate-.*-linux-x86_64\\.tar\\.gz"))
                    .findFirst().orElse(null);
        } catch (IOException e) {
            tarball = null;
        }
        if (tarball == null) {
            fail("no smapi-migrate-*-linux-x86_64.tar.gz in dist/target: it is built in the process-test-classes "
                    + "phase; run this test through Maven from the project root (mvn -B test, or -pl dist -am)");
        }
        Path unpacked = Files.createDirectories(dir.resolve("unpacked"));
        Processes.run(List.of("tar", "-C", unpacked.toString(), "-xzf", tarball.toAbsolutePath().toString()), null, null);
        try (Stream<Path> s = Files.list(unpacked)) {
            List<Path> top = s.toList();
            assertEquals(1, top.size(), "one top directory: " + top);
            home = top.get(0);
        }
        // Only what the launcher (readlink, for a symbolic link) and the bundled plugin (python3) run.
        tools = Files.createDirectories(dir.resolve("tools"));
        for (String tool : List.of("readlink", "python3")) {
            Files.createSymbolicLink(tools.resolve(tool), onPath(tool));
        }
    }

    @Test
    void holdsARuntimeTheJarsTheArchiveAndTheLauncherInUnder60MiB() throws IOException {
        assertTrue(Files.size(tarball) < 60 * MIB, "tarball " + Files.size(tarball) / MIB + " MiB");
        assertTrue(Files.isExecutable(home.resolve("runtime/bin/java")));
        assertTrue(Files.isExecutable(home.resolve(Launcher.PATH)));
        assertTrue(Files.isRegularFile(home.resolve(CdsArchive.ARCHIVE)));
        assertTrue(Files.isRegularFile(home.resolve("lib/app/migrator.jar")));
        assertFalse(Files.exists(home.resolve("runtime/include")), "no header files");
        assertFalse(Files.exists(home.resolve("runtime/man")), "no man pages");
    }

    @Test
    void answersItsVersionWithTheArchiveMappedWhereverItWasUnpacked() throws Exception {
        // -Xshare:on makes the JVM refuse to start when the CDS archive cannot be used.
        Run r = run(Map.of("SMAPI_MIGRATE_JAVA_OPTS", "-Xshare:on"), "--version");
        assertEquals(0, r.code, r.output);
        assertTrue(r.output.matches("smapi-migrate \\d+\\.\\d+\\.\\d+.*\\s*"), r.output);
    }

    @Test
    void scansPlansAndMigratesTheBundledExampleWithNoJdkOnPath() throws Exception {
        String sr = home.resolve("examples/file-sr").resolve(ExampleFileSr.SR_UUID).toString();
        Run scan = run(Map.of(), "scan", sr);
        assertEquals(0, scan.code, scan.output);
        assertTrue(scan.output.contains(ExampleFileSr.VM_DISK), scan.output);

        Path plan = dir.resolve("plan.json");
        Run planned = run(Map.of(), "plan", "--sr", sr, "--target-sr", dir.resolve("v3-plan").toString(),
                "-o", plan.toString());
        assertEquals(0, planned.code, planned.output);
        assertTrue(Files.readString(plan).contains(ExampleFileSr.VM_DISK));

        Path target = dir.resolve("v3");
        Run migrated = run(Map.of(), "migrate", "--sr", sr, "--vdi", ExampleFileSr.VM_DISK, "--target-sr",
                target.toString());
        assertEquals(0, migrated.code, migrated.output);
        List<Path> volumes;
        try (Stream<Path> s = Files.list(target)) {
            volumes = s.filter(p -> p.toString().endsWith(".raw")).toList();
        }
        assertEquals(1, volumes.size(), "one volume in " + target + ": " + volumes);
        // The volume holds what export flattens from the same chain (two code paths, one runtime).
        Path exported = dir.resolve("export.raw");
        Run export = run(Map.of(), "export", "-q", "--sr", sr, "--vdi", ExampleFileSr.VM_DISK, "-o",
                exported.toString());
        assertEquals(0, export.code, export.output);
        assertEquals(-1L, Files.mismatch(exported, volumes.get(0)), "volume differs from the export");
    }

    @Test
    void startsThroughChainsOfSymbolicLinksAndWithoutReadlinkWhenThereIsNone() throws Exception {
        // A link into a bin directory on PATH, pointing at a relative link: the launcher follows
        // both to find the runtime and the archive (-Xshare:on refuses to start without them).
        Path links = Files.createDirectories(dir.resolve("links"));
        Path relative = links.resolve("relative");
        Files.deleteIfExists(relative);
        Files.createSymbolicLink(relative, links.relativize(home.resolve(Launcher.PATH)));
        Path onPath = Files.createDirectories(dir.resolve("usr-local-bin")).resolve("smapi-migrate");
        Files.deleteIfExists(onPath);
        Files.createSymbolicLink(onPath, relative);
        Run linked = run(onPath, tools, Map.of("SMAPI_MIGRATE_JAVA_OPTS", "-Xshare:on"), "--version");
        assertEquals(0, linked.code, linked.output);
        assertTrue(linked.output.startsWith("smapi-migrate "), linked.output);

        // Started directly, the launcher runs no other program (readlink, dirname: 5 to 10 ms each).
        Path empty = Files.createDirectories(dir.resolve("empty-path"));
        Run direct = run(home.resolve(Launcher.PATH), empty, Map.of("SMAPI_MIGRATE_JAVA_OPTS", "-Xshare:on"),
                "--version");
        assertEquals(0, direct.code, direct.output);
        assertTrue(direct.output.startsWith("smapi-migrate "), direct.output);
    }

    record Run(int code, String output) {
    }

    static Run run(Map<String, String> env, String... args) throws Exception {
        return run(home.resolve(Launcher.PATH), tools, env, args);
    }

    /** Runs the launcher with PATH holding only {@code path} (no java) and no JAVA_HOME. */
    static Run run(Path launcher, Path path, Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(launcher.toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().remove("JAVA_HOME");
        pb.environment().remove("SMAPI_MIGRATE_JAVA_OPTS");
        pb.environment().remove("SMAPI_MIGRATE_BUNDLED_PLUGINS");
        pb.environment().put("PATH", path.toString());
        pb.environment().putAll(env);
        assertFalse(Files.exists(path.resolve("java")), "the PATH must hold no java");
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes());
        return new Run(p.waitFor(), out);
    }

    static Path onPath(String program) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path p = Path.of(d, program);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new AssertionError(program + " not found on PATH: install it (python3: apt-get install python3)");
    }
}
