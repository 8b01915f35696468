package org.smapimigrate.plan;

import java.time.Duration;

/**
 * How long planning takes for a large synthetic SR ({@link SyntheticSr}). Meant for
 * {@code smapi-migrate bench}; {@link #main} runs it alone.
 */
public final class PlannerBenchmark {

    /** One run: how many VDIs, what came out, how long {@link Planner#plan} took. */
    public record Result(int vdis, int vdisMigrated, int steps, Duration elapsed) {
    }

    private PlannerBenchmark() {
    }

    /** Plans a synthetic SR of {@code vdis} images for a full-featured target, once, and times it. */
    public static Result run(int vdis) {
        SyntheticSr sr = SyntheticSr.generate(vdis, 20260312L);
        PlanRequest req = new PlanRequest(sr.inventory(), sr.snapshots(), VdiSelection.allUserVisible(),
                TargetCapabilities.full("benchmark target"), Throughput.assumed(), false);
        long t0 = System.nanoTime();
        Plan plan = Planner.plan(req);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        return new Result(vdis, plan.totals().vdisMigrated(), plan.steps().size(), took);
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        run(Math.min(n, 1000)); // warm-up
        Result r = run(n);
        System.out.printf("planned %d VDIs (%d migrated, %d steps) in %d ms%n", r.vdis(), r.vdisMigrated(), r.steps(),
                r.elapsed().toMillis());
    }
}
