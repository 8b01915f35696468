package org.smapimigrate.plan;

import java.util.List;

/**
 * What a live migration of one disk is expected to do ({@link LiveModel}).
 *
 * @param vdi             the VDI
 * @param allocatedBytes  what pass 0 copies (its chain's allocated bytes, capped at the virtual size)
 * @param virtualBytes    the disk's size: no delta is larger
 * @param writeRate       bytes per second the VM is taken to write to it
 * @param passes          the passes while the VM runs, pass 0 first
 * @param finalBytes      the last delta, copied with the VM stopped
 * @param verifyBytes     read on each side by the switch-over's check of the whole disk
 * @param checkSeconds    the check: reading those and hashing the whole virtual disk
 * @param downtimeSeconds final delta plus its freeze plus the check, at the plan's rate (the VM's
 *                        own shutdown and boot come on top)
 * @param totalSeconds    every pass plus the downtime
 * @param converges       the write rate is below the copy rate, so each pass is shorter than the one
 *                        before (by the factor write/copy) down to the overhead's floor
 * @param stop            {@value #THRESHOLD}: a pass was at most --switch-below; {@value #MAX_PASSES}:
 *                        --max-passes ended the passes first
 */
public record LiveForecast(String vdi, long allocatedBytes, long virtualBytes, long writeRate, List<ForecastPass> passes,
                           long finalBytes, long verifyBytes, double checkSeconds, double downtimeSeconds, double totalSeconds,
                           boolean converges, String stop) {
    public static final String THRESHOLD = "switch-below";
    public static final String MAX_PASSES = "max-passes";

    public LiveForecast {
        passes = List.copyOf(passes);
    }

    /** Bytes copied while the VM runs and at the switch-over together. */
    public long totalBytes() {
        return passes.stream().mapToLong(ForecastPass::bytes).sum() + finalBytes;
    }
}
