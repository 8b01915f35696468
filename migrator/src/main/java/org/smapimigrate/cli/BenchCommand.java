package org.smapimigrate.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.smapimigrate.bench.ExternalTool;
import org.smapimigrate.bench.SparseInput;
import org.smapimigrate.disk.DiskCopy;
import org.smapimigrate.disk.FileSink;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.filesr.FileSr;
import org.smapimigrate.report.Sizes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code smapi-migrate bench}: our flatten throughput next to cat and qemu-img on the same input,
 * in one run, so the ratios mean something on whatever machine runs it.
 */
@Command(name = "bench",
        sortOptions = false,
        headerHeading = "%n",
        header = "Measure export throughput against cat and qemu-img on the same disk.",
        synopsisHeading = "%nUsage: ",
        descriptionHeading = "%nDescription:%n",
        description = {
            "Builds a sparse test disk (random data in a share of its 2 MiB blocks),",
            "converts it to a dynamic VHD with qemu-img, then flattens that VHD to a raw",
            "file three ways, each several times with a warm page cache:",
            "  cat       copies the VHD file itself (the same allocated bytes): the floor",
            "  qemu-img  qemu-img convert -f vpc -O raw",
            "  export    smapi-migrate's own chain reader and copy pipeline",
            "It checks that qemu-img and smapi-migrate produced identical images, and",
            "prints the best time of each with ratios. Use a directory on the file system",
            "you care about (tmpfs measures the CPU, a disk measures the disk)."},
        optionListHeading = "%nOptions:%n",
        footerHeading = "%nExamples:%n",
        footer = {
            "  smapi-migrate bench",
            "  smapi-migrate bench --size 8G --fill 25 --dir /var/tmp --runs 5"})
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--size", defaultValue = "4G", paramLabel = "BYTES",
            description = "Virtual size of the test disk (K, M, G suffixes). Default: ${DEFAULT-VALUE}.")
    String size;

    @Option(names = "--fill", defaultValue = "50", paramLabel = "PERCENT",
            description = "Share of 2 MiB blocks holding data. Default: ${DEFAULT-VALUE}.")
    int fill;

    @Option(names = "--runs", defaultValue = "3", description = "Timed runs of each tool. Default: ${DEFAULT-VALUE}.")
    int runs;

    @Option(names = "--dir", paramLabel = "DIR", description = "Work directory (default: a new temporary one).")
    Path dir;

    @Option(names = "--keep", description = "Keep the work files.")
    boolean keep;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        long bytes = ByteSizes.parse(size);
        if (bytes % SparseInput.BLOCK != 0 || bytes <= 0) {
            throw new UserError("--size must be a positive multiple of 2 MiB");
        }
        Path qemuImg = ExternalTool.require("qemu-img", "qemu-utils");
        Path work = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("smapi-bench");
        Path raw = work.resolve("input.raw");
        Path vhd = work.resolve("input.vhd");
        try {
            out.printf("Preparing %s disk, %d%% of blocks with data, in %s ...%n", Sizes.human(bytes), fill, work);
            out.flush();
            long data = SparseInput.writeRaw(raw, bytes, fill, 42);
            SparseInput.toDynamicVhd(qemuImg, raw, vhd);
            Files.delete(raw);
            out.printf("Input: dynamic VHD by qemu-img, %s virtual, %s of data, file %s%n%n",
                    Sizes.human(bytes), Sizes.human(data), Sizes.human(Files.size(vhd)));

            Path catOut = work.resolve("out-cat");
            Path qemuOut = work.resolve("out-qemu.raw");
            Path ourOut = work.resolve("out-export.raw");
            List<Result> results = new ArrayList<>();
            results.add(time("cat", () -> ExternalTool.run(List.of("cat", vhd.toString()), catOut), catOut));
            results.add(time("qemu-img", () -> ExternalTool.run(List.of(qemuImg.toString(), "convert", "-f", "vpc",
                    "-O", "raw", vhd.toString(), qemuOut.toString()), null), qemuOut));
            results.add(time("export", () -> exportOurs(vhd, ourOut), ourOut));

            // Both flattened outputs must be identical, or the timing means nothing.
            exportOurs(vhd, ourOut);
            ExternalTool.run(List.of(qemuImg.toString(), "convert", "-f", "vpc", "-O", "raw", vhd.toString(),
                    qemuOut.toString()), null);
            ExternalTool.run(List.of("cmp", qemuOut.toString(), ourOut.toString()), null);

            double qemu = results.get(1).best();
            double cat = results.get(0).best();
            out.printf("%-9s %9s %9s %13s %13s %9s %9s%n", "tool", "best s", "median s", "data GiB/s",
                    "virtual GiB/s", "vs qemu", "vs cat");
            for (Result r : results) {
                out.printf(Locale.ROOT, "%-9s %9.3f %9.3f %13.2f %13.2f %8.2fx %8.2fx%n", r.name, r.best(), r.median(),
                        data / r.best() / (1 << 30), bytes / r.best() / (1 << 30), qemu / r.best(), cat / r.best());
            }
            out.println();
            out.println("Ratios are speed relative to the tool named (above 1 is faster). Outputs of");
            out.println("qemu-img and export compared byte for byte: identical.");
            out.flush();
        } finally {
            if (!keep) {
                try (var s = Files.list(work)) {
                    for (Path p : (Iterable<Path>) s::iterator) {
                        Files.deleteIfExists(p);
                    }
                }
                if (dir == null) {
                    Files.deleteIfExists(work);
                }
            }
        }
        return 0;
    }

    private static void exportOurs(Path vhd, Path out) throws IOException {
        try (VirtualDisk disk = FileSr.openVhdFile(vhd); FileSink sink = FileSink.createSparse(out, disk.size())) {
            DiskCopy.standard().copy(disk, sink, null);
        }
    }

    private interface Job {
        void run() throws Exception;
    }

    private record Result(String name, double[] seconds) {
        double best() {
            return Arrays.stream(seconds).min().orElseThrow();
        }

        double median() {
            double[] s = seconds.clone();
            Arrays.sort(s);
            return s[s.length / 2];
        }
    }

    private Result time(String name, Job job, Path output) throws Exception {
        job.run(); // warm-up: page cache, JIT
        double[] s = new double[Math.max(1, runs)];
        for (int i = 0; i < s.length; i++) {
            Files.deleteIfExists(output);
            // Start every run with no dirty pages from the previous one, so write-back of one
            // tool's output is never billed to the next.
            ExternalTool.run(List.of("sync"), null);
            long t0 = System.nanoTime();
            job.run();
            s[i] = (System.nanoTime() - t0) / 1e9;
        }
        Files.deleteIfExists(output);
        return new Result(name, s);
    }
}
