package org.smapimigrate.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.smapimigrate.bench.Bench;
import org.smapimigrate.bench.LiveBench;
import org.smapimigrate.bench.SmapiMigrateProcess;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code smapi-migrate bench}: parses the options; the benchmark is {@link Bench}. */
@Command(name = "bench",
        sortOptions = false,
        headerHeading = "%n",
        header = "Measure export throughput against cat and qemu-img on the same disk.",
        synopsisHeading = "%nUsage: ",
        descriptionHeading = "%nDescription:%n",
        description = {
            "Builds a sparse test disk (random data in a share of its 2 MiB blocks),",
            "converts it to a dynamic VHD with qemu-img, then moves that VHD into a raw",
            "image every way below, each several times, starting with no dirty pages:",
            "  qemu-img  qemu-img convert -f vpc -O raw (no fsync: qemu's default)",
            "  cat       copies the VHD file itself (the same allocated bytes): the floor",
            "  nbdcopy   nbdcopy from qemu-nbd serving the VHD, into a raw file",
            "  serve>nbdcopy  nbdcopy from smapi-migrate's NBD server serving the VHD",
            "  nbd>export     qemu-nbd's export read by our NBD source into a raw file",
            "  qemu+cmp  qemu-img convert with fsync, then qemu-img compare: a verified copy",
            "  export    our chain reader and copy pipeline (no fsync)",
            "  migrate   migrate into the bundled SMAPIv3 SR: volume create, copy with",
            "            hashing, fsync, read-back verification",
            "export and migrate run twice: in this JVM (warm), and as a child process of",
            "the launcher, as people run them (start-up included; peak RSS by GNU time).",
            "Then one migrate process moves 8 smaller VDIs holding the same data, with",
            "1, 4 and 8 jobs (the peak RSS at 8 jobs is checked against 256 MiB).",
            "Every raw output is compared with qemu-img's; the figures are",
            "printed side by side with ratios, then the time to plan 10,000 synthetic",
            "VDIs. Use a directory on the file system you care about (tmpfs measures the",
            "CPU, a disk the disk).",
            "",
            "With --live: the live migration benchmark instead. The disk is migrated",
            "offline once, then live once per --switch-below value while a writer process",
            "writes random --write-size writes into its active leaf at --write-rate",
            "(through our VHD writer, pausing for each snapshot as tapdisk does). Printed:",
            "passes, bytes read per pass, downtime and total time, and beside them what",
            "'plan --mode live' forecasts for the same disk and settings."},
        optionListHeading = "%nOptions:%n",
        footerHeading = "%nExamples:%n",
        footer = {
            "  smapi-migrate bench",
            "  smapi-migrate bench --size 3G --fill 40 --dir /dev/shm/bench --runs 3",
            "  smapi-migrate bench --live --size 4G --write-rate 16M --switch-below 256M,64M,16M,1s",
            "",
            "Needs qemu-img and qemu-nbd (Debian: qemu-utils), nbdcopy (libnbd-bin),",
            "GNU time (time) and python3 (the bundled SMAPIv3 plugin)."})
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--size", defaultValue = "4G", paramLabel = "BYTES",
            description = "Virtual size of the test disk (K, M, G suffixes). Default: ${DEFAULT-VALUE}.")
    String size;

    @Option(names = "--fill", defaultValue = "50", paramLabel = "PERCENT",
            description = "Share of 2 MiB blocks holding data. Default: ${DEFAULT-VALUE}.")
    int fill;

    @Option(names = "--runs", defaultValue = "3", description = "Timed runs of each case. Default: ${DEFAULT-VALUE}.")
    int runs;

    @Option(names = "--many-vdis", defaultValue = "8", paramLabel = "N",
            description = "VDIs in the many-VDI cases. Default: ${DEFAULT-VALUE}.")
    int manyVdis;

    @Option(names = "--plan-vdis", defaultValue = "10000", paramLabel = "N",
            description = "VDIs of the synthetic SR the planner plans. Default: ${DEFAULT-VALUE}.")
    int planVdis;

    @Option(names = "--dir", paramLabel = "DIR", description = "Work directory (default: a new temporary one).")
    Path dir;

    @Option(names = "--keep", description = "Keep the work files.")
    boolean keep;

    @Option(names = "--live", description = "Run the live migration benchmark (see above) instead.")
    boolean live;

    @Option(names = "--write-rate", defaultValue = "16M", paramLabel = "RATE",
            description = "--live: bytes per second the writer writes. Default: ${DEFAULT-VALUE}.")
    String writeRate;

    @Option(names = "--write-size", defaultValue = "4096", paramLabel = "BYTES",
            description = "--live: bytes per write, a multiple of 512. Default: ${DEFAULT-VALUE}.")
    int writeSize;

    @Option(names = "--switch-below", defaultValue = "256M,64M,16M,1s", paramLabel = "LIST",
            description = "--live: the --switch-below values, comma-separated, one live run each."
                    + " Default: ${DEFAULT-VALUE}.")
    String switchBelow;

    @Option(names = "--max-passes", defaultValue = "8", paramLabel = "N",
            description = "--live: --max-passes of each live run. Default: ${DEFAULT-VALUE}.")
    int maxPasses;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (live) {
            LiveBench.Options o;
            try {
                o = new LiveBench.Options(ByteSizes.parse(size), fill, ByteSizes.parse(writeRate.replaceAll("(?i)/s$",
                        "")), writeSize, LiveBench.Options.list(switchBelow), maxPasses, dir, keep);
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage());
            }
            LiveBench.run(o, SmapiMigrateProcess.current(), spec.commandLine().getOut());
            return 0;
        }
        Bench.Options options;
        try {
            options = new Bench.Options(ByteSizes.parse(size), fill, runs, true, dir, keep, manyVdis, planVdis);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        Bench.run(options, SmapiMigrateProcess.current(), spec.commandLine().getOut());
        return 0;
    }
}
