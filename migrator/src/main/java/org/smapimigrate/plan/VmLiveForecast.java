package org.smapimigrate.plan;

import java.util.List;

/**
 * What a live migration of one VM is expected to do ({@link VmLiveModel}): each disk's forecast
 * (its bytes per pass; the pass times, the downtime and the total are the VM's) and the VM's own
 * figures: all disks together per pass, one stop.
 *
 * @param vm              the VM's uuid
 * @param name            its name_label (from XAPI: escape before showing)
 * @param disks           one forecast per disk of the VM the migration moves
 * @param passes          the passes while the VM runs, the bytes of all disks together
 * @param finalBytes      the last deltas of all disks, copied with the VM stopped
 * @param checkSeconds    the check of every disk whole
 * @param downtimeSeconds one stop for all disks: their last deltas, the freeze and the checks
 * @param totalSeconds    every pass plus the downtime
 * @param writeRate       bytes per second the VM writes over all its disks
 * @param converges       that write rate is below the copy rate
 * @param stop            {@value LiveForecast#THRESHOLD} or {@value LiveForecast#MAX_PASSES}
 */
public record VmLiveForecast(String vm, String name, List<LiveForecast> disks, List<ForecastPass> passes,
                             long finalBytes, double checkSeconds, double downtimeSeconds, double totalSeconds,
                             long writeRate, boolean converges, String stop) {
    public VmLiveForecast {
        disks = List.copyOf(disks);
        passes = List.copyOf(passes);
    }
}
