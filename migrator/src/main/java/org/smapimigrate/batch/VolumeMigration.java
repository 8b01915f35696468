package org.smapimigrate.batch;

import java.nio.file.Path;

/**
 * How a batch moves one volume: the command line hands in the engine (VdiRun.migrate with the
 * job's target), tests a stand-in. Runs in the job's engine state directory, so a volume cut off
 * by a crash is resumed by the engine's journal, not copied again.
 */
public interface VolumeMigration {
    /** The volume's digest once copied and verified (or found done by the engine's cheap check). */
    Done migrate(Job job, String sr, String vdi, Path engineState) throws Exception;

    /** @param copiedBytes 0 when the engine found the volume already done */
    record Done(String digest, long copiedBytes) {
    }
}
