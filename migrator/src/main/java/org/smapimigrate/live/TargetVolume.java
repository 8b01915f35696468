package org.smapimigrate.live;

import java.io.Closeable;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import org.smapimigrate.datapath.VolumeAttachment;
import org.smapimigrate.disk.DiskSink;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.migrate.TargetSr;
import org.smapimigrate.plan.VolumeKeys;
import org.smapimigrate.plugin.Volume;

/**
 * The one SMAPIv3 volume every pass of a live run writes into, through the target's volume plugin
 * and datapath (smapiv3-interface.md: Volume.create, then Datapath attach/activate), attached once
 * for the whole run. Created with the in-progress marker in its description, as the engine's
 * volumes are ({@link VolumeKeys#inProgress}); marked complete ({@link VolumeKeys#RECORD}) only
 * once the switch-over verified it against the quiet source.
 */
public final class TargetVolume implements Closeable {
    private final TargetSr target;
    private final Volume volume;
    private final long size;
    private final VolumeAttachment attachment;

    private TargetVolume(TargetSr target, Volume volume, long size) throws IOException {
        this.target = target;
        this.volume = volume;
        this.size = size;
        this.attachment = VolumeAttachment.attach(target.root(), volume, VolumeAttachment.dom0Domain("live"));
    }

    /**
     * The volume {@code key} of an earlier run of the same live migration, or a new one of
     * {@code size} bytes when {@code key} is null.
     */
    public static TargetVolume open(TargetSr target, String key, String disk, String name, long size)
            throws IOException {
        Volume v;
        if (key != null) {
            v = target.plugin().volumeStat(target.sr(), key);
            if (v.virtualSize() < size) {
                throw new IOException("target volume " + key + " of the live run has " + v.virtualSize()
                        + " bytes, the source disk " + disk + " now " + size + ": run with --abort and start over");
            }
        } else {
            v = target.plugin().volumeCreate(target.sr(), name, VolumeKeys.inProgress("live-" + disk, "passes"), size,
                    false);
        }
        return new TargetVolume(target, v, size);
    }

    public String key() {
        return volume.key();
    }

    public String describe() {
        return "volume " + volume.key() + " of " + target.describe();
    }

    /** A new sink on the volume; {@code fresh}: nothing was ever written to it (holes may be skipped). */
    public DiskSink openSink(boolean fresh) throws IOException {
        return attachment.openSink(size, fresh);
    }

    /** The volume read back through its datapath, for the verification. */
    public VirtualDisk openReader() throws IOException {
        return attachment.openReader(size);
    }

    /** Marks it complete and verified: our record, set last, as the engine does. */
    public void markComplete(String disk, String digest) throws IOException {
        Map<String, String> ours = new TreeMap<>();
        ours.put(VolumeKeys.STATE, VolumeKeys.COMPLETE);
        ours.put(VolumeKeys.SOURCE_VDI, disk);
        ours.put(VolumeKeys.SOURCE_ROLE, "live");
        ours.put(VolumeKeys.DIGEST, digest);
        ours.put(VolumeKeys.PURPOSE, "live");
        target.plugin().volumeSet(target.sr(), volume.key(), VolumeKeys.RECORD, VolumeKeys.pack(ours));
    }

    /** Detaches and destroys it (an abort). */
    public void destroy() throws IOException {
        attachment.close();
        target.plugin().volumeDestroy(target.sr(), volume.key());
    }

    @Override
    public void close() throws IOException {
        attachment.close();
    }
}
