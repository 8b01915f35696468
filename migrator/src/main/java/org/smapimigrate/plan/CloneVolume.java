package org.smapimigrate.plan;

import java.util.List;
import java.util.Map;

/**
 * {@code Volume.clone} of {@code of}: a new writable volume with its current content. As for a
 * snapshot, the executor replaces the copied keys with {@code keys} straight away.
 *
 * @param of    step id of the volume (or, on targets that clone only snapshots, the snapshot) to clone
 * @param owner source uuid of the VDI this volume ends up as
 */
public record CloneVolume(String id, List<String> after, String of, String owner,
                          Map<String, String> keys) implements Step {

    public CloneVolume {
        after = List.copyOf(after);
        keys = VolumeKeys.sorted(keys);
    }

    @Override
    public long bytes() {
        return 0;
    }

    @Override
    public String volume() {
        return id;
    }
}
