package org.smapimigrate.live;

import java.util.List;

/**
 * One disk of a live run, for the report and {@code --json}: its passes and its verification at
 * the switch-over. The VM's stop, downtime and start are the run's ({@link LiveResult}): one for
 * all its disks.
 *
 * @param disk         the source disk (VDI uuid)
 * @param volume       its target volume's key, or null before one was made
 * @param passes       every pass of this disk, the switch-over's delta last
 * @param sourceDigest {@code sha256:HEX} of the quiet disk, or null when not reached
 * @param targetDigest {@code sha256:HEX} of its whole target volume read back, or null
 * @param verified     true when both digests were computed and are equal
 */
public record LiveDisk(String disk, String volume, List<LivePass> passes, String sourceDigest, String targetDigest,
                       boolean verified) {
    public LiveDisk {
        passes = List.copyOf(passes);
    }

    /** Passes before the switch-over (pass 0 included). */
    public long livePasses() {
        return passes.stream().filter(p -> !p.last()).count();
    }
}
