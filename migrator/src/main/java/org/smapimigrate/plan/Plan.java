package org.smapimigrate.plan;

import java.util.List;

/**
 * A migration plan: everything an executor needs, in order, and everything a person needs to
 * decide whether to run it. Made by {@link Planner#plan}; written and read by {@link PlanJson}.
 *
 * @param format         {@value #FORMAT}
 * @param source         the SMAPIv1 SR
 * @param target         the target as probed
 * @param throughput     rate the estimates assume
 * @param strategy       the strategy used
 * @param strategyReason why that one
 * @param totals         figures
 * @param nodes          every source image and what happens to it
 * @param steps          what to do, in order
 * @param risks          what to look at, most severe first
 */
public record Plan(String format, PlanSource source, TargetCapabilities target, Throughput throughput,
                   Strategy strategy, String strategyReason, Totals totals, List<SourceNode> nodes,
                   List<Step> steps, List<Risk> risks) {

    public static final String FORMAT = "smapi-migrate-plan/1";

    public Plan {
        nodes = List.copyOf(nodes);
        steps = List.copyOf(steps);
        risks = List.copyOf(risks);
    }

    public SourceNode node(String uuid) {
        return nodes.stream().filter(n -> n.uuid().equals(uuid)).findFirst().orElse(null);
    }

    public Step step(String id) {
        return steps.stream().filter(s -> s.id().equals(id)).findFirst().orElse(null);
    }
}
