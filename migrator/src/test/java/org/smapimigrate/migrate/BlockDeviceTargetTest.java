package org.smapimigrate.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smapimigrate.migrate.MigrationFixtures.RAW_VDI;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.plugin.PluginRoot;
import org.smapimigrate.plugin.Volume;

/**
 * A datapath that hands out a BlockDevice, as upstream's blkback datapath does (losetup on the
 * volume file): a block device's fstat size is 0, so its size must come from sysfs, and a fresh
 * device is not assumed to read as zeros.
 */
class BlockDeviceTargetTest {
    @TempDir
    Path tmp;

    /** A datapath written like upstream's blkback one: attach = losetup, detach = losetup -d. */
    static final String LOOP_DATAPATH = """
            import json, os, subprocess, sys, urllib.parse
            method = os.path.basename(sys.argv[0])
            args = json.loads(sys.stdin.readline())
            def path():
                return urllib.parse.unquote(urllib.parse.urlparse(args["uri"]).path)
            def loops():
                out = subprocess.run(["losetup", "-j", path()], capture_output=True, text=True, check=True).stdout
                return [line.split(":")[0] for line in out.splitlines() if line]
            result = None
            if method == "Datapath.attach":
                dev = (loops() or [subprocess.run(["losetup", "-f", "--show", path()], capture_output=True,
                                                  text=True, check=True).stdout.strip()])[0]
                result = {"implementations": [["XenDisk", {"params": dev, "extra": {}, "backend_type": "vbd"}],
                                              ["BlockDevice", {"path": dev}]]}
            elif method == "Datapath.detach":
                for dev in loops():
                    subprocess.run(["losetup", "-d", dev], check=True)
            print(json.dumps(result))
            """;

    Path volumeDir;

    @AfterEach
    void detachLeftovers() throws Exception {
        if (volumeDir == null || !Files.isDirectory(volumeDir)) {
            return;
        }
        try (var files = Files.list(volumeDir)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".raw")).toList()) {
                new ProcessBuilder("sh", "-c", "losetup -j '" + p + "' | cut -d: -f1 | xargs -r -n1 losetup -d")
                        .inheritIO().start().waitFor();
            }
        }
    }

    @Test
    void migratesThroughALoopDeviceSizedFromSysfs() throws Exception {
        Process probe = new ProcessBuilder("losetup", "--version").start();
        assertEquals(0, probe.waitFor(), "losetup (Debian package util-linux) is needed, and root");

        Path root = tmp.resolve("plugins");
        MigrationFixtures.copyPlugin(MigrationFixtures.bundledRootPath().resolve("volume"), root.resolve("volume"));
        Path dp = Files.createDirectories(root.resolve("datapath").resolve("raw+file"));
        Path py = dp.resolve("loop.py");
        Files.writeString(py, "#!/usr/bin/python3\n" + LOOP_DATAPATH);
        py.toFile().setExecutable(true);
        for (String m : List.of("Plugin.Query", "Datapath.open", "Datapath.attach", "Datapath.activate",
                "Datapath.deactivate", "Datapath.detach", "Datapath.close")) {
            Files.createSymbolicLink(dp.resolve(m), Path.of("loop.py"));
        }
        volumeDir = tmp.resolve("sr");
        TargetSr target = TargetSr.bundled(new PluginRoot(root, Duration.ofSeconds(60)), volumeDir);
        RawFilesRepository repo = new RawFilesRepository(MigrationFixtures.corpusSrDir(), MigrationFixtures.CORPUS_SR);
        EngineRun r = EngineRun.migrate(root, Duration.ofSeconds(60), volumeDir, repo, RAW_VDI, tmp.resolve("state"));

        assertTrue(r.manifest().target().implementation().startsWith("BlockDevice /dev/loop"),
                r.manifest().target().implementation());
        assertTrue(r.manifest().verification().matches());
        Volume v = target.plugin().volumeStat(target.sr(), r.volumeKey());
        Path file = Path.of(java.net.URI.create(v.uri().get(0)).getPath());
        assertEquals(MigrationFixtures.expectedSha256(RAW_VDI), MigrationFixtures.sha256(file));
        Process left = new ProcessBuilder("losetup", "-j", file.toString()).start();
        assertEquals("", new String(left.getInputStream().readAllBytes()).strip(), "the loop device was detached");
    }
}
