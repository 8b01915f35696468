package org.smapimigrate.batch;

import java.nio.file.Path;

/**
 * How a batch moves one volume: the command line hands in the engine ({@link EngineMigration}:
 * VdiRun.migrate with the job's target), tests a stand-in. Runs in the job's engine state
 * directory, so a volume cut off by a crash is resumed by the engine's journal, not copied again.
 */
public interface VolumeMigration {
    /** The volume's digest once copied and verified (or found done by the engine's cheap check). */
    Done migrate(Job job, String sr, String vdi, Path engineState) throws Exception;

    /**
     * Whether a volume recorded done still is: its manifest and the target volume still match
     * the recorded digest. A stand-in that keeps nothing says yes; false or a failure sends the
     * volume to be run again (the engine then resumes or redoes only what is missing).
     */
    default boolean stillDone(Job job, VolumeState recorded, Path engineState) throws Exception {
        return true;
    }

    /** @param copiedBytes 0 when the engine found the volume already done */
    record Done(String digest, long copiedBytes) {
    }
}
