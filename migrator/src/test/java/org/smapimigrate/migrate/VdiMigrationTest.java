package org.smapimigrate.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smapimigrate.migrate.MigrationFixtures.RAW_VDI;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.datapath.VolumeAttachment;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.plugin.PluginRoot;
import org.smapimigrate.plugin.Volume;
import org.smapimigrate.verify.Manifest;
import org.smapimigrate.verify.ManifestFile;

class VdiMigrationTest {
    @TempDir
    Path tmp;

    private MigrationResult migrate(TargetSr target, RawFilesRepository source, String vdi,
                                    VdiMigration.Existing existing) throws IOException {
        return new VdiMigration(target, MigrationProgress.NONE, "test")
                .migrate(source, source.inventory(), vdi, existing, tmp.resolve("manifests"));
    }

    /** Reads the volume back through its datapath, as a host would, and hashes it plainly. */
    static String sha256ThroughDatapath(TargetSr target, String key) throws Exception {
        Volume v = target.plugin().volumeStat(target.sr(), key);
        try (VolumeAttachment a = VolumeAttachment.attach(target.root(), v, "u0_test_readback");
             VirtualDisk d = a.openReader(v.virtualSize())) {
            return MigrationFixtures.sha256(d);
        }
    }

    @Test
    void corpusRawVdiArrivesByteExactAndIsListedWithItsKeys() throws Exception {
        Path src = MigrationFixtures.corpusSrDir().resolve(RAW_VDI + ".raw");
        String before = MigrationFixtures.sha256(src);
        RawFilesRepository source = new RawFilesRepository(MigrationFixtures.corpusSrDir(), MigrationFixtures.CORPUS_SR);
        TargetSr target = TargetSr.bundled(MigrationFixtures.bundledRoot(), tmp.resolve("target-sr"));

        MigrationResult r = migrate(target, source, RAW_VDI, VdiMigration.Existing.REFUSE);

        assertEquals("migrated", r.status());
        assertEquals("match", r.verification());
        assertEquals(MigrationFixtures.expectedSha256(RAW_VDI), sha256ThroughDatapath(target, r.volumeKey()));
        assertEquals(before, MigrationFixtures.sha256(src), "the source is untouched");
        List<Volume> listed = target.plugin().srLs(target.sr());
        assertEquals(1, listed.size());
        Volume v = listed.get(0);
        assertEquals(RAW_VDI, v.name());
        assertEquals(RAW_VDI, v.keys().get(MigrationKeys.SOURCE_VDI));
        assertEquals(MigrationFixtures.CORPUS_SR, v.keys().get(MigrationKeys.SOURCE_SR));
        assertEquals("raw", v.keys().get(MigrationKeys.SOURCE_ROLE));
        assertEquals(MigrationKeys.COMPLETE, v.keys().get(MigrationKeys.STATE));
        assertEquals(r.digest(), v.keys().get(MigrationKeys.DIGEST));

        Manifest m = ManifestFile.read(Path.of(r.manifest()));
        assertEquals(RAW_VDI, m.source().vdiUuid());
        assertEquals(r.volumeKey(), m.target().volumeKey());
        assertEquals(8388608L, m.digest().size());
        assertTrue(m.verification().matches());
        assertTrue(Files.list(tmp.resolve("target-sr")).noneMatch(p -> p.toString().endsWith(".datapath")),
                "the datapath was released");
    }

