package org.smapimigrate.plan;

import java.util.List;

/**
 * The live part of a VM plan ({@code plan --xapi URL --vm ... --mode live}): the settings, the
 * write model, and per running VM its forecast.
 *
 * @param settings what the forecast assumes
 * @param model    the write model in one sentence
 * @param vms      one forecast per running VM named
 * @param notes    what the reader should know about the figures (where sizes and rates came from)
 */
public record VmLivePlan(ForecastSettings settings, String model, List<VmLiveForecast> vms, List<String> notes) {
    public VmLivePlan {
        vms = List.copyOf(vms);
        notes = List.copyOf(notes);
    }
}
