package org.smapimigrate.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smapimigrate.migrate.MigrationFixtures.RAW_VDI;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.plan.VolumeKeys;
import org.smapimigrate.plugin.PluginCallException;
import org.smapimigrate.plugin.PluginFailure;
import org.smapimigrate.plugin.PluginRoot;
import org.smapimigrate.plugin.Volume;

/**
 * Broken plugins, through the one engine: every failure must give one clear error, release the
 * datapath, leave no volume that looks complete (a volume left for the re-run stays marked
 * incomplete; one that ran out of space is destroyed), write no manifest, and leave the source as
 * it was.
 */
class MigrationFailureTest {
    @TempDir
    Path tmp;
    Path log;
    Path source;
    String sourceSha;

    @BeforeEach
    void setUp() throws Exception {
        log = tmp.resolve("calls.log");
        source = MigrationFixtures.corpusSrDir().resolve(RAW_VDI + ".raw");
        sourceSha = MigrationFixtures.sha256(source);
    }

    private MigrationException failWith(Duration limit, String... overrides) throws Exception {
        Path rootDir = MigrationFixtures.fakeDatapathTree(tmp, log, overrides);
        RawFilesRepository repo = new RawFilesRepository(MigrationFixtures.corpusSrDir(), MigrationFixtures.CORPUS_SR);
        MigrationException e = assertThrows(MigrationException.class, () -> EngineRun.migrate(rootDir, limit,
                tmp.resolve("sr"), repo, RAW_VDI, tmp.resolve("state")));
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
        TargetSr target = TargetSr.bundled(new PluginRoot(rootDir, limit), tmp.resolve("sr"));
        for (Volume v : target.plugin().srLs(target.sr())) {
            assertEquals(VolumeKeys.INCOMPLETE, VolumeKeys.stateOf(v.keys()), "nothing looks complete");
        }
        assertEquals(sourceSha, MigrationFixtures.sha256(source), "the source is untouched");
        try (var files = Files.walk(tmp.resolve("state"))) {
            assertTrue(files.noneMatch(p -> p.toString().endsWith(".manifest.json")), "no manifest");
        }
        return e;
    }

    private List<String> calls() throws IOException {
        return Files.readAllLines(log);
    }

    @Test
    void pluginErrorJsonIsReportedWithItsCodeAndParams() throws Exception {
        MigrationException e = failWith(Duration.ofSeconds(60), "Datapath.attach="
                + "echo '{\"code\":\"SR_BACKEND_FAILURE_46\",\"params\":[\"The VDI is not available\",\"tapdisk died\"],"
                + "\"backtrace\":{}}'; exit 1");
        PluginCallException cause = assertInstanceOf(PluginCallException.class, e.getCause());
        assertEquals(PluginFailure.PLUGIN_ERROR, cause.failure());
        assertTrue(e.getMessage().contains("SR_BACKEND_FAILURE_46"), e.getMessage());
        assertTrue(e.getMessage().contains("tapdisk died"), e.getMessage());
        assertEquals(List.of("Datapath.attach"), calls());
    }

    @Test
    void nonJsonOutputIsReported() throws Exception {
        MigrationException e = failWith(Duration.ofSeconds(60),
                "Datapath.attach=echo 'Traceback (most recent call last):'; echo 'KeyError: uri' >&2; exit 1");
        assertEquals(PluginFailure.BAD_OUTPUT, ((PluginCallException) e.getCause()).failure());
        assertTrue(e.getMessage().contains("KeyError: uri"), e.getMessage());
        assertEquals(List.of("Datapath.attach"), calls());
    }

    @Test
    void missingMethodIsReportedAndWhatWasDoneIsUndone() throws Exception {
        MigrationException e = failWith(Duration.ofSeconds(60), "Datapath.attach=" + fileAt("/dev/null"),
                "Datapath.activate=MISSING");
        assertEquals(PluginFailure.MISSING_METHOD, ((PluginCallException) e.getCause()).failure());
        assertTrue(e.getMessage().contains("Datapath.activate"), e.getMessage());
        assertEquals(List.of("Datapath.attach", "Datapath.detach"), calls());
    }

    @Test
    void timeLimitIsReported() throws Exception {
        MigrationException e = failWith(Duration.ofSeconds(2), "Datapath.attach=" + fileAt("/dev/null"),
                "Datapath.activate=sleep 30");
        assertEquals(PluginFailure.TIME_LIMIT, ((PluginCallException) e.getCause()).failure());
        assertEquals(List.of("Datapath.attach", "Datapath.activate", "Datapath.detach"), calls());
    }

