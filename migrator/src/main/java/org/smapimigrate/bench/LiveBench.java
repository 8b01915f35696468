package org.smapimigrate.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.smapimigrate.plan.ForecastSettings;
import org.smapimigrate.plan.HashRate;
import org.smapimigrate.plan.LiveForecast;
import org.smapimigrate.plan.LiveModel;
import org.smapimigrate.plan.SwitchBelow;
import org.smapimigrate.plan.Throughput;
import org.smapimigrate.report.Sizes;

/**
 * {@code smapi-migrate bench --live}: one disk migrated offline, then live with a writer process
 * ({@link LeafWriter}) writing random sectors into its active leaf at a fixed rate, once per
 * {@code --switch-below} value; printed: passes, bytes per pass, downtime and total time, beside
 * what {@code plan --mode live} forecasts for the same disk, write rate and settings (at the copy
 * rate the offline run showed). Both migrations are {@code smapi-migrate migrate} child
 * processes into a fresh bundled SMAPIv3 SR, as people run them; each live run's target is
 * checked by the run itself (SHA-256 of the whole target against the stopped source).
 */
public final class LiveBench {
    static final String VDI = BenchInput.VDI;
    static final String BASE = "b3e4c2a1-0f5d-4c6e-9a7b-0000000000ba";

    /**
     * @param size        virtual size (a multiple of 2 MiB)
     * @param fill        percent of 2 MiB blocks holding data
     * @param writeRate   bytes per second the writer writes while running
     * @param writeSize   bytes per write (a multiple of 512)
     * @param switchBelow the --switch-below values, one live run each
     * @param maxPasses   --max-passes
     * @param dir         work directory, or null for a new temporary one
     * @param keep        keep the work files
     */
    public record Options(long size, int fill, long writeRate, int writeSize, List<String> switchBelow, int maxPasses,
                          Path dir, boolean keep) {
        public Options {
            if (size <= 0 || size % SparseInput.BLOCK != 0) {
                throw new IllegalArgumentException("--size must be a positive multiple of 2 MiB");
            }
            if (fill < 0 || fill > 100) {
                throw new IllegalArgumentException("--fill is 0..100");
            }
            if (writeRate < 0 || writeSize < 512 || writeSize % 512 != 0) {
                throw new IllegalArgumentException("--write-rate at least 0; --write-size a multiple of 512");
            }
            if (maxPasses < 1 || maxPasses > ForecastSettings.MAX_MAX_PASSES) {
                throw new IllegalArgumentException("--max-passes is 1 to " + ForecastSettings.MAX_MAX_PASSES);
            }
            switchBelow = List.copyOf(switchBelow);
            if (switchBelow.isEmpty()) {
                throw new IllegalArgumentException("--switch-below needs at least one value");
            }
            for (String s : switchBelow) {
                SwitchBelow.parse(s); // one line naming the bad value, before anything is made
            }
        }

        /** {@code 256M,64M,2s}: the values of a comma-separated --switch-below, blanks dropped. */
        public static List<String> list(String commaSeparated) {
            List<String> out = new ArrayList<>();
            for (String s : commaSeparated.split(",")) {
                if (!s.isBlank()) {
                    out.add(s.strip());
                }
            }
            return out;
        }
    }

    /** The offline run and each live run, in order. */
    public record Result(long data, double offlineSeconds, List<LiveRunFigures> live, List<LiveForecast> forecasts) {
    }

    private LiveBench() {
    }

