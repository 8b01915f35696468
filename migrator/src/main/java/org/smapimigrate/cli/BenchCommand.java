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
import org.smapimigrate.plan.PlannerBenchmark;
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
            "converts it to a dynamic VHD with qemu-img, then moves that VHD into a sparse",
            "raw file eight ways, each several times, starting with no dirty pages:",
            "  cat       copies the VHD file itself (the same allocated bytes): the floor",
            "  qemu-img  qemu-img convert -f vpc -O raw (no fsync: qemu's default)",
            "  nbdcopy   nbdcopy from qemu-nbd serving the VHD, into a raw file",
            "  serve>nbdcopy  nbdcopy from smapi-migrate's NBD server serving the VHD",
            "  nbd>export     qemu-nbd's export read by our NBD source into a raw file",
            "  qemu+cmp  qemu-img convert with fsync, then qemu-img compare: a verified copy",
            "  export    smapi-migrate's chain reader and copy pipeline (no fsync)",
            "  migrate   smapi-migrate migrate into the bundled SMAPIv3 SR: volume",
            "            create, copy with hashing, fsync, read-back verification",
            "It checks that every output is the same image, prints the best time of each",
            "with ratios, then times planning 10,000 synthetic VDIs. Use a directory on",
            "the file system you care about (tmpfs measures the CPU, a disk the disk)."},
        optionListHeading = "%nOptions:%n",
        footerHeading = "%nExamples:%n",
        footer = {
            "  smapi-migrate bench",
            "  smapi-migrate bench --size 8G --fill 25 --dir /var/tmp --runs 5",
            "",
            "Needs qemu-img and qemu-nbd (Debian: qemu-utils), nbdcopy (libnbd-bin) and",
            "python3 (the bundled SMAPIv3 plugin)."})
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
        Path qemuNbd = ExternalTool.require("qemu-nbd", "qemu-utils");
        Path nbdcopy = ExternalTool.require("nbdcopy", "libnbd-bin");
        Path work = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("smapi-bench");
        // The input sits in a directory of its own named like a file SR, so 'migrate' can read it.
        Path sr = Files.createDirectories(work.resolve("sr"));
        Path raw = work.resolve("input.raw");
        Path vhd = sr.resolve(INPUT_VDI + ".vhd");
        Path socket = work.resolve("qemu-nbd.sock");
        Process server = null;
        try {
            out.printf("Preparing %s disk, %d%% of blocks with data, in %s ...%n", Sizes.human(bytes), fill, work);
            out.flush();
            long data = SparseInput.writeRaw(raw, bytes, fill, 42);
            SparseInput.toDynamicVhd(qemuImg, raw, vhd);
            Files.delete(raw);
            out.printf("Input: dynamic VHD by qemu-img, %s virtual, %s of data, file %s%n%n",
                    Sizes.human(bytes), Sizes.human(data), Sizes.human(Files.size(vhd)));
            out.flush();
            server = new ProcessBuilder(qemuNbd.toString(), "-t", "-r", "-f", "vpc", "-k", socket.toString(),
                    vhd.toString()).redirectErrorStream(true).redirectOutput(work.resolve("qemu-nbd.log").toFile()).start();
            awaitSocket(socket, server);

            Path catOut = work.resolve("out-cat");
            Path qemuOut = work.resolve("out-qemu.raw");
            Path nbdOut = work.resolve("out-nbdcopy.raw");
            Path ourOut = work.resolve("out-export.raw");
            Path v3 = work.resolve("v3-sr");
            List<Result> results = new ArrayList<>();
            results.add(time("cat", () -> ExternalTool.run(List.of("cat", vhd.toString()), catOut), catOut));
            results.add(time("qemu-img", () -> ExternalTool.run(List.of(qemuImg.toString(), "convert", "-f", "vpc",
                    "-O", "raw", vhd.toString(), qemuOut.toString()), null), qemuOut));
            results.add(time("nbdcopy", () -> nbdcopy(nbdcopy, socket, nbdOut, bytes), nbdOut));
            org.smapimigrate.bench.NbdBench nbdBench = new org.smapimigrate.bench.NbdBench(nbdcopy, vhd, work);
            Path serveOut = work.resolve("out-serve.raw");
            Path nbdSourceOut = work.resolve("out-nbdsource.raw");
            results.add(time("serve>nbdcopy", () -> nbdBench.nbdcopyFromServe(serveOut, bytes), serveOut));
            results.add(time("nbd>export", () -> org.smapimigrate.bench.NbdBench.exportFromNbd(
                    "nbd+unix:///?socket=" + socket, nbdSourceOut), nbdSourceOut));
            // qemu-img's own way to copy and then prove the copy: the like-for-like peer of migrate.
            results.add(time("qemu+cmp", () -> {
                ExternalTool.run(List.of(qemuImg.toString(), "convert", "-f", "vpc", "-O", "raw", vhd.toString(),
                        qemuOut.toString(), "-t", "writeback"), null);
                ExternalTool.run(List.of(qemuImg.toString(), "compare", "-q", "-f", "vpc", "-F", "raw", vhd.toString(),
                        qemuOut.toString()), null);
            }, qemuOut));
            results.add(time("export", () -> exportOurs(vhd, ourOut), ourOut));
            org.smapimigrate.bench.BenchMigration migration = new org.smapimigrate.bench.BenchMigration(sr, INPUT_VDI, v3);
            results.add(time("migrate", migration::run, null));

            // Every output must be the same image, or the timings mean nothing.
            exportOurs(vhd, ourOut);
            ExternalTool.run(List.of(qemuImg.toString(), "convert", "-f", "vpc", "-O", "raw", vhd.toString(),
                    qemuOut.toString()), null);
            nbdcopy(nbdcopy, socket, nbdOut, bytes);
            ExternalTool.run(List.of("cmp", qemuOut.toString(), ourOut.toString()), null);
            ExternalTool.run(List.of("cmp", qemuOut.toString(), nbdOut.toString()), null);
            ExternalTool.run(List.of("cmp", qemuOut.toString(), migration.volumeFile().toString()), null);
            nbdBench.nbdcopyFromServe(serveOut, bytes);
            org.smapimigrate.bench.NbdBench.exportFromNbd("nbd+unix:///?socket=" + socket, nbdSourceOut);
            ExternalTool.run(List.of("cmp", qemuOut.toString(), serveOut.toString()), null);
            ExternalTool.run(List.of("cmp", qemuOut.toString(), nbdSourceOut.toString()), null);
            nbdBench.close();

            double qemu = results.get(1).best();
            double nbd = results.get(2).best();
            out.printf("%-13s %9s %9s %11s %13s %9s %9s%n", "tool", "best s", "median s", "data GiB/s",
                    "virtual GiB/s", "vs qemu", "vs nbdcopy");
            for (Result r : results) {
                out.printf(Locale.ROOT, "%-13s %9.3f %9.3f %11.2f %13.2f %8.2fx %9.2fx%n", r.name, r.best(), r.median(),
                        data / r.best() / (1 << 30), bytes / r.best() / (1 << 30), qemu / r.best(), nbd / r.best());
            }
            out.println();
            out.println("Ratios are speed relative to the tool named (above 1 is faster). The outputs");
            out.println("of qemu-img, nbdcopy, export and migrate were compared byte for byte: identical.");
            out.printf(Locale.ROOT, "serve>nbdcopy takes %.2fx the time of qemu-nbd>nbdcopy; nbd>export %.2fx nbdcopy's.%n",
                    results.get(3).best() / nbd, results.get(4).best() / nbd);
            out.println();
            PlannerBenchmark.Result plan = PlannerBenchmark.run(10_000);
            out.printf(Locale.ROOT, "Planning %d synthetic VDIs (%d migrated, %d steps): %.2f s%n", plan.vdis(),
                    plan.vdisMigrated(), plan.steps(), plan.elapsed().toNanos() / 1e9);
            out.flush();
        } finally {
            if (server != null) {
                server.destroy();
                server.waitFor();
            }
            if (!keep) {
                deleteTree(work, dir == null);
            }
        }
        return 0;
    }

    private static final String INPUT_VDI = "b3e4c2a1-0f5d-4c6e-9a7b-8d1e2f3a4b5c";

    private static void nbdcopy(Path nbdcopy, Path socket, Path out, long size) throws Exception {
        // nbdcopy writes into an existing file as it finds it: give it a fresh sparse one.
        FileSink.createSparse(out, size).close();
        ExternalTool.run(List.of(nbdcopy.toString(), "nbd+unix:///?socket=" + socket, out.toString()), null);
    }

    private static void awaitSocket(Path socket, Process server) throws Exception {
        for (int i = 0; i < 500 && !Files.exists(socket); i++) {
            if (!server.isAlive()) {
                throw new IOException("qemu-nbd exited " + server.exitValue() + " before serving the input");
            }
            Thread.sleep(20);
        }
        if (!Files.exists(socket)) {
            throw new IOException("qemu-nbd did not create " + socket + " within 10 s");
        }
    }

    private static void deleteTree(Path root, boolean includingRoot) throws IOException {
        try (var s = Files.walk(root)) {
            List<Path> paths = new ArrayList<>(s.toList());
            java.util.Collections.reverse(paths);
            for (Path p : paths) {
                if (includingRoot || !p.equals(root)) {
                    Files.deleteIfExists(p);
                }
            }
        }
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
            if (output != null) {
                Files.deleteIfExists(output);
            }
            // Start every run with no dirty pages from the previous one, so write-back of one
            // tool's output is never billed to the next.
            ExternalTool.run(List.of("sync"), null);
            long t0 = System.nanoTime();
            job.run();
            s[i] = (System.nanoTime() - t0) / 1e9;
        }
        if (output != null) {
            Files.deleteIfExists(output);
        }
        return new Result(name, s);
    }
}
