package org.smapimigrate.plan;

/**
 * The room a run keeps free on the target beyond the bytes it plans to write: the target's own
 * metadata (volume records, allocation maps) and the rounding of sparse files to filesystem
 * blocks take some, and a target filled to the last byte fails its VMs' next writes. The plan's
 * space risk and the run's check before the first write use the same figure.
 */
public final class SpaceMargin {
    /** At least this much stays free. */
    public static final long MINIMUM = 16L << 20;

    private SpaceMargin() {
    }

    /** The margin for a run that writes {@code need} bytes: 2% of it, at least {@value #MINIMUM} bytes. */
    public static long of(long need) {
        return Math.max(MINIMUM, need / 50);
    }
}
