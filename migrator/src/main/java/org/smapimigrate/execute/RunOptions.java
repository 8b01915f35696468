package org.smapimigrate.execute;

import java.util.Set;

/**
 * How a run of a plan may deviate from the safe default.
 *
 * @param acceptedRisks error-level risk codes the user accepted ({@code --force}); a plan holding
 *                      any other error-level risk is refused before anything is written
 * @param resumeCommand the exact command that resumes the run, for the line printed on Ctrl-C
 */
public record RunOptions(Set<String> acceptedRisks, String resumeCommand) {
    public RunOptions {
        acceptedRisks = Set.copyOf(acceptedRisks);
    }

    public static RunOptions strict(String resumeCommand) {
        return new RunOptions(Set.of(), resumeCommand);
    }
}
