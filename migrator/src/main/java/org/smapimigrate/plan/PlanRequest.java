package org.smapimigrate.plan;

import java.util.Map;
import org.smapimigrate.inventory.SrInventory;

/**
 * Everything the planner looks at.
 *
 * @param source       the SR inventory
 * @param snapshots    per VDI uuid, what XAPI records about snapshots (LVHD MGT); may be empty
 * @param selection    which VDIs
 * @param target       what the target can do
 * @param throughput   for the estimates
 * @param forceFlatten flatten every VDI even where the target could keep trees
 */
public record PlanRequest(SrInventory source, Map<String, SnapshotInfo> snapshots, VdiSelection selection,
                          TargetCapabilities target, Throughput throughput, boolean forceFlatten) {

    public PlanRequest {
        snapshots = snapshots == null ? Map.of() : Map.copyOf(snapshots);
        if (source == null || selection == null || target == null || throughput == null) {
            throw new IllegalArgumentException("a plan needs a source inventory, a selection, a target and a throughput");
        }
    }
}