    @Test
    void aSecondRunRefusesSkipsOrReplaces() throws Exception {
        RawFilesRepository source = new RawFilesRepository(MigrationFixtures.corpusSrDir(), MigrationFixtures.CORPUS_SR);
        TargetSr target = TargetSr.bundled(MigrationFixtures.bundledRoot(), tmp.resolve("sr"));
        MigrationResult first = migrate(target, source, RAW_VDI, VdiMigration.Existing.REFUSE);
        // The SR is found again (not created twice) by a new TargetSr on the same directory.
        TargetSr again = TargetSr.bundled(MigrationFixtures.bundledRoot(), tmp.resolve("sr"));
        MigrationException e = assertThrows(MigrationException.class,
                () -> migrate(again, source, RAW_VDI, VdiMigration.Existing.REFUSE));
        assertTrue(e.getMessage().contains(first.volumeKey()), e.getMessage());
        MigrationResult skipped = migrate(again, source, RAW_VDI, VdiMigration.Existing.SKIP);
        assertEquals("already-migrated", skipped.status());
        assertEquals(first.volumeKey(), skipped.volumeKey());
        MigrationResult replaced = migrate(again, source, RAW_VDI, VdiMigration.Existing.REPLACE);
        assertNotEquals(first.volumeKey(), replaced.volumeKey());
        assertEquals(1, again.plugin().srLs(again.sr()).size());
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
        TargetSr target = TargetSr.bundled(MigrationFixtures.bundledRoot(), tmp.resolve("sr"));
        MigrationResult r = migrate(target, source, vdi, VdiMigration.Existing.REFUSE);
        assertEquals(MigrationFixtures.sha256(raw), sha256ThroughDatapath(target, r.volumeKey()));
        Volume v = target.plugin().volumeStat(target.sr(), r.volumeKey());
        assertTrue(v.physicalUtilisation() <= 16L << 20,
                "a 256 MiB disk with two small writes must stay sparse: " + v.physicalUtilisation());
        assertEquals(srcDir.toString(), v.keys().get(MigrationKeys.SOURCE_SR), "no SR uuid: the path identifies it");
    }

    @Test
    void pluginWithoutVolumeSetStillMigratesAndSaysWhatItCannotRecord() throws Exception {
        Path root = tmp.resolve("plugins");
        MigrationFixtures.copyPlugin(MigrationFixtures.bundledRootPath().resolve("volume"), root.resolve("volume"));
        MigrationFixtures.copyPlugin(MigrationFixtures.bundledRootPath().resolve("datapath"), root.resolve("datapath"));
        Path vol = root.resolve("volume").resolve(BundledPluginRoot.VOLUME_PLUGIN);
        Files.delete(vol.resolve("Volume.set"));
        Files.delete(vol.resolve("Volume.unset"));
        TargetSr target = TargetSr.bundled(new PluginRoot(root, java.time.Duration.ofSeconds(60)), tmp.resolve("sr"));
        RawFilesRepository source = new RawFilesRepository(MigrationFixtures.corpusSrDir(), MigrationFixtures.CORPUS_SR);
        MigrationResult r = migrate(target, source, RAW_VDI, VdiMigration.Existing.REFUSE);
        assertEquals("migrated", r.status());
        assertTrue(r.notes().stream().anyMatch(n -> n.contains("no Volume.set")), r.notes().toString());
        assertEquals(Map.of(), target.plugin().volumeStat(target.sr(), r.volumeKey()).keys());
        assertEquals(MigrationFixtures.expectedSha256(RAW_VDI), sha256ThroughDatapath(target, r.volumeKey()));
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
                new PluginRoot(root, java.time.Duration.ofSeconds(60)), "org.test.future", Map.of()));
        assertTrue(e.getMessage().contains("9.0"), e.getMessage());
    }

    @Test
    void unknownVdiIsAClearError() throws Exception {
        RawFilesRepository source = new RawFilesRepository(MigrationFixtures.corpusSrDir(), MigrationFixtures.CORPUS_SR);
        TargetSr target = TargetSr.bundled(MigrationFixtures.bundledRoot(), tmp.resolve("sr"));
        MigrationException e = assertThrows(MigrationException.class,
                () -> migrate(target, source, "00000000-0000-0000-0000-000000000000", VdiMigration.Existing.REFUSE));
        assertTrue(e.getMessage().contains("no VDI"), e.getMessage());
        assertEquals(List.of(), target.plugin().srLs(target.sr()));
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
