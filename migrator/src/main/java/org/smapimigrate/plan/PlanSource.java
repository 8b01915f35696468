package org.smapimigrate.plan;

import java.util.List;

/**
 * The source SR a plan reads, as its inventory named it.
 *
 * @param path      the inventory's path (the SR directory, or the PVs of an LVM SR joined by spaces)
 * @param type      {@code file} or {@code lvm}
 * @param uuid      SR uuid, or null when unknown
 * @param nameLabel SR name, or null
 * @param paths     what to open to read it again: the SR directory, or each PV (absolute paths)
 */
public record PlanSource(String path, String type, String uuid, String nameLabel, List<String> paths) {

    public PlanSource {
        paths = paths == null ? List.of() : List.copyOf(paths);
    }
}