    public static Result run(Options o, SmapiMigrateProcess smapi, PrintWriter out) throws Exception {
        Path work = o.dir() != null ? Files.createDirectories(o.dir()) : Files.createTempDirectory("smapi-live-bench");
        try {
            out.printf("Preparing a %s disk, %d%% of blocks with data, in %s ...%n", Sizes.human(o.size()), o.fill(),
                    work);
            out.flush();
            // As a VM's disk after a snapshot on a file SR: the data in a hidden base copy (written by
            // qemu-img, a third party), the VM writing to an empty differencing leaf of blktap's
            // layout over it (the only layout VhdWriter reopens, as tapdisk writes it).
            Path pristine = Files.createDirectories(work.resolve("input"));
            Path raw = work.resolve("input.raw");
            long data = SparseInput.writeRaw(raw, o.size(), o.fill(), 42);
            Path base = pristine.resolve(BASE + ".vhd");
            SparseInput.toDynamicVhd(ExternalTool.require("qemu-img", "qemu-utils"), raw, base);
            Files.delete(raw);
            org.smapimigrate.vhd.VhdWriter.setHidden(base, true);
            org.smapimigrate.vhd.VhdWriter.differencing(pristine.resolve(VDI + ".vhd"), base).create().close();
            out.printf("Input: a hidden base copy by qemu-img (%s virtual, %s of data) under an empty leaf (our VHD"
                    + " writer). Writer: %s of random %d-byte writes at random offsets into the leaf, a process of"
                    + " its own (LeafWriter through VhdWriter).%n",
                    Sizes.human(o.size()), Sizes.human(data), Sizes.rate(o.writeRate()), o.writeSize());
            out.printf("Child processes: %s%n%n", smapi.description());
            out.flush();

            double offline = offline(work, pristine, smapi);
            // The planner's basis: copy and verify of the data at one rate (Planner, Throughput).
            Throughput rate = new Throughput(Math.max(1, Math.round(2 * data / offline)), "measured offline");
            LiveBenchTable.header(out);
            LiveBenchTable.offline(out, data, offline);
            out.flush();
            List<LiveRunFigures> runs = new ArrayList<>();
            List<LiveForecast> forecasts = new ArrayList<>();
            long hashRate = HashRate.measure();
            for (int i = 0; i < o.switchBelow().size(); i++) {
                String below = o.switchBelow().get(i);
                LiveRunFigures r = live(work.resolve("live-" + i), pristine, o, below, smapi);
                LiveForecast f = LiveModel.forecast(VDI, data, o.size(), rate, new ForecastSettings(o.writeRate(),
                        "given", SwitchBelow.parse(below), o.maxPasses(),
                        ForecastSettings.DEFAULT_PASS_OVERHEAD_SECONDS, hashRate));
                runs.add(r);
                forecasts.add(f);
                LiveBenchTable.live(out, below, r, f);
                out.flush();
                if (!o.keep()) {
                    WorkFiles.deleteTree(work.resolve("live-" + i));
                }
            }
            out.println();
            out.println("passes: while the writer runs + the switch-over's delta. downtime: stop requested to started,");
            out.println("as the run measured it (the last delta, then the whole target compared byte for byte with the");
            out.println("whole stopped source, hashed with SHA-256 in the same read, then the start hook). total: the migrate process, start-up included. offline:");
            out.println("the same disk migrated (copy, verify) with no writer; its downtime is all of it.");
            out.printf(Locale.ROOT, "plan: 'plan --mode live' for the same disk, write rate and settings, at %s"
                    + " (twice the data over the offline time: copy and verify at one rate, as the planner counts)"
                    + ", its assumed %.1f s per pass for the snapshot, and SHA-256 at %s per side (the planner still"
                    + " counts one per side) measured here.%n", Sizes.rate(rate.bytesPerSecond()), ForecastSettings.DEFAULT_PASS_OVERHEAD_SECONDS,
                    Sizes.rate(hashRate));
            for (int i = 0; i < runs.size(); i++) {
                double overhead = runs.get(i).passOverheadSeconds();
                out.printf(Locale.ROOT, "  %s: forecast passes %s; measured snapshot overhead %s per pass%n",
                        o.switchBelow().get(i), LiveBenchTable.forecastBytes(forecasts.get(i)),
                        Double.isNaN(overhead) ? "-" : LiveBenchTable.secs(overhead));
            }
            out.println("Every live run's target matched the stopped source (byte for byte, whole disk).");
            out.flush();
            return new Result(data, offline, runs, forecasts);
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

    /** The plain 'migrate' of a copy of the disk (no writer); its wall time in seconds. */
    private static double offline(Path work, Path pristine, SmapiMigrateProcess smapi) throws Exception {
        Path dir = Files.createDirectories(work.resolve("offline"));
        Path sr = copySr(pristine, dir.resolve("sr"));
        ExternalTool.run(List.of("sync"), null);
        long t0 = System.nanoTime();
        smapi.run(List.of("migrate", "-q", "--sr", sr.toString(), "--vdi", VDI, "--target-sr",
                dir.resolve("v3").toString(), "--state-dir", dir.resolve("state").toString()), dir,
                dir.resolve("log.txt"));
        double seconds = (System.nanoTime() - t0) / 1e9;
        WorkFiles.deleteTree(dir);
        return seconds;
    }

    /** A fresh copy of the input SR (base copy and leaf). */
    private static Path copySr(Path pristine, Path sr) throws IOException {
        Files.createDirectories(sr);
        for (Path f : WorkFiles.endingWith(pristine, ".vhd")) {
            Files.copy(f, sr.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        return sr;
    }

    /** One live run with a writer process; the figures it reported. */
    private static LiveRunFigures live(Path dir, Path pristine, Options o, String below, SmapiMigrateProcess smapi)
            throws Exception {
        Path sr = copySr(pristine, dir.resolve("sr"));
        Path leaf = sr.resolve(VDI + ".vhd");
        Path ctl = Files.createDirectories(dir.resolve("ctl"));
        ExternalTool.run(List.of("sync"), null);
        Process writer = new ProcessBuilder(LeafWriter.processCommand(leaf, o.writeRate(), o.writeSize(), ctl,
                7 + dir.getFileName().toString().hashCode(), 0)).redirectErrorStream(true)
                .redirectOutput(dir.resolve("writer.log").toFile()).start();
        try {
            writer.getOutputStream().close();
            long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(ctl.resolve(LeafWriter.READY))) {
                if (!writer.isAlive() || System.nanoTime() > limit) {
                    throw new IOException("the writer did not start: " + Files.readString(dir.resolve("writer.log")));
                }
                Thread.sleep(5);
            }
            String hook = LeafWriter.hookCommand(ctl);
            Path log = dir.resolve("log.txt");
            long t0 = System.nanoTime();
            smapi.run(List.of("migrate", "--json", "--mode", "live", "--sr", sr.toString(), "--vdi", VDI,
                    "--target-sr", dir.resolve("v3").toString(), "--state-dir", dir.resolve("state").toString(),
                    "--reopen-hook", hook, "--stop-hook", hook, "--start-hook", hook, "--switch-below", below,
                    "--max-passes", Integer.toString(o.maxPasses())), dir, log);
            double wall = (System.nanoTime() - t0) / 1e9;
            if (!writer.waitFor(30, TimeUnit.SECONDS)) {
                throw new IOException("the writer did not stop after the switch-over");
            }
            if (writer.exitValue() != 0) {
                throw new IOException("the writer failed: " + Files.readString(dir.resolve("writer.log")));
            }
            LiveRunFigures r = LiveRunFigures.parse(Files.readString(log), wall);
            if (!r.verified()) {
                throw new IOException("live run with --switch-below " + below + ": the target was not verified");
            }
            return r;
        } finally {
            if (writer.isAlive()) {
                writer.destroyForcibly();
                writer.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
