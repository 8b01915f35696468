package org.smapimigrate.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * The VM model against the one-disk model and against its own definition: with one disk it is
 * {@link LiveModel#forecast}; with several, each pass's VM bytes are the sum of the disks', every
 * disk's pass takes the VM pass's time, and the one downtime counts every disk's last delta and
 * check.
 */
class VmLiveModelPropertiesTest {
    static final long MIB = 1L << 20;

    static ForecastSettings settings(long below, int maxPasses, long write) {
        return new ForecastSettings(write, "given", SwitchBelow.ofBytes(below), maxPasses, 0.5, 300 * MIB);
    }

    @Property(tries = 300)
    void oneDiskIsTheDiskModel(@ForAll @LongRange(min = 1, max = 64L << 30) long virtual,
                               @ForAll @LongRange(min = 0, max = 64L << 30) long allocated,
                               @ForAll @LongRange(min = 0, max = 500 * MIB) long write,
                               @ForAll @LongRange(min = 1 * MIB, max = 1000 * MIB) long copy,
                               @ForAll @LongRange(min = 0, max = 1L << 30) long below,
                               @ForAll @IntRange(min = 1, max = 12) int maxPasses) {
        ForecastSettings s = settings(below, maxPasses, write);
        Throughput tp = new Throughput(copy, "given");
        LiveForecast one = LiveModel.forecast("d", allocated, virtual, tp, s);
        VmLiveForecast vm = VmLiveModel.forecast("vm", "name", List.of(new VmLiveModel.Disk("d", allocated, virtual,
                write)), tp, s);
        assertEquals(List.of(one), vm.disks());
        assertEquals(one.passes(), vm.passes());
        assertEquals(one.downtimeSeconds(), vm.downtimeSeconds(), 1e-9);
        assertEquals(one.finalBytes(), vm.finalBytes());
    }

    @Property(tries = 300)
    void severalDisksShareThePassesAndOneStop(@ForAll @IntRange(min = 1, max = 5) int n,
                                              @ForAll @LongRange(min = 1, max = 1L << 30) long size,
                                              @ForAll @LongRange(min = 0, max = 200 * MIB) long write,
                                              @ForAll @LongRange(min = 0, max = 64 * MIB) long below,
                                              @ForAll @IntRange(min = 1, max = 10) int maxPasses) {
        List<VmLiveModel.Disk> disks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            disks.add(new VmLiveModel.Disk("d" + i, size / (i + 1), size * (i + 1), write / (i + 1)));
        }
        long copy = 100 * MIB;
        ForecastSettings s = settings(below, maxPasses, 0);
        VmLiveForecast f = VmLiveModel.forecast("vm", "name", disks, new Throughput(copy, "given"), s);
        assertTrue(f.passes().size() >= 1 && f.passes().size() <= maxPasses);
        double passTime = 0;
        for (int p = 0; p < f.passes().size(); p++) {
            long sum = 0;
            for (int i = 0; i < n; i++) {
                ForecastPass dp = f.disks().get(i).passes().get(p);
                assertEquals(f.passes().get(p).seconds(), dp.seconds());
                // Pass 0 copies each disk's allocation; a later one what the disk got over the pass before.
                long expected = p == 0 ? Math.min(disks.get(i).allocated(), disks.get(i).virtual())
                        : Math.min(disks.get(i).virtual(), (long) Math.ceil(disks.get(i).writeRate() * passTime));
                assertEquals(expected, dp.bytes(), "disk " + i + " pass " + p);
                sum += dp.bytes();
            }
            assertEquals(sum, f.passes().get(p).bytes());
            assertEquals((double) sum / copy + 0.5, f.passes().get(p).seconds(), 1e-9);
            // Only the last pass may be at most --switch-below (pass 0 counts as every disk whole).
            long counted = p == 0 ? disks.stream().mapToLong(VmLiveModel.Disk::virtual).sum() : sum;
            boolean lastPass = p == f.passes().size() - 1;
            if (!lastPass) {
                assertTrue(counted > below, "pass " + p + " at most --switch-below, yet the passes went on");
            } else {
                assertEquals(counted <= below ? LiveForecast.THRESHOLD : LiveForecast.MAX_PASSES, f.stop());
            }
            passTime = f.passes().get(p).seconds();
        }
        long last = 0;
        double check = 0;
        for (int i = 0; i < n; i++) {
            long l = Math.min(disks.get(i).virtual(), (long) Math.ceil(disks.get(i).writeRate() * passTime));
            assertEquals(l, f.disks().get(i).finalBytes());
            last += l;
            long a = Math.min(disks.get(i).allocated(), disks.get(i).virtual());
            check += (double) a / copy + (double) disks.get(i).virtual() / (300 * MIB);
        }
        assertEquals(last, f.finalBytes());
        assertEquals(0.5 + (double) last / copy + check, f.downtimeSeconds(), 1e-6);
        for (LiveForecast d : f.disks()) {
            assertEquals(f.downtimeSeconds(), d.downtimeSeconds(), "one stop for the VM");
        }
    }
}
