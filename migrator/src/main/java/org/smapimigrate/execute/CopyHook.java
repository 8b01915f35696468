package org.smapimigrate.execute;

import java.io.IOException;
import org.smapimigrate.disk.CopyStats;
import org.smapimigrate.disk.DiskCopy;
import org.smapimigrate.disk.DiskSink;
import org.smapimigrate.plan.CopyExtents;

/**
 * Where a flattened copy step's bytes come from when they are not one read of the source: a live
 * migration's passes ({@code org.smapimigrate.live}) fill the step's volume in several copies of a
 * disk that keeps changing. The engine still creates, attaches, verifies, marks and journals the
 * volume; only the copy step's work is handed over, so there is one engine and one journal.
 *
 * <p>The hook is called again when a killed run resumes (the copy step has no journal line then),
 * and must then carry on from its own record, not start over.
 */
@FunctionalInterface
public interface CopyHook {

    /**
     * Fills the volume of {@code step} with what its source holds at the end of the hook's work
     * (for a live run: the quiet disk after the switch-over's stop).
     *
     * @param sinks opens a sink on the step's volume (each call a new one, flushed and closed by the
     *              hook); {@code fresh} is true only while the volume holds nothing but zeros
     * @param copy  a copy within the run's direct-memory budget, reusable for each pass
     * @return the stats summed over every copy the hook made
     */
    CopyStats fill(CopyExtents step, SinkOpener sinks, DiskCopy copy) throws IOException;

    /** Opens a sink on the step's volume. */
    @FunctionalInterface
    interface SinkOpener {
        DiskSink open(boolean fresh) throws IOException;
    }
}
