package org.smapimigrate.bench;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The figures of every case in one table, speeds relative to three peers, then the notes. */
final class BenchTable {
    static final List<String> PEERS = List.of(BenchCases.REFERENCE, "qemu+cmp", "nbdcopy");

    private BenchTable() {
    }

    static void print(PrintWriter out, List<Measured> all) {
        out.printf("%-12s %-7s %8s %8s %9s %9s %9s %9s %9s%n", "case", "where", "best s", "median s", "data GiB/s",
                "vs " + PEERS.get(0), "vs " + PEERS.get(1), "vs " + PEERS.get(2), "peak RSS");
        for (Measured m : all) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-12s %-7s %8.3f %8.3f %10.2f",
                    m.name(), m.where().label(), m.best(), m.median(), m.dataGibPerSecond()));
            for (String peer : PEERS) {
                line.append(String.format(" %9s", Ratios.speedCell(Ratios.find(all, peer), m)));
            }
            line.append(m.peakRss() < 0 ? String.format(" %9s", "-")
                    : String.format(Locale.ROOT, " %5d MiB", m.peakRss() >> 20));
            out.println(line);
        }
    }

    /**
     * The targets for the whole process: export at most as long as qemu-img convert, and a
     * verified migrate at most as long as qemu-img convert + compare.
     */
    static void printTargets(PrintWriter out, List<Measured> all) {
        target(out, all, "export", BenchCase.Where.PROCESS, BenchCases.REFERENCE);
        target(out, all, "migrate", BenchCase.Where.PROCESS, "qemu+cmp");
        rssTarget(all).ifPresent(out::println);
    }

    /** Peak RSS at most this many MiB for the many-VDI migrate at --jobs 8 (issue 10, "Done when"). */
    static final long RSS_TARGET_MIB = 256;

    /** The line on the many-VDI case at {@value ManyVdiCase#RSS_TARGET_JOBS} jobs, if it ran with a measured RSS. */
    static Optional<String> rssTarget(List<Measured> all) {
        return all.stream().filter(m -> m.where() == BenchCase.Where.PROCESS && m.peakRss() > 0
                        && m.name().endsWith(" j" + ManyVdiCase.RSS_TARGET_JOBS)).findFirst()
                .map(m -> String.format(Locale.ROOT, "%s (process) peaked at %d MiB RSS (target: at most %d MiB)%s",
                        m.name(), m.peakRss() >> 20, RSS_TARGET_MIB,
                        m.peakRss() <= RSS_TARGET_MIB << 20 ? "" : ": not met"));
    }

    private static void target(PrintWriter out, List<Measured> all, String name, BenchCase.Where where, String peer) {
        Optional<Measured> m = all.stream().filter(x -> x.name().equals(name) && x.where() == where).findFirst();
        Optional<Measured> p = Ratios.find(all, peer);
        if (m.isPresent() && p.isPresent()) {
            double times = Ratios.timeMultiple(p.get(), m.get());
            out.printf(Locale.ROOT, "%s (%s) takes %.2fx the time of %s (target: at most 1.00x)%s%n", name,
                    where.label(), times, peer, times <= 1.0 ? "" : ": not met");
        }
    }
}
