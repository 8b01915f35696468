package org.smapimigrate.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/**
 * Properties of the live forecast ({@link LiveModel}) over random disks, rates and settings, and
 * against the closed form of its recurrence: without the disk-size cap and without overhead, pass
 * k copies {@code allocated x (write/copy)^k}.
 */
class LiveModelPropertiesTest {
    private static final long MIB = 1L << 20;

    /** A disk and the settings, the write rate apart. */
    record Case(long virtual, long allocated, long copy, SwitchBelow below, int maxPasses, double overhead,
                long hash) {
        Case(long virtual, long allocated, long copy, SwitchBelow below, int maxPasses, double overhead) {
            this(virtual, allocated, copy, below, maxPasses, overhead, 0);
        }

        LiveForecast at(long write) {
            return LiveModel.forecast("v", allocated, virtual, new Throughput(copy, "given"),
                    new ForecastSettings(write, "given", below, maxPasses, overhead, hash));
        }

        /** Whether the switch-over follows pass {@code i} of {@code f}; pass 0 changed the whole disk. */
        boolean stopsAfter(LiveForecast f, int i) {
            ForecastPass p = f.passes().get(i);
            return below.below(i == 0 ? virtual : p.bytes(), p.seconds());
        }
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<Long> virtual = Arbitraries.longs().between(MIB, 2L << 40);
        Arbitrary<Double> share = Arbitraries.doubles().between(0, 1);
        Arbitrary<Long> copy = Arbitraries.longs().between(MIB, 4L << 30);
        Arbitrary<SwitchBelow> below = Arbitraries.oneOf(
                Arbitraries.longs().between(0, 64L << 30).map(SwitchBelow::ofBytes),
                Arbitraries.doubles().between(0, 100).map(SwitchBelow::ofSeconds));
        Arbitrary<Integer> max = Arbitraries.integers().between(1, 50);
        Arbitrary<Double> overhead = Arbitraries.doubles().between(0, 5);
        Arbitrary<Long> hash = Arbitraries.oneOf(Arbitraries.just(0L), Arbitraries.longs().between(MIB, 8L << 30));
        return Combinators.combine(virtual, share, copy, below, max, overhead, hash)
                .as((v, s, c, b, m, o, h) -> new Case(v, (long) (v * s), c, b, m, o, h));
    }

    @Property
    void passesAreAtMostMaxAndStopForTheReasonGiven(@ForAll("cases") Case c,
                                                    @ForAll @LongRange(min = 0, max = 8L << 30) long write) {
        LiveForecast f = c.at(write);
        List<ForecastPass> p = f.passes();
        assertTrue(p.size() >= 1 && p.size() <= c.maxPasses(), p.size() + " passes, max " + c.maxPasses());
        for (int i = 0; i < p.size(); i++) {
            assertEquals(i, p.get(i).pass());
            assertTrue(p.get(i).bytes() >= 0 && p.get(i).bytes() <= c.virtual(), "pass " + i + " within the disk");
            if (i < p.size() - 1) {
                assertFalse(c.stopsAfter(f, i), "pass " + i + " not below --switch-below, else it would stop");
            }
        }
        if (f.stop().equals(LiveForecast.THRESHOLD)) {
            assertTrue(c.stopsAfter(f, p.size() - 1));
        } else {
            assertEquals(LiveForecast.MAX_PASSES, f.stop());
            assertEquals(c.maxPasses(), p.size());
            assertFalse(c.stopsAfter(f, p.size() - 1));
        }
        assertEquals(Math.min(c.allocated(), c.virtual()), p.get(0).bytes(), "pass 0 copies the allocated bytes");
        assertTrue(f.finalBytes() <= c.virtual());
        double sum = p.stream().mapToDouble(ForecastPass::seconds).sum();
        assertEquals(sum + f.downtimeSeconds(), f.totalSeconds(), 1e-6 * Math.max(1, f.totalSeconds()));
        // The check: the allocated bytes read at the copy rate, the whole disk hashed (when counted).
        double check = (double) f.verifyBytes() / c.copy() + (c.hash() == 0 ? 0 : (double) c.virtual() / c.hash());
        assertEquals(check, f.checkSeconds(), 1e-9 * check);
        assertEquals(c.overhead() + (double) f.finalBytes() / c.copy() + check, f.downtimeSeconds(),
                1e-9 * f.downtimeSeconds(), "downtime: the last pass's snapshot, the last delta, the check");
    }

