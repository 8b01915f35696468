package org.smapimigrate.plan;

import java.util.List;

/**
 * The live part of a plan ({@code plan --mode live}): the settings, the write model taken, and
 * per disk the forecast passes and downtime.
 *
 * @param settings   what the forecast assumes
 * @param model      the write model in one sentence, for the reader of the plan
 * @param disks      one forecast per migrated VDI that a VM writes (not snapshots, base copies)
 */
public record LivePlan(ForecastSettings settings, String model, List<LiveForecast> disks) {
    public LivePlan {
        disks = List.copyOf(disks);
    }
}
