package org.smapimigrate.execute;

import java.util.List;

/**
 * What a plan's execution did, over every run the journal records (so a resumed run reports the
 * whole plan), and what this run did itself.
 *
 * @param planId        the plan's id
 * @param journal       the journal file
 * @param steps         steps in the plan
 * @param stepsRun      steps this run carried out
 * @param stepsRechecked steps journaled by earlier runs and checked again on the target
 * @param volumes       volumes the plan made (key per volume-making step, in plan order)
 * @param bytesRead     source bytes the copy steps read, over all runs
 * @param bytesWritten  bytes the copy steps wrote into volumes as data, over all runs
 * @param runBytesWritten bytes written by this run's copy steps
 * @param seconds       this run's wall time
 * @param manifests     manifests written for the plan's VDIs
 * @param notes         leftovers removed and the like
 */
public record RunSummary(String planId, String journal, int steps, int stepsRun, int stepsRechecked,
                         List<String> volumes, long bytesRead, long bytesWritten, long runBytesWritten,
                         double seconds, List<String> manifests, List<String> notes) {
}
