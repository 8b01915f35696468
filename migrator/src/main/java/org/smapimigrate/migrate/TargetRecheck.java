package org.smapimigrate.migrate;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.smapimigrate.datapath.VolumeAttachment;
import org.smapimigrate.disk.DiskCopy;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.plugin.PluginRoot;
import org.smapimigrate.plugin.Volume;
import org.smapimigrate.plugin.VolumePlugin;
import org.smapimigrate.verify.DigestComparison;
import org.smapimigrate.verify.DiskDigest;
import org.smapimigrate.verify.DiskHasher;
import org.smapimigrate.verify.Manifest;

/**
 * Checks a migrated volume again, later, from its manifest alone: attaches the SR with the
 * recorded plugin and configuration, finds the volume by its key, reads it through its datapath
 * and compares the digest with the recorded one.
 */
public final class TargetRecheck {

    /**
     * @param manifest      the manifest a migration wrote
     * @param volumeKey     the key checked
     * @param state         the volume's {@link MigrationKeys#STATE} now (null when it has none)
     * @param expected      the recorded whole-disk digest
     * @param actual        the digest of the volume read back now
     * @param comparison    {@link DigestComparison#describe()}
     * @param matches       true when the volume still holds exactly the migrated bytes
     * @param checkedAt     ISO-8601 instant
     */
    public record Result(String manifest, String volumeKey, String state, String expected, String actual,
                         String comparison, boolean matches, String checkedAt) {
    }

    private TargetRecheck() {
    }

    /**
     * @param pluginRoot the plugin tree to use, or null for the one recorded in the manifest
     */
    public static Result run(Path manifestPath, Manifest manifest, Path pluginRoot, Duration timeLimit,
                             MigrationProgress progress) throws IOException {
        Manifest.Target t = manifest.target();
        PluginRoot root = new PluginRoot(pluginRoot != null ? pluginRoot : Path.of(t.pluginRoot()), timeLimit);
        VolumePlugin plugin = root.volumePlugin(t.volumePlugin());
        String sr = plugin.srAttach(t.srConfiguration());
        Volume volume = plugin.volumeStat(sr, t.volumeKey());
        DiskDigest expected = manifest.digest();
        if (volume.virtualSize() < expected.size()) {
            throw new MigrationException("volume " + volume.describe() + " now has " + volume.virtualSize()
                    + " bytes, the manifest records " + expected.size());
        }
        DiskDigest actual;
        DiskCopy pipeline = DiskCopy.standard();
        String domain = VolumeAttachment.dom0Domain("smapi-migrate-verify/" + volume.key());
        try (VolumeAttachment a = VolumeAttachment.attach(root, volume, domain);
             VirtualDisk disk = a.openReader(expected.size());
             MigrationProgress.Phase bar = progress.phase("verify", expected.size(), pipeline::bytesDone)) {
            actual = new DiskHasher(pipeline).digest(disk);
        }
        DigestComparison c = expected.compare(actual);
        return new Result(manifestPath.toString(), volume.key(), org.smapimigrate.plan.VolumeKeys.stateOf(volume.keys()),
                expected.whole(), actual.whole(), c.describe(), c.matches(), Instant.now().toString());
    }
}
