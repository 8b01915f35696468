package org.smapimigrate.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smapimigrate.migrate.MigrationFixtures.RAW_VDI;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.datapath.VolumeAttachment;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.execute.RunRefused;
import org.smapimigrate.plan.PlanInputException;
import org.smapimigrate.plan.VolumeKeys;
import org.smapimigrate.plugin.PluginRoot;
import org.smapimigrate.plugin.Volume;
import org.smapimigrate.verify.Manifest;

/** A single VDI through the one engine (planned on the fly, journaled, verified), called from code. */
class VdiRunTest {
    @TempDir
    Path tmp;

    /** Reads the volume back through its datapath, as a host would, and hashes it plainly. */
    static String sha256ThroughDatapath(TargetSr target, String key) throws Exception {
        Volume v = target.plugin().volumeStat(target.sr(), key);
        try (VolumeAttachment a = VolumeAttachment.attach(target.root(), v, "u0_test_readback");
             VirtualDisk d = a.openReader(v.virtualSize())) {
            return MigrationFixtures.sha256(d);
        }
    }

    private static RawFilesRepository corpusRaw() throws IOException {
        return new RawFilesRepository(MigrationFixtures.corpusSrDir(), MigrationFixtures.CORPUS_SR);
    }

    @Test
    void corpusRawVdiArrivesByteExactAndIsListedWithItsKeys() throws Exception {
        Path src = MigrationFixtures.corpusSrDir().resolve(RAW_VDI + ".raw");
        String before = MigrationFixtures.sha256(src);

        EngineRun r = EngineRun.migrate(tmp.resolve("target-sr"), corpusRaw(), RAW_VDI, tmp.resolve("state"));

        TargetSr target = TargetSr.bundled(MigrationFixtures.bundledRoot(), tmp.resolve("target-sr"));
        assertEquals(MigrationFixtures.expectedSha256(RAW_VDI), sha256ThroughDatapath(target, r.volumeKey()));
        assertEquals(before, MigrationFixtures.sha256(src), "the source is untouched");
        List<Volume> listed = target.plugin().srLs(target.sr());
        assertEquals(1, listed.size());
        Volume v = listed.get(0);
        assertEquals(RAW_VDI, VolumeKeys.ours(v.keys()).get(VolumeKeys.SOURCE_VDI));
        assertEquals(MigrationFixtures.CORPUS_SR, VolumeKeys.ours(v.keys()).get(VolumeKeys.SOURCE_SR));
        assertEquals("raw", VolumeKeys.ours(v.keys()).get(VolumeKeys.SOURCE_ROLE));
        assertEquals(VolumeKeys.COMPLETE, VolumeKeys.stateOf(v.keys()));
        assertEquals(r.summary().planId(), VolumeKeys.ours(v.keys()).get(VolumeKeys.PLAN));

        Manifest m = r.manifest();
        assertEquals(RAW_VDI, m.source().vdiUuid());
        assertEquals(r.volumeKey(), m.target().volumeKey());
        assertEquals(m.digest().whole(), VolumeKeys.ours(v.keys()).get(VolumeKeys.DIGEST));
        assertEquals(8388608L, m.digest().size());
        assertTrue(m.verification().matches());
        assertTrue(Path.of(r.summary().manifests().get(0)).startsWith(tmp.resolve("state")),
                "manifests go into the state directory");
        try (var files = Files.list(tmp.resolve("target-sr"))) {
            assertTrue(files.noneMatch(p -> p.toString().endsWith(".datapath")), "the datapath was released");
        }
    }

    @Test
    void theSameRequestAgainChangesNothingAndAnotherRunOfTheVdiIsRefused() throws Exception {
        EngineRun first = EngineRun.migrate(tmp.resolve("sr"), corpusRaw(), RAW_VDI, tmp.resolve("state"));
        EngineRun again = EngineRun.migrate(tmp.resolve("sr"), corpusRaw(), RAW_VDI, tmp.resolve("state"));
        assertEquals(first.summary().planId(), again.summary().planId(), "the state directory's plan is found again");
        assertEquals(0, again.summary().stepsRun(), "a finished plan only rechecks");
        assertEquals(first.volumeKey(), again.volumeKey());

        // A separate plan for the same VDI (another state directory) would make a second copy.
        MigrationException e = assertThrows(MigrationException.class,
                () -> EngineRun.migrate(tmp.resolve("sr"), corpusRaw(), RAW_VDI, tmp.resolve("other-state")));
        assertTrue(e.getMessage().contains("already migrated"), e.getMessage());
        TargetSr target = TargetSr.bundled(MigrationFixtures.bundledRoot(), tmp.resolve("sr"));
        assertEquals(1, target.plugin().srLs(target.sr()).size());
    }