    @Property
    void moreWritesNeverMeanFewerPassesOrSmallerPasses(@ForAll("cases") Case c,
                                                       @ForAll @LongRange(min = 0, max = 8L << 30) long w1,
                                                       @ForAll @LongRange(min = 0, max = 8L << 30) long w2) {
        long lo = Math.min(w1, w2);
        long hi = Math.max(w1, w2);
        LiveForecast a = c.at(lo);
        LiveForecast b = c.at(hi);
        assertTrue(a.passes().size() <= b.passes().size(), a.passes().size() + " > " + b.passes().size());
        for (int i = 0; i < a.passes().size(); i++) {
            assertTrue(a.passes().get(i).bytes() <= b.passes().get(i).bytes(), "pass " + i);
            assertTrue(a.passes().get(i).seconds() <= b.passes().get(i).seconds(), "pass " + i);
        }
        if (a.passes().size() == b.passes().size()) {
            // With the same passes, the last delta and so the downtime grow with the rate.
            assertTrue(a.finalBytes() <= b.finalBytes());
            assertTrue(a.downtimeSeconds() <= b.downtimeSeconds());
            assertTrue(a.totalSeconds() <= b.totalSeconds() + 1e-9 * b.totalSeconds());
        }
        if (b.converges()) {
            assertTrue(a.converges(), "converging at a higher rate means converging at a lower one");
        }
    }

    @Property
    void neverConvergesWhenTheVmWritesAtLeastAsFastAsTheCopy(@ForAll("cases") Case c,
                                                             @ForAll @DoubleRange(min = 1, max = 20) double times) {
        long write = (long) Math.min(64L << 30, Math.ceil(c.copy() * times));
        LiveForecast f = c.at(write);
        assertFalse(f.converges());
        for (int i = 1; i < f.passes().size(); i++) {
            assertTrue(f.passes().get(i).bytes() >= f.passes().get(i - 1).bytes(), "pass " + i + " no smaller");
        }
        // Passes 1, 2, ... never shrink, in bytes or time: if pass 1 is not below --switch-below,
        // no later one is, and only --max-passes ends them.
        if (f.passes().size() >= 2 && !c.stopsAfter(f, 1)) {
            assertEquals(LiveForecast.MAX_PASSES, f.stop(), "only --max-passes ends them");
            assertEquals(c.maxPasses(), f.passes().size());
        }
        for (int i = 2; i < f.passes().size(); i++) {
            assertTrue(f.passes().get(i).seconds() >= f.passes().get(i - 1).seconds(), "pass " + i + " no shorter");
        }
    }

    @Property
    void belowTheCopyRateThePassesShrinkToTheThreshold(@ForAll @LongRange(min = 64 * MIB, max = 2L << 40) long disk,
                                                       @ForAll @LongRange(min = MIB, max = 4L << 30) long copy,
                                                       @ForAll @DoubleRange(min = 0, max = 0.9) double ratio,
                                                       @ForAll @LongRange(min = MIB, max = 1L << 30) long below) {
        long write = (long) (copy * ratio);
        LiveForecast f = LiveModel.forecast("v", disk, disk, new Throughput(copy, "given"),
                new ForecastSettings(write, "given", SwitchBelow.ofBytes(below), 1, 0), 1000);
        assertTrue(f.converges());
        assertEquals(LiveForecast.THRESHOLD, f.stop());
        for (int i = 1; i < f.passes().size(); i++) {
            assertTrue(f.passes().get(i).bytes() < f.passes().get(i - 1).bytes(), "pass " + i + " smaller");
        }
    }

