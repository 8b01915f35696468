package org.smapimigrate.execute;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.smapimigrate.plugin.CallLog;

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
 * @param jobs          steps run at once at most
 * @param pluginCalls   plugin processes this run started (the plan made on the fly included)
 * @param pluginSeconds their summed wall time
 * @param pluginCallsByMethod per {@code plugin method}: how many and how long
 */
public record RunSummary(String planId, String journal, int steps, int stepsRun, int stepsRechecked,
                         List<String> volumes, long bytesRead, long bytesWritten, long runBytesWritten,
                         double seconds, List<String> manifests, List<String> notes, int jobs, int pluginCalls,
                         double pluginSeconds, Map<String, MethodCalls> pluginCallsByMethod) {

    /** Calls of one plugin method. */
    public record MethodCalls(int count, double seconds) {
    }

    static Map<String, MethodCalls> byMethod(Map<String, CallLog.Tally> tally) {
        Map<String, MethodCalls> m = new LinkedHashMap<>();
        tally.forEach((k, t) -> m.put(k, new MethodCalls(t.count(), t.seconds())));
        return m;
    }
}
