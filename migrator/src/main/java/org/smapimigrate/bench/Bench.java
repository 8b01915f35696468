package org.smapimigrate.bench;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.smapimigrate.plan.PlannerBenchmark;
import org.smapimigrate.report.Sizes;

/**
 * {@code smapi-migrate bench}: moves one benchmark disk every way in {@link BenchCases}, each
 * several times starting with no dirty pages, checks that every output is the same image, and
 * prints the figures side by side; then times the planner on a large synthetic SR.
 */
public final class Bench {

    /**
     * @param size      virtual size of the disk (a multiple of 2 MiB)
     * @param fill      percent of 2 MiB blocks holding data
     * @param runs      timed runs per case
     * @param warmUp    one untimed run per case first (page cache, JIT)
     * @param dir       work directory, or null for a new temporary one
     * @param keep      keep the work files
     * @param manyVdis  VDIs in the many-VDI cases
     * @param planVdis  VDIs of the synthetic SR the planner plans
     */
    public record Options(long size, int fill, int runs, boolean warmUp, Path dir, boolean keep, int manyVdis,
                          int planVdis) {
        public Options {
            if (size <= 0 || size % SparseInput.BLOCK != 0) {
                throw new IllegalArgumentException("--size must be a positive multiple of 2 MiB");
            }
            if (fill < 0 || fill > 100 || runs < 1 || manyVdis < 1 || planVdis < 1) {
                throw new IllegalArgumentException("--fill is 0..100; --runs, --many-vdis and --plan-vdis at least 1");
            }
        }
    }

    private Bench() {
    }

    public static List<Measured> run(Options o, SmapiMigrateProcess smapi, PrintWriter out) throws Exception {
        Path work = o.dir() != null ? Files.createDirectories(o.dir()) : Files.createTempDirectory("smapi-bench");
        List<Measured> all = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        try {
            out.printf("Preparing %s disk, %d%% of blocks with data, and %d VDIs holding as much, in %s ...%n",
                    Sizes.human(o.size()), o.fill(), o.manyVdis(), work);
            out.flush();
            BenchInput in = BenchInput.create(work, o.size(), o.fill(), o.manyVdis());
            out.printf("Input: dynamic VHD by qemu-img, %s virtual, %s of data, file %s%n", Sizes.human(in.size()),
                    Sizes.human(in.data()), Sizes.human(Files.size(in.vhd())));
            out.printf("Child processes: %s%n%n", smapi.description());
            out.flush();
            Path reference = null;
            for (BenchCase c : BenchCases.standard(in, smapi)) {
                try (c) {
                    c.setUp();
                    all.add(measure(c, o.runs(), o.warmUp()));
                    if (c.note() != null) {
                        notes.add(c.note());
                    }
                    Path output = c.output();
                    if (c.name().equals(BenchCases.REFERENCE)) {
                        reference = output;
                    } else if (output != null) {
                        ExternalTool.run(List.of("cmp", reference.toString(), output.toString()), null);
                    }
                    if (!c.name().equals(BenchCases.REFERENCE)) {
                        c.reset(); // the reference output stays for the cases after it
                    }
                }
            }
            BenchTable.print(out, all);
            out.println();
            out.println("Ratios are speed relative to the case named (above 1 is faster), by best times.");
            out.println("in-JVM: our code called in this JVM; process: the launcher started as a child, as people");
            out.println("run it. Every raw output was compared byte for byte with qemu-img's: identical.");
            BenchTable.printTargets(out, all);
            notes.forEach(out::println);
            out.println();
            PlannerBenchmark.Result plan = PlannerBenchmark.run(o.planVdis());
            out.printf(Locale.ROOT, "Planning %d synthetic VDIs (%d migrated, %d steps): %.2f s%n", plan.vdis(),
                    plan.vdisMigrated(), plan.steps(), plan.elapsed().toNanos() / 1e9);
            out.flush();
            return all;
        } finally {
            if (!o.keep()) {
                if (o.dir() == null) {
                    WorkFiles.deleteTree(work);
                } else {
                    for (Path p : WorkFiles.endingWith(work, "")) {
                        WorkFiles.deleteTree(p);
                    }
                }
            }
        }
    }

    /** An optional warm-up run, then {@code runs} timed runs, each after reset and sync (untimed). */
    static Measured measure(BenchCase c, int runs, boolean warmUp) throws Exception {
        if (warmUp) {
            c.reset();
            c.run();
        }
        double[] seconds = new double[runs];
        long rss = -1;
        for (int i = 0; i < runs; i++) {
            c.reset();
            // No dirty pages from the previous run, so write-back of one output is never billed to the next.
            ExternalTool.run(List.of("sync"), null);
            long t0 = System.nanoTime();
            rss = Math.max(rss, c.run());
            seconds[i] = (System.nanoTime() - t0) / 1e9;
        }
        return new Measured(c.name(), c.where(), c.dataBytes(), seconds, rss);
    }

}
