package org.smapimigrate.plan;

import java.util.ArrayList;
import java.util.List;

/**
 * The forecast of a live migration of one disk: a pure function of its allocated and virtual
 * size, the copy rate and the {@link ForecastSettings}.
 *
 * <p>The model, in the order the passes run:
 * <ul>
 *   <li>pass 0 copies the allocated bytes of the frozen disk, taking {@code bytes / copy rate +
 *       overhead} seconds;</li>
 *   <li>each later pass copies what the VM wrote during the pass before: {@code write rate x its
 *       seconds}, never more than the disk's size ({@value #ASSUMPTION});</li>
 *   <li>the passes stop after one that changed at most {@code --switch-below} bytes (pass 0
 *       counts as the whole disk) or took at most its seconds, or after {@code --max-passes}
 *       (pass 0 included), as the passes engine decides;</li>
 *   <li>the switch-over stops the VM, copies what was written during the last pass, and checks
 *       the whole disk (both sides read, counted once at the copy rate like the offline
 *       estimate's verification, and the whole virtual size hashed at the host's SHA-256 rate):
 *       that is the downtime, the VM's own shutdown and boot aside.</li>
 * </ul>
 * So each pass is {@code write/copy} times the one before plus {@code write x overhead}: below 1
 * the passes shrink geometrically to the floor {@code write x overhead / (1 - write/copy)}; at 1 or
 * above they never shrink, and only --max-passes ends them.
 */
public final class LiveModel {
    /** The write pattern the forecast takes, as the plan states it. */
    public static final String ASSUMPTION = "no write overwrites another within a pass (a sequential or log-like"
            + " writer, the worst case), capped at the disk's size; for uniformly random writes the true delta is"
            + " smaller, by at most half the share of the disk the delta covers";

    private LiveModel() {
    }

    /**
     * @param allocated what pass 0 copies, in bytes (capped at {@code virtual})
     * @param virtual   the disk's size
     * @param rate      the copy rate (the plan's throughput)
     */
    public static LiveForecast forecast(String vdi, long allocated, long virtual, Throughput rate, ForecastSettings s) {
        return forecast(vdi, allocated, virtual, rate, s, s.maxPasses());
    }

    /** The same with another pass limit than the settings' (a search beyond what a run allows). */
    static LiveForecast forecast(String vdi, long allocated, long virtual, Throughput rate, ForecastSettings s,
                                 int maxPasses) {
        if (virtual <= 0 || allocated < 0 || vdi == null) {
            throw new IllegalArgumentException("disk " + vdi + ": size " + virtual + ", allocated " + allocated);
        }
        long copy = rate.bytesPerSecond();
        long a = Math.min(allocated, virtual);
        double overhead = s.passOverheadSeconds();
        List<ForecastPass> passes = new ArrayList<>();
        long bytes = a;
        double seconds = seconds(bytes, copy, overhead);
        passes.add(new ForecastPass(0, bytes, seconds));
        // Pass 0 counts as changing the whole disk, as the passes engine counts it.
        String stop = s.switchBelow().below(virtual, seconds) ? LiveForecast.THRESHOLD : null;
        while (stop == null) {
            if (passes.size() >= maxPasses) {
                stop = LiveForecast.MAX_PASSES;
                break;
            }
            bytes = written(s.writeRate(), seconds, virtual);
            seconds = seconds(bytes, copy, overhead);
            passes.add(new ForecastPass(passes.size(), bytes, seconds));
            if (s.switchBelow().below(bytes, seconds)) {
                stop = LiveForecast.THRESHOLD;
            }
        }
        long last = written(s.writeRate(), seconds, virtual);
        long verify = a;
        double check = checkSeconds(verify, virtual, copy, s.hashRate());
        double downtime = overhead + (double) last / copy + check;
        double total = passes.stream().mapToDouble(ForecastPass::seconds).sum() + downtime;
        return new LiveForecast(vdi, a, virtual, s.writeRate(), passes, last, verify, check, downtime, total,
                s.writeRate() < copy, stop);
    }

    /**
     * The switch-over's check: the allocated bytes read on each side (both at once, counted once
     * at the copy rate, as the offline estimate counts its verification), and the whole virtual
     * disk hashed on each side at {@code hashRate} (0: not counted).
     */
    static double checkSeconds(long allocated, long virtual, long copy, long hashRate) {
        return (double) allocated / copy + (hashRate <= 0 ? 0 : (double) virtual / hashRate);
    }

    /** Bytes written at {@code rate} over {@code seconds}, rounded up, at most the disk. */
    static long written(long rate, double seconds, long virtual) {
        double w = Math.ceil(rate * seconds);
        return w >= virtual ? virtual : (long) w;
    }

    private static double seconds(long bytes, long copy, double overhead) {
        return (double) bytes / copy + overhead;
    }

    /**
     * The least --max-passes with which the passes reach --switch-below, or -1 when they do not
     * within {@code limit} passes.
     */
    public static int passesNeeded(String vdi, long allocated, long virtual, Throughput rate, ForecastSettings s,
                                   int limit) {
        LiveForecast f = forecast(vdi, allocated, virtual, rate, s, limit);
        return f.stop().equals(LiveForecast.THRESHOLD) ? f.passes().size() : -1;
    }
}
