package org.smapimigrate.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import org.smapimigrate.plan.VolumeKeys;
import org.smapimigrate.plugin.Volume;

/**
 * A datapath that hands out an Nbd implementation, as XCP-ng's old qdisk datapath did (qemu-dp
 * serving the volume on a UNIX socket): the copy goes through our NBD client into qemu-nbd or
 * nbdkit, both third-party servers.
 */
class NbdTargetTest {
    @TempDir
    Path tmp;
    Path dp;

    /**
     * attach starts SERVER (with {sock}, {pid} and {file} filled in) and answers
     * ["Nbd", {"uri": "nbd:unix:SOCK:exportname=volume"}]; detach kills it.
     */
    static String datapath(String server) {
        return """
                import json, os, signal, subprocess, sys, urllib.parse
                method = os.path.basename(sys.argv[0])
                args = json.loads(sys.stdin.readline())
                here = os.path.dirname(os.path.abspath(sys.argv[0]))
                sock, pid = os.path.join(here, "nbd.sock"), os.path.join(here, "nbd.pid")
                result = None
                if method == "Datapath.attach":
                    path = urllib.parse.unquote(urllib.parse.urlparse(args["uri"]).path)
                    cmd = SERVER.format(sock=sock, pid=pid, file=path)
                    subprocess.run(cmd, shell=True, check=True)
                    result = {"implementations": [["Nbd", {"uri": "nbd:unix:%s:exportname=volume" % sock}]]}
                elif method == "Datapath.detach" and os.path.exists(pid):
                    os.kill(int(open(pid).read().strip()), signal.SIGTERM)
                    os.unlink(pid)
                print(json.dumps(result))
                """.replace("SERVER", pythonString(server));
    }

    static String pythonString(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    Path root;

    private TargetSr target(String server) throws Exception {
        root = tmp.resolve("plugins");
        MigrationFixtures.copyPlugin(MigrationFixtures.bundledRootPath().resolve("volume"), root.resolve("volume"));
        dp = Files.createDirectories(root.resolve("datapath").resolve("raw+file"));
        Path py = dp.resolve("nbd.py");
        Files.writeString(py, "#!/usr/bin/python3\n" + datapath(server));
        py.toFile().setExecutable(true);
        for (String m : List.of("Plugin.Query", "Datapath.open", "Datapath.attach", "Datapath.activate",
                "Datapath.deactivate", "Datapath.detach", "Datapath.close")) {
            Files.createSymbolicLink(dp.resolve(m), Path.of("nbd.py"));
        }
        return TargetSr.bundled(new PluginRoot(root, Duration.ofSeconds(60)), tmp.resolve("sr"));
    }

    @AfterEach
    void stopServer() throws Exception {
        Path pid = dp == null ? null : dp.resolve("nbd.pid");
        if (pid != null && Files.exists(pid)) {
            new ProcessBuilder("kill", Files.readString(pid).strip()).start().waitFor();
        }
    }

    private EngineRun migrate(TargetSr target) throws Exception {
        RawFilesRepository repo = new RawFilesRepository(MigrationFixtures.corpusSrDir(), MigrationFixtures.CORPUS_SR);
        return EngineRun.migrate(root, Duration.ofSeconds(60), tmp.resolve("sr"), repo, RAW_VDI, tmp.resolve("state"));
    }

    /** A failed run leaves nothing that looks complete: at most the volume, marked incomplete, for a re-run. */
    private static void nothingComplete(TargetSr target) throws Exception {
        for (Volume v : target.plugin().srLs(target.sr())) {
            assertEquals(VolumeKeys.INCOMPLETE, VolumeKeys.stateOf(v.keys()), v.keys().toString());
        }
    }

    @Test
    void migratesThroughQemuNbd() throws Exception {
        TargetSr target = target("qemu-nbd --fork --persistent --pid-file={pid} -k {sock} -f raw -x volume {file}");
        EngineRun r = migrate(target);
        assertTrue(r.manifest().target().implementation().startsWith("Nbd "), r.manifest().target().implementation());
        assertTrue(r.manifest().verification().matches());
        Volume v = target.plugin().volumeStat(target.sr(), r.volumeKey());
        Path file = Path.of(java.net.URI.create(v.uri().get(0)).getPath());
        assertEquals(MigrationFixtures.expectedSha256(RAW_VDI), MigrationFixtures.sha256(file),
                "qemu-nbd (Debian package qemu-utils) wrote the exact bytes into the volume");
        assertTrue(!Files.exists(dp.resolve("nbd.pid")), "detach stopped the server");
    }

    @Test
    void serverFailingEveryWriteFailsTheMigrationCleanly() throws Exception {
        TargetSr target = target("nbdkit -U {sock} -P {pid} --filter=error file {file} "
                + "error-pwrite=EIO error-pwrite-rate=100% error-zero=EIO error-zero-rate=100%");
        MigrationException e = assertThrows(MigrationException.class, () -> migrate(target));
        assertTrue(e.getMessage().contains("EIO") || e.getMessage().contains("Input/output"), e.getMessage());
        nothingComplete(target);
        assertTrue(!Files.exists(dp.resolve("nbd.pid")), "the datapath was detached, stopping nbdkit");
    }

    @Test
    void serverGoneBeforeTheCopyFailsTheMigrationCleanly() throws Exception {
        TargetSr target = target("true"); // the socket never appears: the server died at once
        MigrationException e = assertThrows(MigrationException.class, () -> migrate(target));
        assertTrue(e.getMessage().contains("nbd.sock"), e.getMessage());
        nothingComplete(target);
    }
}
