package org.smapimigrate.plan;

import java.util.List;
import java.util.Map;

/**
 * {@code Volume.snapshot} of {@code of}: a new read-only volume with its current content, while
 * {@code of} stays writable and goes on. The plugin copies the origin's keys, so the executor
 * overwrites them with {@code keys} straight away.
 *
 * @param of      step id of the volume to snapshot
 * @param owner   source uuid of the VDI this volume ends up as (the base copy, for a carrier)
 * @param purpose VDI or CARRIER
 */
public record SnapshotVolume(String id, List<String> after, String of, String owner, VolumePurpose purpose,
                             Map<String, String> keys) implements Step {

    public SnapshotVolume {
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
