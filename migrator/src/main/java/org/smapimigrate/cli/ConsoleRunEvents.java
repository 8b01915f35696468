package org.smapimigrate.cli;

import java.io.PrintWriter;
import org.smapimigrate.execute.JournalEntry;
import org.smapimigrate.execute.PlanExecutor;
import org.smapimigrate.execute.RunEvents;
import org.smapimigrate.execute.RunProgress;
import org.smapimigrate.execute.RunSummary;
import org.smapimigrate.plan.Plan;
import org.smapimigrate.plan.Step;
import org.smapimigrate.report.TerminalText;
import org.smapimigrate.report.Sizes;

/**
 * {@code migrate --plan} for people, on standard error: one overall progress bar in bytes with
 * the step running, rate and ETA when standard error is a terminal, else one line per finished
 * step; notes and a summary at the end. {@code --quiet} keeps only errors.
 */
final class ConsoleRunEvents implements RunEvents, AutoCloseable {
    private final PrintWriter err;
    private final boolean quiet;
    private final boolean terminal = System.console() != null;
    private AutoCloseable bar = () -> { };

    ConsoleRunEvents(PrintWriter err, boolean quiet) {
        this.err = err;
        this.quiet = quiet;
    }

    @Override
    public void runStarted(Plan plan, int steps, int finishedBefore, RunProgress progress) {
        if (quiet) {
            return;
        }
        if (finishedBefore > 0) {
            line("resuming plan %s: %d of %d steps were finished by earlier runs", plan.id(), finishedBefore, steps);
        }
        bar = CopyProgress.start("migrate", progress.totalBytes(), progress.bytesBefore(), progress::bytesDone, true,
                () -> shortStep(progress.currentStep()));
    }

    /** {@code copy:e497b363@e497b363} for a step id, uuids cut to their first group, to fit beside the bar. */
    static String shortStep(String id) {
        return id == null ? null : " " + id.replaceAll("([0-9a-f]{8})-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
                "$1");
    }

    @Override
    public void note(String message) {
        if (!quiet) {
            line("smapi-migrate: note: %s", message);
        }
    }

    @Override
    public void stepDone(Step step, JournalEntry e) {
        if (quiet || terminal) {
            return;
        }
        String what = e.bytesWritten() != null ? ", " + Sizes.human(e.bytesWritten()) + " written"
                : e.digest() != null ? ", digest " + e.digest().substring(0, 16) + "…" : "";
        line("done %s (%s%s, %.1f s)", step.id(), PlanExecutor.kindOf(step), what, e.seconds());
    }

    @Override
    public void runDone(RunSummary s) {
        close();
        if (!quiet) {
            line("plan %s done: %d volumes, %s read and %s written in all (%s by this run), %d steps run, %d "
                            + "rechecked, in %.1f s (%d %s, %d plugin calls taking %.1f s); journal %s", s.planId(),
                    s.volumes().size(), Sizes.human(s.bytesRead()), Sizes.human(s.bytesWritten()),
                    Sizes.human(s.runBytesWritten()), s.stepsRun(), s.stepsRechecked(), s.seconds(), s.jobs(),
                    s.jobs() == 1 ? "job" : "jobs", s.pluginCalls(), s.pluginSeconds(), s.journal());
        }
    }

    @Override
    public void runFailed(Step step, Exception failure) {
        close();
    }

    @Override
    public void close() {
        try {
            bar.close();
        } catch (Exception e) {
            // A progress bar that cannot close must not fail a run.
        }
        bar = () -> { };
    }

    /** Names and messages in the arguments come from disks and plugins: escaped, one line each. */
    private void line(String format, Object... args) {
        Object[] safe = args.clone();
        for (int i = 0; i < safe.length; i++) {
            if (safe[i] instanceof String s) {
                safe[i] = TerminalText.escape(s);
            }
        }
        err.printf(format + "%n", safe);
        err.flush();
    }
}
