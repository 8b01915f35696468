package org.smapimigrate.batch.summary;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.smapimigrate.batch.BatchRun;
import org.smapimigrate.batch.Job;
import org.smapimigrate.batch.JobStates;
import org.smapimigrate.batch.VolumeState;
import org.smapimigrate.report.Sizes;

/**
 * What {@code summary.json} holds, and what the Markdown and HTML pages show: one run of a batch
 * on one host, per job and overall. Strings are as the jobs, disks and engine gave them (the
 * renderers escape them); instants are ISO-8601 text.
 *
 * @param status  {@code failed} when a volume failed, else {@code paused} when the window left
 *                volumes for the next run, else {@code done}
 * @param seconds the run's wall time
 */
public record SummaryReport(String host, String started, String ended, double seconds, String status, Counts total,
                            List<JobLine> jobs, List<VolumeLine> failed, List<VolumeLine> skipped) {

    /** Volumes of this run by how they ended, and the bytes it copied. */
    public record Counts(int volumes, int done, int alreadyDone, int failed, int skipped, int left, long copiedBytes) {
    }

    /**
     * One job: its limits, this run's counts and wall time (first volume started to last ended),
     * and what its state file records over all runs (every host's).
     *
     * @param bandwidth the job's limit as people write it, or null for none
     */
    public record JobLine(String name, String status, String window, String bandwidth, Long bandwidthBytesPerSecond,
                          int concurrency, int retries, Counts run, double seconds, Recorded recorded) {
    }

    /** Volume states in the job's state file, all runs and hosts together. */
    public record Recorded(int done, int failed, int running, int pending, int skipped) {
    }

    /** A failed or skipped volume: the reason (the failure's first line, or the claim's holder). */
    public record VolumeLine(String job, String sr, String vdi, int attempts, String reason) {
    }

    /** The report of one run. */
    public static SummaryReport of(String host, List<Job> jobs, Map<String, JobStates> states, BatchRun.Result result,
                                   Instant started, Instant ended) {
        List<JobLine> lines = new ArrayList<>();
        List<VolumeLine> failed = new ArrayList<>();
        List<VolumeLine> skipped = new ArrayList<>();
        for (Job job : jobs) {
            List<BatchRun.Outcome> outcomes = result.of(job.name());
            for (BatchRun.Outcome o : outcomes) {
                if (o.kind() == BatchRun.Kind.FAILED) {
                    failed.add(new VolumeLine(o.job(), o.sr(), o.vdi(), o.attempts(), o.reason()));
                } else if (o.kind() == BatchRun.Kind.SKIPPED) {
                    skipped.add(new VolumeLine(o.job(), o.sr(), o.vdi(), o.attempts(), o.reason()));
                }
            }
            Counts c = count(outcomes);
            Long rate = job.bandwidth().isPresent() ? job.bandwidth().getAsLong() : null;
            lines.add(new JobLine(job.name(), status(c), job.window().map(Object::toString).orElse(null),
                    rate == null ? null : Sizes.rate(rate), rate, job.concurrency(), job.retries(), c,
                    seconds(outcomes), recorded(states.get(job.name()))));
        }
        Counts total = count(result.outcomes());
        return new SummaryReport(host, started.toString(), ended.toString(),
                Duration.between(started, ended).toMillis() / 1000.0, status(total), total, lines, failed, skipped);
    }

    private static String status(Counts c) {
        return c.failed() > 0 ? "failed" : c.left() > 0 ? "paused" : "done";
    }

    private static Counts count(List<BatchRun.Outcome> outcomes) {
        int done = 0;
        int already = 0;
        int failed = 0;
        int skipped = 0;
        int left = 0;
        long bytes = 0;
        for (BatchRun.Outcome o : outcomes) {
            switch (o.kind()) {
                case DONE -> {
                    done++;
                    bytes += o.copiedBytes();
                }
                case ALREADY_DONE -> already++;
                case FAILED -> failed++;
                case SKIPPED -> skipped++;
                case LEFT -> left++;
            }
        }
        return new Counts(outcomes.size(), done, already, failed, skipped, left, bytes);
    }

    private static double seconds(List<BatchRun.Outcome> outcomes) {
        Instant first = null;
        Instant last = null;
        for (BatchRun.Outcome o : outcomes) {
            if (o.started() != null && (first == null || o.started().isBefore(first))) {
                first = o.started();
            }
            if (o.ended() != null && (last == null || o.ended().isAfter(last))) {
                last = o.ended();
            }
        }
        return first == null || last == null ? 0 : Duration.between(first, last).toMillis() / 1000.0;
    }

    private static Recorded recorded(JobStates states) {
        int[] n = new int[VolumeState.Status.values().length];
        if (states != null) {
            for (VolumeState v : states.all()) {
                n[v.status().ordinal()]++;
            }
        }
        return new Recorded(n[VolumeState.Status.DONE.ordinal()], n[VolumeState.Status.FAILED.ordinal()],
                n[VolumeState.Status.RUNNING.ordinal()], n[VolumeState.Status.PENDING.ordinal()],
                n[VolumeState.Status.SKIPPED.ordinal()]);
    }
}