    @Test
    void writeFailingWithEnospcDestroysTheVolumeAfterReleasingTheDatapath() throws Exception {
        // /dev/full accepts the open and fails every write with ENOSPC, as a full target would.
        MigrationException e = failWith(Duration.ofSeconds(60), "Datapath.attach=" + fileAt("/dev/full"));
        assertTrue(e.getMessage().startsWith("out of space on "), e.getMessage());
        assertTrue(e.getMessage().contains("was destroyed"), e.getMessage());
        TargetSr target = TargetSr.bundled(MigrationFixtures.bundledRoot(), tmp.resolve("sr"));
        assertEquals(List.of(), target.plugin().srLs(target.sr()), "the half-written volume is gone");
        // The run's release, then once more before Volume.destroy (on a full SR the first may fail);
        // persistent attachments are never opened (XAPI opens only non-persistent ones), the
        // stale-attachment release closes anyway for runs of older versions that did.
        assertEquals(List.of("Datapath.attach", "Datapath.activate", "Datapath.deactivate",
                "Datapath.detach", "Datapath.deactivate", "Datapath.detach", "Datapath.close"),
                calls());
    }

    @Test
    void failedDeactivateStillDetachesAndClosesAndFailsTheMigration() throws Exception {
        Path sr = tmp.resolve("sr");
        // The File is a real volume-sized scratch file so the copy succeeds; deactivate then fails.
        Path scratch = tmp.resolve("scratch.raw");
        try (var f = new java.io.RandomAccessFile(scratch.toFile(), "rw")) {
            f.setLength(8L << 20);
        }
        MigrationException e = failWith(Duration.ofSeconds(60), "Datapath.attach=" + fileAt(scratch.toString()),
                "Datapath.deactivate=echo '{\"code\":\"SR_BACKEND_FAILURE_47\",\"params\":[\"busy\"],\"backtrace\":{}}';"
                        + " exit 1");
        assertTrue(e.getMessage().contains("SR_BACKEND_FAILURE_47"), e.getMessage());
        assertEquals(List.of("Datapath.attach", "Datapath.activate", "Datapath.deactivate",
                "Datapath.detach"), calls());
        assertTrue(Files.isDirectory(sr));
    }

    @Test
    void volumeThatCannotBeDestroyedIsLeftMarkedIncompleteAndTheNextRunFinishesIt() throws Exception {
        Path root = tmp.resolve("broken-destroy");
        Path vol = root.resolve("volume").resolve(BundledPluginRoot.VOLUME_PLUGIN);
        MigrationFixtures.copyPlugin(
                MigrationFixtures.bundledRootPath().resolve("volume").resolve(BundledPluginRoot.VOLUME_PLUGIN), vol);
        Files.delete(vol.resolve("Volume.destroy"));
        MigrationFixtures.script(vol.resolve("Volume.destroy"), "cat >/dev/null; echo 'Segmentation fault' >&2; exit 139");
        Path dp = root.resolve("datapath").resolve("raw+file");
        for (String m : new String[] {"Datapath.open", "Datapath.activate", "Datapath.deactivate", "Datapath.detach",
                "Datapath.close"}) {
            MigrationFixtures.script(dp.resolve(m), "cat >/dev/null; echo null");
        }
        MigrationFixtures.script(dp.resolve("Datapath.attach"), "cat >/dev/null; " + fileAt("/dev/full"));

        RawFilesRepository repo = new RawFilesRepository(MigrationFixtures.corpusSrDir(), MigrationFixtures.CORPUS_SR);
        MigrationException e = assertThrows(MigrationException.class, () -> EngineRun.migrate(root,
                Duration.ofSeconds(60), tmp.resolve("sr"), repo, RAW_VDI, tmp.resolve("state")));
        assertTrue(e.getMessage().contains(VolumeKeys.STATE + "=" + VolumeKeys.INCOMPLETE), e.getMessage());
        TargetSr broken = TargetSr.bundled(new PluginRoot(root, Duration.ofSeconds(60)), tmp.resolve("sr"));
        List<Volume> left = broken.plugin().srLs(broken.sr());
        assertEquals(1, left.size());
        assertEquals(VolumeKeys.INCOMPLETE, VolumeKeys.stateOf(left.get(0).keys()));

        // With working plugins, the same request resumes from its journal and finishes the volume.
        EngineRun r = EngineRun.migrate(tmp.resolve("sr"), repo, RAW_VDI, tmp.resolve("state"));
        TargetSr good = TargetSr.bundled(MigrationFixtures.bundledRoot(), tmp.resolve("sr"));
        List<Volume> now = good.plugin().srLs(good.sr());
        assertEquals(1, now.size());
        assertEquals(left.get(0).key(), now.get(0).key(), "the volume was finished, not duplicated");
        assertEquals(VolumeKeys.COMPLETE, VolumeKeys.stateOf(now.get(0).keys()));
        assertEquals(MigrationFixtures.expectedSha256(RAW_VDI), VdiRunTest.sha256ThroughDatapath(good, r.volumeKey()));
    }

    private static String fileAt(String path) {
        return "echo '{\"implementations\":[[\"XenDisk\",{\"params\":\"x\",\"extra\":{},\"backend_type\":\"vbd\"}],"
                + "[\"File\",{\"path\":\"" + path + "\"}]]}'";
    }
}
