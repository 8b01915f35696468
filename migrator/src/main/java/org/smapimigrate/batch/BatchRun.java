package org.smapimigrate.batch;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One run of a batch on one host under its lock: every job's volumes in order, each claimed
 * ({@link Claims}) and recorded before it starts and after it ends, failed ones tried again with
 * backoff up to the job's limit, no new volume started outside the job's window, up to the job's
 * {@code concurrency} volumes at once.
 *
 * <p>Pools. The same job file runs on every host; each host passes the volumes it sees. A volume
 * another live run has claimed is skipped for this run: it appears in the result as skipped,
 * with the holder, and is not written into the job's state file, whose entry for it belongs to
 * the holder (a SKIPPED there would hide the holder's RUNNING or DONE). After taking a claim the
 * run reads the volume's state again: a host that finished it recorded DONE before releasing its
 * claim, so it is counted as already done and not run twice.
 *
 * <p>Concurrency. Volumes start in list order, each when one of the job's {@code concurrency}
 * slots is free; the window is checked as each one starts, so none starts after the window
 * closed, and those running finish. A failed volume keeps its slot and its claim through its
 * backoff. State writes are serialized by {@link JobStates}.
 */
public final class BatchRun {
    /** A volume a job may take: an SR (as the job names it) and a VDI uuid in it. */
    public record Volume(String sr, String vdi) {
    }

    /** Sleeps between attempts; tests pass one that only records. */
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /** How a volume ended in this run. */
    public enum Kind {
        /** migrated (or found done by the engine's check) in this run */
        DONE,
        /** recorded done by an earlier run, or by another host: not run */
        ALREADY_DONE,
        /** every attempt failed */
        FAILED,
        /** claimed by another live run: left to it */
        SKIPPED,
        /** not started: the window was closed */
        LEFT
    }

    /**
     * One volume of one job in this run. {@code attempts} counts all runs' attempts (as the state
     * file does); {@code reason} is the failure, the claim's holder, or the window; the instants
     * are null for a volume that was not started.
     */
    public record Outcome(String job, String sr, String vdi, Kind kind, String digest, long copiedBytes,
                          int attempts, String reason, Instant started, Instant ended) {
    }

    /**
     * Hears each volume's outcome as it is known (the command line prints one line per volume).
     * Called from the job's threads when its concurrency is above one.
     */
    public interface Listener {
        Listener NONE = o -> { };

        void ended(Outcome o);
    }

    /** What a run did, for the summary and the exit code; {@code outcomes} in job and start order. */
    public record Result(int done, int alreadyDone, long copiedBytes, int failed, int left, boolean paused,
                         List<String> failures, int skipped, List<Outcome> outcomes) {
        public Result {
            failures = List.copyOf(failures);
            outcomes = List.copyOf(outcomes);
        }

        /** The shape before claims: nothing skipped, no outcomes. */
        public Result(int done, int alreadyDone, long copiedBytes, int failed, int left, boolean paused,
                      List<String> failures) {
            this(done, alreadyDone, copiedBytes, failed, left, paused, failures, 0, List.of());
        }

        public boolean anyFailed() {
            return failed > 0;
        }

        /** This job's outcomes. */
        public List<Outcome> of(String job) {
            return outcomes.stream().filter(o -> o.job().equals(job)).toList();
        }
    }

    private final Path stateDir;
    private final Clock clock;
    private final Sleeper sleeper;
    private final VolumeMigration migration;
    private final Consumer<String> log;
    private final Duration firstBackoff;
    private final Claims claims;
    private Listener listener = Listener.NONE;

    /** A run on this host alone ({@link Host#local}), claims with the default lease. */
    public BatchRun(Path stateDir, Clock clock, Sleeper sleeper, Duration firstBackoff, VolumeMigration migration,
                    Consumer<String> log) {
        this(stateDir, clock, sleeper, firstBackoff, migration, log, Claims.of(stateDir, Host.local()));
    }

    /** @param claims this host's claims on the state directory; the caller closes them */
    public BatchRun(Path stateDir, Clock clock, Sleeper sleeper, Duration firstBackoff, VolumeMigration migration,
                    Consumer<String> log, Claims claims) {
        this.stateDir = stateDir;
        this.clock = clock;
        this.sleeper = sleeper;
        this.firstBackoff = firstBackoff;
        this.migration = migration;
        this.log = log;
        this.claims = claims;
    }

    /** Reports each volume's outcome to {@code l} as it is known; returns this run. */
    public BatchRun listen(Listener l) {
        this.listener = l;
        return this;
    }

    /** Runs the jobs over their volumes (listed by the caller from what this host sees). */
    public Result run(List<Job> jobs, Map<String, List<Volume>> volumes) throws IOException, InterruptedException {
        List<Outcome> outcomes = new ArrayList<>();
        for (Job job : jobs) {
            outcomes.addAll(runJob(job, volumes.getOrDefault(job.name(), List.of())));
        }
        int done = 0;
        int already = 0;
        long copied = 0;
        int failed = 0;
        int left = 0;
        int skipped = 0;
        List<String> failures = new ArrayList<>();
        for (Outcome o : outcomes) {
            switch (o.kind()) {
                case DONE -> {
                    done++;
                    copied += o.copiedBytes();
                }
                case ALREADY_DONE -> already++;
                case FAILED -> {
                    failed++;
                    failures.add(o.job() + " " + o.vdi() + ": " + o.reason());
                }
                case SKIPPED -> skipped++;
                case LEFT -> left++;
            }
        }
        return new Result(done, already, copied, failed, left, left > 0, failures, skipped, outcomes);
    }

    private List<Outcome> runJob(Job job, List<Volume> list) throws IOException, InterruptedException {
        JobStates states = JobStates.load(stateDir, job.name());
        int slots = Math.max(1, job.concurrency());
        Semaphore free = new Semaphore(slots);
        AtomicInteger threadNo = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(slots, r -> {
            Thread t = new Thread(r, "batch-" + job.name() + "-" + threadNo.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        List<Future<Outcome>> started = new ArrayList<>();
        List<Outcome> notStarted = new ArrayList<>();
        boolean windowClosed = false;
        try {
            for (Volume v : list) {
                VolumeState s = states.get(v.sr(), v.vdi());
                if (s.status() == VolumeState.Status.DONE && stillDone(job, s, states)) {
                    notStarted.add(tell(new Outcome(job.name(), v.sr(), v.vdi(), Kind.ALREADY_DONE, s.digest(), 0,
                            s.attempts(), null, null, null)));
                    continue;
                }
                if (!windowClosed) {
                    free.acquire(); // a slot first, then the window: the time the volume would start
                    windowClosed = job.window().isPresent() && !job.window().get().contains(LocalTime.now(clock));
                    if (windowClosed) {
                        free.release();
                        log(job.name() + ": outside its window " + job.window().get()
                                + "; no new volume starts, the next run in the window goes on");
                    }
                }
                if (windowClosed) {
                    notStarted.add(tell(new Outcome(job.name(), v.sr(), v.vdi(), Kind.LEFT, null, 0, s.attempts(),
                            "outside the window " + job.window().get(), null, null)));
                    continue;
                }
                started.add(pool.submit(() -> {
                    try {
                        return tell(runVolume(job, v, states));
                    } finally {
                        free.release();
                    }
                }));
            }
            List<Outcome> all = new ArrayList<>(notStarted);
            for (Future<Outcome> f : started) {
                all.add(get(f));
            }
            return order(list, all);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The outcomes in the order of the job's volume list. */
    private static List<Outcome> order(List<Volume> list, List<Outcome> all) {
        Map<Volume, Integer> index = new java.util.HashMap<>();
        for (int i = list.size() - 1; i >= 0; i--) {
            index.put(list.get(i), i);
        }
        List<Outcome> sorted = new ArrayList<>(all);
        sorted.sort(java.util.Comparator.comparingInt(o -> index.get(new Volume(o.sr(), o.vdi()))));
        return sorted;
    }

    private static Outcome get(Future<Outcome> f) throws IOException, InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof InterruptedException ie) {
                throw ie;
            }
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error er) {
                throw er;
            }
            throw new IOException(c);
        }
    }

    /** Claims one volume and runs it with its retries; state and claim errors end the run. */
    private Outcome runVolume(Job job, Volume v, JobStates states) throws IOException, InterruptedException {
        Instant started = clock.instant();
        Claims.Attempt claim = claims.claim(job.name(), v.sr(), v.vdi());
        if (!claim.taken()) {
            log(job.name() + ": " + v.vdi() + " skipped: claimed by " + claim.heldBy());
            return new Outcome(job.name(), v.sr(), v.vdi(), Kind.SKIPPED, null, 0, states.get(v.sr(), v.vdi()).attempts(),
                    "claimed by " + claim.heldBy(), started, clock.instant());
        }
        try (Claims.Claim held = claim.claim()) {
            if (held.takenOver() != null) {
                log(job.name() + ": " + v.vdi() + ": took over the claim of " + held.takenOver());
            }
            VolumeState s = states.current(v.sr(), v.vdi());
            if (s.status() == VolumeState.Status.DONE) {
                return new Outcome(job.name(), v.sr(), v.vdi(), Kind.ALREADY_DONE, s.digest(), 0, s.attempts(), null,
                        null, null);
            }
            int attempts = s.attempts();
            VolumeState outcome = null;
            long copied = 0;
            for (int i = 0; i <= job.retries(); i++) {
                if (i > 0) {
                    Duration wait = firstBackoff.multipliedBy(1L << Math.min(i - 1, 6));
                    log(job.name() + ": " + v.vdi() + " again in " + wait.toMillis() + " ms");
                    sleeper.sleep(wait);
                }
                attempts++;
                states.put(s.with(VolumeState.Status.RUNNING, null, null, attempts));
                try {
                    VolumeMigration.Done d = migration.migrate(job, v.sr(), v.vdi(), states.engineDir());
                    outcome = s.with(VolumeState.Status.DONE, d.digest(), null, attempts);
                    copied = d.copiedBytes();
                    break;
                } catch (InterruptedException e) {
                    throw e;
                } catch (Exception e) {
                    String reason = e.getMessage() == null ? e.toString()
                            : e.getMessage().lines().findFirst().orElse(e.toString());
                    outcome = s.with(VolumeState.Status.FAILED, null, reason, attempts);
                    log(job.name() + ": " + v.vdi() + " failed (attempt " + attempts + "): " + reason);
                }
            }
            states.put(outcome); // before the claim is released (see the class comment)
            Kind kind = outcome.status() == VolumeState.Status.DONE ? Kind.DONE : Kind.FAILED;
            return new Outcome(job.name(), v.sr(), v.vdi(), kind, outcome.digest(), copied, attempts, outcome.reason(),
                    started, clock.instant());
        }
    }

    private Outcome tell(Outcome o) {
        synchronized (listener) {
            listener.ended(o);
        }
        return o;
    }

    /**
     * The cheap check of a volume recorded done (the engine rechecks its finished plan on the
     * target and its manifest's digest); one that no longer holds is run again, and the log says why.
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
            why = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse(e.toString());
        }
        log(job.name() + ": " + s.vdi() + " was done but " + why + "; running it again");
        return false;
    }

    private void log(String line) {
        synchronized (log) {
            log.accept(line);
        }
    }
}
