package org.smapimigrate.execute;

import java.util.Set;
import org.smapimigrate.plugin.CallLog;

/**
 * How a run of a plan may deviate from the safe default.
 *
 * @param acceptedRisks error-level risk codes the user accepted ({@code --force}); a plan holding
 *                      any other error-level risk is refused before anything is written
 * @param resumeCommand the exact command that resumes the run, for the line printed on Ctrl-C
 * @param jobs          steps run at once at most ({@code migrate --jobs}); 1 runs them in plan order
 * @param callsFrom     where in the process's plugin call log this run's calls begin (the plan
 *                      made on the fly counts too); null: from the run's start
 */
public record RunOptions(Set<String> acceptedRisks, String resumeCommand, int jobs, CallLog.Mark callsFrom) {
    public RunOptions {
        acceptedRisks = Set.copyOf(acceptedRisks);
        if (jobs < 1) {
            throw new IllegalArgumentException("jobs must be at least 1, not " + jobs);
        }
    }

    /** One job, the calls counted from the run's start. */
    public RunOptions(Set<String> acceptedRisks, String resumeCommand) {
        this(acceptedRisks, resumeCommand, 1, null);
    }

    public static RunOptions strict(String resumeCommand) {
        return new RunOptions(Set.of(), resumeCommand);
    }
}
