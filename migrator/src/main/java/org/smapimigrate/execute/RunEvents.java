package org.smapimigrate.execute;

import org.smapimigrate.plan.Plan;
import org.smapimigrate.plan.Step;

/**
 * What a {@link PlanExecutor} tells whoever shows the run (a progress bar, JSON event lines).
 * Called on the executor's thread; progress in between is polled from {@link RunProgress}.
 */
public interface RunEvents {
    RunEvents NONE = new RunEvents() {
    };

    /** The run begins: {@code finishedBefore} of {@code steps} steps are journaled from earlier runs. */
    default void runStarted(Plan plan, int steps, int finishedBefore, RunProgress progress) {
    }

    /** Something worth knowing: a leftover removed, a recheck passed. */
    default void note(String message) {
    }

    /** A step journaled by an earlier run whose result still holds on the target. */
    default void stepRechecked(Step step, JournalEntry entry) {
    }

    default void stepStarted(Step step, int index, int steps) {
    }

    default void stepDone(Step step, JournalEntry entry) {
    }

    default void runDone(RunSummary summary) {
    }

    /** {@code step} is null when the run failed before or between steps. */
    default void runFailed(Step step, Exception failure) {
    }
}
