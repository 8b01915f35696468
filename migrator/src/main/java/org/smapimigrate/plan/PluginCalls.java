package org.smapimigrate.plan;

import java.util.List;

/**
 * How many plugin executables a plan's steps start, for the time estimate: each is a process
 * (a Python start-up for most plugins, 50-100 ms here), which for small disks costs more than the
 * data. Counted as the executor calls them: one Volume.set per key, Volume.stat before work on a
 * volume, and for each attachment Datapath.open, attach, activate, deactivate, detach and close.
 */
public final class PluginCalls {
    /** Datapath.open/attach/activate and deactivate/detach/close around one copy or read-back. */
    static final int ATTACHMENT = 6;

    private PluginCalls() {
    }

    public static int of(List<Step> steps) {
        int n = 0;
        for (Step s : steps) {
            n += of(s);
        }
        return n;
    }

    static int of(Step s) {
        if (s instanceof CreateVolume c) {
            return 1 + c.keys().size() + 1; // create, its keys, the plan id
        } else if (s instanceof SnapshotVolume v) {
            return 1 + v.keys().size() + 1;
        } else if (s instanceof CloneVolume c) {
            return 1 + c.keys().size() + 1;
        } else if (s instanceof ResizeVolume) {
            return 2; // stat, resize
        } else if (s instanceof CopyExtents) {
            return 1 + ATTACHMENT;
        } else if (s instanceof VerifyVolume) {
            return 1 + ATTACHMENT + 1; // stat, read-back, the digest key
        } else if (s instanceof SetMetadata m) {
            return 3 + m.keys().size(); // stat, name, description, the keys (the state among them)
        }
        return 1;
    }
}
