package org.smapimigrate.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A migration plan: everything an executor needs, in order, and everything a person needs to
 * decide whether to run it. Made by {@link Planner#plan}; written and read by {@link PlanJson}.
 *
 * @param format         {@value #FORMAT}
 * @param id             unique id given when the plan is written for a run ({@link #forRun}); an
 *                       executor marks every volume it makes with it, so a re-run finds them. Null
 *                       for a plan that only reports
 * @param source         the SMAPIv1 SR
 * @param target         the target as probed
 * @param targetSr       where the target SR is ({@link #forRun}); null for a plan that only reports
 * @param throughput     rate the estimates assume
 * @param strategy       the strategy used
 * @param strategyReason why that one
 * @param totals         figures
 * @param nodes          every source image and what happens to it
 * @param steps          what to do, in order
 * @param risks          what to look at, most severe first
 * @param live           the live migration forecast ({@code plan --mode live}), or null for an
 *                       offline plan (and then absent from the file, which stays as before)
 */
public record Plan(String format, String id, PlanSource source, TargetCapabilities target, PlanTarget targetSr,
                   Throughput throughput,
                   Strategy strategy, String strategyReason, Totals totals, List<SourceNode> nodes,
                   List<Step> steps, List<Risk> risks,
                   @JsonInclude(JsonInclude.Include.NON_NULL) LivePlan live) {

    /** Version 2 added {@code id}, {@code source.paths} and {@code target_sr}, which an executor needs. */
    public static final String FORMAT = "smapi-migrate-plan/2";

    public Plan {
        nodes = List.copyOf(nodes);
        steps = List.copyOf(steps);
        risks = List.copyOf(risks);
    }

    /** An offline plan: no live forecast. */
    public Plan(String format, String id, PlanSource source, TargetCapabilities target, PlanTarget targetSr,
                Throughput throughput, Strategy strategy, String strategyReason, Totals totals,
                List<SourceNode> nodes, List<Step> steps, List<Risk> risks) {
        this(format, id, source, target, targetSr, throughput, strategy, strategyReason, totals, nodes, steps, risks,
                null);
    }

    /** This plan with a live forecast and the risks it found added (most severe first). */
    public Plan withLive(LivePlan forecast, List<Risk> liveRisks) {
        List<Risk> all = new java.util.ArrayList<>(risks);
        all.addAll(liveRisks);
        all.sort(java.util.Comparator.comparing(Risk::severity, java.util.Comparator.reverseOrder()));
        return new Plan(format, id, source, target, targetSr, throughput, strategy, strategyReason, totals, nodes,
                steps, all, forecast);
    }

    /**
     * This plan made runnable: a fresh id, the source paths to open and the target SR to write,
     * as given on the command line.
     */
    public Plan forRun(String newId, List<String> sourcePaths, PlanTarget where) {
        PlanSource s = new PlanSource(source.path(), source.type(), source.uuid(), source.nameLabel(), sourcePaths);
        return new Plan(format, newId, s, target, where, throughput, strategy, strategyReason, totals, nodes, steps,
                risks, live);
    }

    public SourceNode node(String uuid) {
        return nodes.stream().filter(n -> n.uuid().equals(uuid)).findFirst().orElse(null);
    }

    public Step step(String id) {
        return steps.stream().filter(s -> s.id().equals(id)).findFirst().orElse(null);
    }
}
