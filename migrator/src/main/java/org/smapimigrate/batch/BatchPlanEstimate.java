package org.smapimigrate.batch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.smapimigrate.plan.Plan;
import org.smapimigrate.plan.PlanRequest;
import org.smapimigrate.plan.Planner;
import org.smapimigrate.plan.TargetCapabilities;
import org.smapimigrate.plan.Throughput;
import org.smapimigrate.plan.VdiSelection;
import org.smapimigrate.report.Sizes;

/**
 * The dry run of one job: the volumes a run would still move (those recorded done left out), the
 * bytes the planner says their units copy and verify, and the time that takes at the planner's
 * throughput, held to the job's bandwidth, counted in windows when the job has one. The planner
 * is a pure function, so this reads the sources' metadata and writes nothing.
 *
 * <p>The time: source bytes at min(throughput, bandwidth) (the limit is on what is read from the
 * source, and the copy hashes the source as it reads), verification at the throughput (it reads
 * only the target), plus the plugin calls at their measured cost.
 *
 * @param pending       volumes still to move
 * @param alreadyDone   volumes recorded done
 * @param units         plans a run would make (snapshot trees)
 * @param copyBytes     bytes the copies read and write
 * @param verifyBytes   bytes the verifications read back
 * @param pluginCalls   plugin processes the steps start
 * @param rate          bytes per second the copy may go (throughput, or the bandwidth when lower)
 * @param seconds       the estimate
 * @param windowSeconds the window's length, 0 without a window
 * @param windows       windows needed, 0 without a window
 */
public record BatchPlanEstimate(String job, List<JobVolumes.Entry> pending, int alreadyDone, int units,
                                long copyBytes, long verifyBytes, int pluginCalls, long rate, String rateBasis,
                                long seconds, String window, long windowSeconds, long windows) {

    public static BatchPlanEstimate of(JobVolumes jv, JobStates states, TargetCapabilities caps, Throughput tp) {
        Job job = jv.job();
        List<JobVolumes.Entry> pending = new ArrayList<>();
        int done = 0;
        long copy = 0;
        long verify = 0;
        int calls = 0;
        int units = 0;
        for (Map.Entry<String, SourceSelection> src : jv.selections().entrySet()) {
            SourceSelection sel = src.getValue();
            Set<List<String>> toPlan = new LinkedHashSet<>();
            for (JobVolumes.Entry e : jv.volumes()) {
                if (!e.volume().sr().equals(src.getKey())) {
                    continue;
                }
                if (states.get(e.volume().sr(), e.volume().vdi()).status() == VolumeState.Status.DONE) {
                    done++;
                    continue;
                }
                pending.add(e);
                toPlan.add(sel.unitOf(e.volume().vdi()));
            }
            for (List<String> unit : toPlan) {
                Plan p = Planner.plan(new PlanRequest(sel.inventory(), sel.snapshots(), VdiSelection.of(unit), caps, tp,
                        false));
                copy += p.totals().bytesToCopy();
                verify += p.totals().bytesToVerify();
                calls += p.totals().pluginCalls();
                units++;
            }
        }
        OptionalLong bw = job.bandwidth();
        long rate = bw.isPresent() ? Math.min(bw.getAsLong(), tp.bytesPerSecond()) : tp.bytesPerSecond();
        String basis = bw.isPresent() && bw.getAsLong() < tp.bytesPerSecond() ? "the job's bandwidth"
                : "throughput " + tp.basis();
        long seconds = (copy + rate - 1) / rate + tp.secondsFor(verify) + (long) Math.ceil(calls * tp.pluginCallSeconds());
        Optional<Window> w = job.window();
        long windowSeconds = w.map(BatchPlanEstimate::length).orElse(Duration.ZERO).toSeconds();
        long windows = windowSeconds == 0 || seconds == 0 ? 0 : (seconds + windowSeconds - 1) / windowSeconds;
        return new BatchPlanEstimate(job.name(), List.copyOf(pending), done, units, copy, verify, calls, rate, basis,
                seconds, w.map(Window::toString).orElse(null), windowSeconds, windows);
    }

    /** A window's length; one crossing midnight wraps. */
    static Duration length(Window w) {
        long s = Duration.between(w.start(), w.end()).toSeconds();
        return Duration.ofSeconds(s > 0 ? s : s + 86_400);
    }

    /** "needs 3 windows of 8 h at 200 MiB/s", or "about 2 h 5 min at 200 MiB/s", or "nothing to move". */
    public String describe() {
        if (pending.isEmpty()) {
            return "nothing to move";
        }
        String at = " at " + Sizes.rate(rate) + " (" + rateBasis + ")";
        String time = durationText(seconds);
        if (windows == 0) {
            return "about " + time + at;
        }
        return "about " + time + at + ": needs " + windows + (windows == 1 ? " window" : " windows") + " of "
                + durationText(windowSeconds) + " (" + window + ")";
    }

    public static String durationText(long s) {
        if (s < 60) {
            return s + " s";
        }
        long h = s / 3600;
        long m = (s % 3600 + 59) / 60;
        if (m == 60) {
            h++;
            m = 0;
        }
        return h == 0 ? m + " min" : m == 0 ? h + " h" : h + " h " + m + " min";
    }
}
