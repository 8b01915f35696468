package org.smapimigrate.lvm;

import java.util.List;

/**
 * An LV as the VG metadata describes it.
 *
 * @param name          the LV name (the section key)
 * @param id            LV uuid, dashed, or null when absent
 * @param status        e.g. {@code READ}, {@code WRITE}, {@code VISIBLE}
 * @param flags         e.g. {@code WRITE_LOCKED}, {@code ACTIVATION_SKIP}
 * @param tags          e.g. {@code hidden}, {@code journaler} on an LVHD SR
 * @param creationTime  Unix seconds, or -1
 * @param creationHost  or null
 * @param segments      sorted by start extent
 * @param extentCount   logical extents (the sum over the segments)
 * @param sizeBytes     extentCount times the VG extent size
 * @param problem       why the LV cannot be read as a disk (an unsupported segment type,
 *                      malformed segments), or null when it can
 */
public record LogicalVolume(String name, String id, List<String> status, List<String> flags, List<String> tags,
                            long creationTime, String creationHost, List<Segment> segments, long extentCount,
                            long sizeBytes, Problem problem) {

    /** A reason an LV is not readable: a defect code such as {@code unsupported-segment} and a message. */
    public record Problem(String code, String detail) {
    }

    public LogicalVolume {
        status = List.copyOf(status);
        flags = List.copyOf(flags);
        tags = List.copyOf(tags);
        segments = List.copyOf(segments);
    }

    /** Read-only when {@code WRITE} is absent from the status or the {@code WRITE_LOCKED} flag is set. */
    public boolean readOnly() {
        return !status.contains("WRITE") || flags.contains("WRITE_LOCKED");
    }

    /** An LV without {@code VISIBLE} is internal ({@code *_rimage_N}, {@code *_tmeta}, ...). */
    public boolean visible() {
        return status.contains("VISIBLE");
    }

    public boolean hasTag(String tag) {
        return tags.contains(tag);
    }

    public boolean readable() {
        return problem == null;
    }
}
