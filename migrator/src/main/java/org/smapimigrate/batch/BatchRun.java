package org.smapimigrate.batch;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One run of a batch under its lock: every job's volumes in order, each recorded before it starts
 * and after it ends, failed ones tried again with backoff up to the job's limit, no new volume
 * started outside the job's window. Volumes run one at a time (a job's concurrency is read but
 * not yet used: the engine's own scheduling is being reworked on another branch).
 */
public final class BatchRun {
    /** A volume a job may take: an SR (as the job names it) and a VDI uuid in it. */
    public record Volume(String sr, String vdi) {
    }

    /** Sleeps between attempts; tests pass one that only records. */
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /** Hears each volume's outcome as it is recorded (the command line prints one line per volume). */
    public interface Listener {
        Listener NONE = (job, state, copiedBytes, wasDone) -> { };

        /**
         * @param copiedBytes what this run wrote for it (a snapshot tree's bytes come with its first volume)
         * @param wasDone     recorded done before this run, and the cheap check says it still is
         */
        void recorded(Job job, VolumeState state, long copiedBytes, boolean wasDone);
    }

    /** What a run did, for the summary and the exit code. */
    public record Result(int done, int alreadyDone, long copiedBytes, int failed, int left, boolean paused,
                         List<String> failures) {
        public boolean anyFailed() {
            return failed > 0;
        }
    }

    private final Path stateDir;
    private final Clock clock;
    private final Sleeper sleeper;
    private final VolumeMigration migration;
    private final Consumer<String> log;
    private final Duration firstBackoff;
    private Listener listener = Listener.NONE;

    public BatchRun(Path stateDir, Clock clock, Sleeper sleeper, Duration firstBackoff, VolumeMigration migration,
                    Consumer<String> log) {
        this.stateDir = stateDir;
        this.clock = clock;
        this.sleeper = sleeper;
        this.firstBackoff = firstBackoff;
        this.migration = migration;
        this.log = log;
    }

    /** Reports each volume's recorded outcome to {@code l}; returns this run. */
    public BatchRun listen(Listener l) {
        this.listener = l;
        return this;
    }

    /** Runs the jobs over their volumes (listed by the caller from what this host sees). */
    public Result run(List<Job> jobs, Map<String, List<Volume>> volumes) throws IOException, InterruptedException {
        int done = 0;
        int already = 0;
        long copied = 0;
        int failed = 0;
        int left = 0;
        boolean paused = false;
        List<String> failures = new ArrayList<>();
        for (Job job : jobs) {
            JobStates states = JobStates.load(stateDir, job.name());
            boolean windowClosed = false;
            for (Volume v : volumes.getOrDefault(job.name(), List.of())) {
                VolumeState s = states.get(v.sr(), v.vdi());
                if (s.status() == VolumeState.Status.DONE && stillDone(job, s, states)) {
                    already++;
                    listener.recorded(job, s, 0, true);
                    continue;
                }
                if (windowClosed || job.window().isPresent()
                        && !job.window().get().contains(LocalTime.now(clock))) {
                    if (!windowClosed) {
                        log.accept(job.name() + ": outside its window " + job.window().get()
                                + "; no new volume starts, the next run in the window goes on");
                    }
                    windowClosed = true;
                    paused = true;
                    left++;
                    continue;
                }
                int attempts = s.attempts();
                VolumeState outcome = null;
                long lastCopied = 0;
                for (int i = 0; i <= job.retries(); i++) {
                    if (i > 0) {
                        Duration wait = firstBackoff.multipliedBy(1L << Math.min(i - 1, 6));
                        log.accept(job.name() + ": " + v.vdi() + " again in " + wait.toMillis() + " ms");
                        sleeper.sleep(wait);
                    }
                    attempts++;
                    states.put(s.with(VolumeState.Status.RUNNING, null, null, attempts));
                    try {
                        VolumeMigration.Done d = migration.migrate(job, v.sr(), v.vdi(), states.engineDir());
                        outcome = s.with(VolumeState.Status.DONE, d.digest(), null, attempts);
                        copied += d.copiedBytes();
                        lastCopied = d.copiedBytes();
                        break;
                    } catch (InterruptedException e) {
                        throw e;
                    } catch (Exception e) {
                        String reason = String.valueOf(e.getMessage()).lines().findFirst().orElse(e.toString());
                        outcome = s.with(VolumeState.Status.FAILED, null, reason, attempts);
                        log.accept(job.name() + ": " + v.vdi() + " failed (attempt " + attempts + "): " + reason);
                    }
                }
                states.put(outcome);
                listener.recorded(job, outcome, lastCopied, false);
                if (outcome.status() == VolumeState.Status.DONE) {
                    done++;
                } else {
                    failed++;
                    failures.add(job.name() + " " + v.vdi() + ": " + outcome.reason());
                }
            }
        }
        return new Result(done, already, copied, failed, left, paused, failures);
    }

    /**
     * The cheap check of a volume recorded done (the engine rechecks its finished plan on the
     * target); one that no longer holds is run again, and the log says why.
     */
    private boolean stillDone(Job job, VolumeState s, JobStates states) throws InterruptedException {
        String why;
        try {
            if (migration.stillDone(job, s, states.engineDir())) {
                return true;
            }
            why = "its manifest or target volume no longer matches digest " + s.digest();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            why = String.valueOf(e.getMessage()).lines().findFirst().orElse(e.toString());
        }
        log.accept(job.name() + ": " + s.vdi() + " was done but " + why + "; running it again");
        return false;
    }
}