    /**
     * The recurrence against its closed form: with no overhead and a disk too large to cap the
     * deltas, pass k is {@code A r^k} with {@code r = write/copy}; ceil rounding adds less than one
     * byte per pass, which the ratio carries on, so the error stays below {@code 1/(1-r)} + float.
     */
    @Property
    void passesFollowTheGeometricClosedForm(@ForAll @LongRange(min = MIB, max = 1L << 40) long allocated,
                                            @ForAll @LongRange(min = MIB, max = 4L << 30) long copy,
                                            @ForAll @DoubleRange(min = 0, max = 0.95) double ratio,
                                            @ForAll @IntRange(min = 1, max = 30) int max) {
        long write = (long) (copy * ratio);
        double r = (double) write / copy;
        LiveForecast f = LiveModel.forecast("v", allocated, Long.MAX_VALUE / 4, new Throughput(copy, "given"),
                new ForecastSettings(write, "given", SwitchBelow.ofBytes(0), max, 0));
        for (ForecastPass p : f.passes()) {
            double expected = allocated * Math.pow(r, p.pass());
            double tolerance = 1 / (1 - r) + 1 + 1e-9 * allocated;
            assertTrue(Math.abs(p.bytes() - expected) <= tolerance, "pass " + p.pass() + ": " + p.bytes() + " vs "
                    + expected);
        }
    }

    /**
     * The downtime itself is not monotone in the write rate, and cannot be under a threshold
     * rule: a rate just too high for the passes to stop after pass 1 buys a pass 2, whose delta is
     * far smaller. 1000 MiB at 100 MiB/s, --switch-below 10M: at 1 MiB/s pass 1 copies 10 MiB and
     * the VM stops with 0.1 MiB to copy; at 1.01 MiB/s pass 1 copies 10.1 MiB, pass 2 about
     * 0.1 MiB, and the VM stops with about 1 KiB to copy.
     */
    @Test
    void theDowntimeIsASawtoothInTheWriteRate() {
        Case c = new Case(4096 * MIB, 1000 * MIB, 100 * MIB, SwitchBelow.ofBytes(10 * MIB), 8, 0);
        LiveForecast slow = c.at(MIB);
        LiveForecast fast = c.at(MIB + MIB / 100);
        assertEquals(2, slow.passes().size());
        assertEquals(10 * MIB, slow.passes().get(1).bytes());
        assertEquals(MIB / 10 + 1, slow.finalBytes(), 1.0); // 1 MiB/s x 0.1 s, rounded up
        assertEquals(3, fast.passes().size());
        assertTrue(fast.finalBytes() < 2048, "about 1 KiB: " + fast.finalBytes());
        assertTrue(fast.downtimeSeconds() < slow.downtimeSeconds());
    }

    @Test
    void switchBelowIsASizeOrATime() {
        assertTrue(SwitchBelow.ofSeconds(5).below(1L << 40, 5.0));
        assertFalse(SwitchBelow.ofSeconds(5).below(0, 5.01));
        assertTrue(SwitchBelow.parse("64M").below(64 * MIB, 1e6));
        assertFalse(SwitchBelow.parse("64M").below(64 * MIB + 1, 0));
        assertEquals(SwitchBelow.ofSeconds(0.5), SwitchBelow.parse("0.5s"));
        assertEquals(SwitchBelow.ofSeconds(5), SwitchBelow.parse(" 5 seconds "));
        assertEquals(SwitchBelow.ofBytes(1536L << 20), SwitchBelow.parse("1.5GiB"));
        assertEquals(SwitchBelow.ofBytes(4096), SwitchBelow.parse("4096"));
        for (String bad : new String[] {"", "fast", "-5s", "5 min", "1e3", "5ss"}) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                    IllegalArgumentException.class, () -> SwitchBelow.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("--switch-below"), e.getMessage());
        }
    }
}
