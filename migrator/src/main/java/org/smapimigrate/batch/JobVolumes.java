package org.smapimigrate.batch;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.smapimigrate.inventory.VdiEntry;

/**
 * The volumes of one job this host sees: each of the job's sources looked up through
 * {@link HostSources} (one this host cannot see is noted, not an error: another host of the pool
 * takes it), its selection resolved, in source then inventory order.
 *
 * @param volumes    what this host may take
 * @param selections each visible source's selection, by the source as the job names it
 * @param notes      sources not seen from here, named VDIs in none of them
 * @param problems   sources that are here but cannot be read (a run counts them as failures)
 */
public record JobVolumes(Job job, List<Entry> volumes, Map<String, SourceSelection> selections, List<String> notes,
                         List<String> problems) {
    /** One volume with what the listing knows of it. */
    public record Entry(BatchRun.Volume volume, String name, long virtualSize, long chainAllocated) {
    }

    public static JobVolumes list(Job job, HostSources sources) {
        List<Entry> out = new ArrayList<>();
        Map<String, SourceSelection> selections = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Set<String> found = new LinkedHashSet<>();
        if (job.kind() == Job.SourceKind.VM) {
            notes.add(job.name() + ": its VMs are listed through XAPI by 'batch run'; here only what runs recorded");
            return new JobVolumes(job, List.of(), selections, List.copyOf(notes), List.of());
        }
        String what = job.kind() == Job.SourceKind.XVA ? "XVA file" : "SR";
        for (var path : job.sourceSrs()) {
            String sr = path.toString();
            if (!sources.visible(sr)) {
                notes.add(job.name() + ": " + what + " " + sr + " is not visible from this host (looked for "
                        + sources.where(sr) + "); left to the hosts that see it");
                continue;
            }
            SourceSelection sel;
            try {
                sel = SourceSelection.of(job, sources.open(sr));
            } catch (IOException | RuntimeException e) {
                problems.add(job.name() + ": " + what + " " + sr + " cannot be read: "
                        + String.valueOf(e.getMessage()).lines().findFirst().orElse(e.toString()));
                continue;
            }
            selections.put(sr, sel);
            for (String vdi : sel.selected()) {
                VdiEntry e = sel.entry(vdi);
                out.add(new Entry(new BatchRun.Volume(sr, vdi), e == null ? null : e.nameLabel(),
                        e == null ? 0 : e.virtualSize(), sel.chainAllocated(vdi)));
                found.add(vdi);
                if (e != null && e.nameLabel() != null) {
                    found.add(e.nameLabel());
                }
            }
        }
        for (String asked : job.vdis()) {
            boolean named = found.contains(asked) || found.stream().anyMatch(f -> f.equalsIgnoreCase(asked));
            if (!named && !asked.startsWith("Ref:")) {
                notes.add(job.name() + ": VDI " + asked + " is in none of the job's sources this host sees");
            }
        }
        return new JobVolumes(job, List.copyOf(out), selections, List.copyOf(notes), List.copyOf(problems));
    }

    /** The volumes as BatchRun takes them. */
    public List<BatchRun.Volume> runList() {
        return volumes.stream().map(Entry::volume).toList();
    }
}
