package org.smapimigrate.live;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A point-in-time state of one source disk, made by {@link SourceController#freeze} (a temporary
 * snapshot of the running disk) or {@link SourceController#quiet} (the disk itself once the
 * writer is stopped). A plain value: it is journaled as JSON before anything reads it, so that a
 * run started again after a kill can {@link SourceController#open open} and
 * {@link SourceController#release release} it through a new controller of the same source.
 *
 * @param disk     the disk as the controller names it (the VDI uuid)
 * @param id       the controller's name for this state: the temporary snapshot's VDI uuid, or for a
 *                 quiet state the disk's own uuid
 * @param quiet    true for the stopped disk itself ({@link SourceController#quiet}): nothing to release
 * @param size     virtual size in bytes at the moment of freezing
 * @param frozenAt when the state was taken (for the report and the write-rate estimate)
 * @param handle   what else the controller needs to find the state again (file names, refs); never
 *                 a secret, since it goes into the journal
 */
public record FrozenState(String disk, String id, boolean quiet, long size, Instant frozenAt,
                          Map<String, String> handle) {
    public FrozenState {
        Objects.requireNonNull(disk, "disk");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(frozenAt, "frozenAt");
        if (size <= 0) {
            throw new IllegalArgumentException("frozen state " + id + " of " + disk + " has size " + size);
        }
        handle = handle == null ? Map.of() : Map.copyOf(new TreeMap<>(handle));
    }

    /** A value of {@link #handle}, or null. */
    public String handle(String key) {
        return handle.get(key);
    }
}