    @Test
    void holesStayHolesOnTheTarget() throws Exception {
        Path srcDir = Files.createDirectories(tmp.resolve("v1"));
        String vdi = "11111111-2222-4333-8444-555555555555";
        Path raw = srcDir.resolve(vdi + ".raw");
        long size = 256L << 20;
        try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
            f.setLength(size);
            f.seek(5L << 20);
            f.write("some data".getBytes());
            f.seek(size - 3);
            f.write(new byte[] {1, 2, 3});
        }
        RawFilesRepository source = new RawFilesRepository(srcDir, null);
        EngineRun r = EngineRun.migrate(tmp.resolve("sr"), source, vdi, tmp.resolve("state"));
        TargetSr target = TargetSr.bundled(MigrationFixtures.bundledRoot(), tmp.resolve("sr"));
        assertEquals(MigrationFixtures.sha256(raw), sha256ThroughDatapath(target, r.volumeKey()));
        Volume v = target.plugin().volumeStat(target.sr(), r.volumeKey());
        assertTrue(v.physicalUtilisation() <= 16L << 20,
                "a 256 MiB disk with two small writes must stay sparse: " + v.physicalUtilisation());
        assertEquals(srcDir.toString(), VolumeKeys.ours(v.keys()).get(VolumeKeys.SOURCE_SR), "no SR uuid: the path identifies it");
    }

    @Test
    void pluginWithoutVolumeSetIsRefusedBeforeTheSrIsCreated() throws Exception {
        Path root = tmp.resolve("plugins");
        MigrationFixtures.copyPlugin(MigrationFixtures.bundledRootPath().resolve("volume"), root.resolve("volume"));
        MigrationFixtures.copyPlugin(MigrationFixtures.bundledRootPath().resolve("datapath"), root.resolve("datapath"));
        Path vol = root.resolve("volume").resolve(BundledPluginRoot.VOLUME_PLUGIN);
        Files.delete(vol.resolve("Volume.set"));
        Files.delete(vol.resolve("Volume.unset"));
        RunRefused e = assertThrows(RunRefused.class, () -> EngineRun.migrate(root, Duration.ofSeconds(60),
                tmp.resolve("sr"), corpusRaw(), RAW_VDI, tmp.resolve("state")));
        assertTrue(e.getMessage().contains("target-cannot-set-keys"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("sr")), "no SR was created");
    }

    @Test
    void pluginRequiringAnUnknownApiVersionIsRefused() throws Exception {
        Path root = tmp.resolve("plugins");
        Path vol = root.resolve("volume").resolve("org.test.future");
        MigrationFixtures.script(vol.resolve("Plugin.Query"), "cat >/dev/null; echo '{\"plugin\":\"f\","
                + "\"name\":\"f\",\"description\":\"\",\"vendor\":\"\",\"copyright\":\"\",\"version\":\"9\","
                + "\"required_api_version\":\"9.0\",\"features\":[],\"configuration\":{},"
                + "\"required_cluster_stack\":[]}'");
        IOException e = assertThrows(IOException.class, () -> TargetSr.attach(
                new PluginRoot(root, Duration.ofSeconds(60)), "org.test.future", Map.of()));
        assertTrue(e.getMessage().contains("9.0"), e.getMessage());
    }

    @Test
    void unknownVdiIsAClearErrorAndNothingIsCreated() throws Exception {
        PlanInputException e = assertThrows(PlanInputException.class, () -> EngineRun.migrate(tmp.resolve("sr"),
                corpusRaw(), "00000000-0000-0000-0000-000000000000", tmp.resolve("state")));
        assertTrue(e.getMessage().contains("has no VDI"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("sr")), "no SR was created");
        assertFalse(Files.exists(tmp.resolve("state")), "no plan was written");
    }

    @Test
    void genericAttachUsesTheGivenConfiguration() throws Exception {
        PluginRoot root = MigrationFixtures.bundledRoot();
        TargetSr created = TargetSr.bundled(root, tmp.resolve("sr"));
        TargetSr attached = TargetSr.attach(root, BundledPluginRoot.VOLUME_PLUGIN, created.configuration());
        assertEquals(created.sr(), attached.sr());
        assertEquals(Map.of("path", tmp.resolve("sr").toString()), attached.configuration());
    }
}
