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
 * @param sourceLimit   wraps every source disk the run reads ({@code --bandwidth}); null: none
 */
public record RunOptions(Set<String> acceptedRisks, String resumeCommand, int jobs, CallLog.Mark callsFrom,
                         SourceLimit sourceLimit) {
    public RunOptions {
        acceptedRisks = Set.copyOf(acceptedRisks);
        if (jobs < 1) {
            throw new IllegalArgumentException("jobs must be at least 1, not " + jobs);
        }
        if (sourceLimit == null) {
            sourceLimit = SourceLimit.NONE;
        }
    }

    /** No limit on source reads. */
    public RunOptions(Set<String> acceptedRisks, String resumeCommand, int jobs, CallLog.Mark callsFrom) {
        this(acceptedRisks, resumeCommand, jobs, callsFrom, SourceLimit.NONE);
    }

    /** These options with every source read passing through {@code limit}. */
    public RunOptions withSourceLimit(SourceLimit limit) {
        return new RunOptions(acceptedRisks, resumeCommand, jobs, callsFrom, limit);
    }

    /** One job, the calls counted from the run's start. */
    public RunOptions(Set<String> acceptedRisks, String resumeCommand) {
        this(acceptedRisks, resumeCommand, 1, null, SourceLimit.NONE);
    }

    public static RunOptions strict(String resumeCommand) {
        return new RunOptions(Set.of(), resumeCommand);
    }
}
