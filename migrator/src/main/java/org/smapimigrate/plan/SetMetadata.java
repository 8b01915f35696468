package org.smapimigrate.plan;

import java.util.List;
import java.util.Map;

/**
 * Publishes what XAPI reads back on {@code sr-scan}: {@code Volume.set_name},
 * {@code Volume.set_description} and one {@code Volume.set} per key. Runs last, after
 * verification, so a scan in the middle of a run never shows a half-written volume as a finished
 * snapshot.
 *
 * @param snapshotOf step id of the volume this one is a snapshot of, or null: the executor puts
 *                   that volume's key into {@value VolumeKeys#SNAPSHOT_OF} (see {@link VolumeKeys})
 */
public record SetMetadata(String id, List<String> after, String volume, String owner, String name,
                          String description, Map<String, String> keys, String snapshotOf) implements Step {

    public SetMetadata {
        after = List.copyOf(after);
        keys = VolumeKeys.sorted(keys);
    }

    @Override
    public long bytes() {
        return 0;
    }
}
