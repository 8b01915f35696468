package org.smapimigrate.plan;

import java.util.List;
import java.util.Map;

/**
 * {@code Volume.create} of an empty, non-sharable volume of {@code size} bytes, then
 * {@code Volume.set} of {@code keys} at once so a re-run recognises a half-done volume.
 *
 * @param owner       source uuid of the VDI the volume ends up as (or the base copy a carrier holds)
 * @param purpose     VDI or CARRIER
 * @param name        name to create it with
 * @param description description to create it with
 * @param size        virtual size in bytes
 * @param keys        identity keys ({@link VolumeKeys}) to set right after creating it
 */
public record CreateVolume(String id, List<String> after, String owner, VolumePurpose purpose, String name,
                           String description, long size, Map<String, String> keys) implements Step {

    public CreateVolume {
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
