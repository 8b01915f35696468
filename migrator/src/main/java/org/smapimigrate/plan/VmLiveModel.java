package org.smapimigrate.plan;

import java.util.ArrayList;
import java.util.List;

/**
 * The forecast of a live migration of a whole VM ({@code plan --xapi URL --vm NAME --mode live}):
 * {@link LiveModel} with every disk of the VM in each pass, and one switch-over for all of them.
 *
 * <p>The model, as {@link LiveModel}'s for one disk, with the VM's disks together:
 * <ul>
 *   <li>a pass freezes every disk at once (one overhead) and copies each disk's share one after
 *       the other at the copy rate: pass 0 the allocated bytes of each, a later pass what the VM
 *       wrote to each disk during the pass before ({@code its write rate x the pass's seconds},
 *       at most that disk's size);</li>
 *   <li>the passes stop after one whose bytes over all disks are at most {@code --switch-below}
 *       (pass 0 counts as every disk whole) or which took at most its seconds, or after
 *       {@code --max-passes};</li>
 *   <li>the switch-over stops the VM once, copies every disk's last delta and checks every disk
 *       whole: one downtime for the VM.</li>
 * </ul>
 * With one disk it is {@link LiveModel#forecast} exactly.
 */
public final class VmLiveModel {
    private VmLiveModel() {
    }

    /** One disk of the VM as the forecast takes it. */
    public record Disk(String vdi, long allocated, long virtual, long writeRate) {
        public Disk {
            if (vdi == null || virtual <= 0 || allocated < 0 || writeRate < 0) {
                throw new IllegalArgumentException("disk " + vdi + ": size " + virtual + ", allocated " + allocated
                        + ", write rate " + writeRate);
            }
        }
    }

    public static VmLiveForecast forecast(String vm, String name, List<Disk> disks, Throughput rate,
                                          ForecastSettings s) {
        if (disks.isEmpty()) {
            throw new IllegalArgumentException("VM " + vm + " has no disk to forecast");
        }
        long copy = rate.bytesPerSecond();
        double overhead = s.passOverheadSeconds();
        int n = disks.size();
        long[] alloc = new long[n];
        long wholeVm = 0;
        long writeRate = 0;
        List<List<ForecastPass>> perDisk = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            alloc[i] = Math.min(disks.get(i).allocated(), disks.get(i).virtual());
            wholeVm += disks.get(i).virtual();
            writeRate += disks.get(i).writeRate();
            perDisk.add(new ArrayList<>());
        }
        List<ForecastPass> vmPasses = new ArrayList<>();
        long[] bytes = alloc.clone();
        double seconds = seconds(sum(bytes), copy, overhead);
        add(vmPasses, perDisk, 0, bytes, seconds);
        String stop = s.switchBelow().below(wholeVm, seconds) ? LiveForecast.THRESHOLD : null;
        while (stop == null) {
            if (vmPasses.size() >= s.maxPasses()) {
                stop = LiveForecast.MAX_PASSES;
                break;
            }
            bytes = written(disks, seconds);
            seconds = seconds(sum(bytes), copy, overhead);
            add(vmPasses, perDisk, vmPasses.size(), bytes, seconds);
            if (s.switchBelow().below(sum(bytes), seconds)) {
                stop = LiveForecast.THRESHOLD;
            }
        }
        long[] last = written(disks, seconds);
        double check = 0;
        double[] checks = new double[n];
        for (int i = 0; i < n; i++) {
            checks[i] = LiveModel.checkSeconds(alloc[i], disks.get(i).virtual(), copy, s.hashRate());
            check += checks[i];
        }
        double downtime = overhead + (double) sum(last) / copy + check;
        double total = vmPasses.stream().mapToDouble(ForecastPass::seconds).sum() + downtime;
        boolean converges = writeRate < copy;
        List<LiveForecast> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Disk d = disks.get(i);
            out.add(new LiveForecast(d.vdi(), alloc[i], d.virtual(), d.writeRate(), perDisk.get(i), last[i], alloc[i],
                    checks[i], downtime, total, converges, stop));
        }
        return new VmLiveForecast(vm, name, out, vmPasses, sum(last), check, downtime, total, writeRate, converges,
                stop);
    }

    private static void add(List<ForecastPass> vm, List<List<ForecastPass>> perDisk, int pass, long[] bytes,
                            double seconds) {
        vm.add(new ForecastPass(pass, sum(bytes), seconds));
        for (int i = 0; i < bytes.length; i++) {
            perDisk.get(i).add(new ForecastPass(pass, bytes[i], seconds));
        }
    }

    private static long[] written(List<Disk> disks, double seconds) {
        long[] w = new long[disks.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = LiveModel.written(disks.get(i).writeRate(), seconds, disks.get(i).virtual());
        }
        return w;
    }

    private static long sum(long[] v) {
        long s = 0;
        for (long x : v) {
            s += x;
        }
        return s;
    }

    private static double seconds(long bytes, long copy, double overhead) {
        return (double) bytes / copy + overhead;
    }
}
