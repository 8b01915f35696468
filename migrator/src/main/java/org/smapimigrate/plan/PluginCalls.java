package org.smapimigrate.plan;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How many plugin executables a run of a plan's steps starts, for the time estimate: each is a
 * process (a Python start-up for most plugins, 50-100 ms here), which for small disks costs more
 * than the data. Counted as the executor makes them (issue 10):
 * <ul>
 *   <li>per run: Plugin.Query (once per process) and SR.attach ({@value #RUN});</li>
 *   <li>Volume.create; Volume.snapshot or clone and the copy's own key record; Volume.resize;</li>
 *   <li>one Volume.stat per volume, again after a resize (none after a Volume.create of the
 *       bundled plugin, whose create answer is its stat record);</li>
 *   <li>Datapath.attach and activate when a copy or verification finds the volume released,
 *       deactivate and detach after its last one or before any other step on it ({@value #ATTACHMENT});
 *       no Datapath.open/close, which XAPI makes only for non-persistent disks;</li>
 *   <li>metadata: one Volume.set per XAPI key ({@code is_a_snapshot=false} left out), one for our
 *       record, and Volume.set_name/set_description where they differ from what the volume has.</li>
 * </ul>
 * An SR created by the run adds SR.create; one that existed adds SR.ls (leftovers, duplicates);
 * a plugin SR other than the bundled one adds SR.stat: none of these is known from the steps.
 *
 * <p>Why a single-VDI migrate into a new bundled SR makes 12 and not the 8 issue 10 aims at.
 * Seven are the work itself in the interface's terms (smapiv3-interface.md section 2): SR.create
 * and SR.attach (the SR key is the plugin's, opaque), Volume.create, and Datapath.attach, activate,
 * deactivate and detach, the order the interface requires around any I/O (activate is where a
 * plugin grants exclusive use; no open/close, as XAPI makes those only for non-persistent disks;
 * copy and read-back already share the one attachment). The other five each keep a guarantee:
 * <ul>
 *   <li>Volume.set of {@code vdi-type}: XAPI's scan reads it, and a volume without it broke SXM
 *       (xapi-integration.md section 5, #6596); Volume.set takes one key per call;</li>
 *   <li>Volume.set of our record, after the verification: it is what marks the volume complete,
 *       so a target never looks complete before it is verified, and it lets a later run, a recheck
 *       or another plan know whose copy it is;</li>
 *   <li>Volume.set_description: Volume.create can carry nothing but a name and a description, so
 *       the in-progress marker that lets a re-run find a volume killed the moment create returned
 *       lives in the description, and must go once the record is set;</li>
 *   <li>Volume.stat before the first Datapath call, as XAPI does: a plugin's create answer can
 *       carry a wrong URI (upstream simple-file, section 6), and a copy through it would also be
 *       verified through it, so the error would pass unseen;</li>
 *   <li>Plugin.Query, once per process: the API version xapi-storage-script checks, the features
 *       the plan rests on, and the measured call cost the estimate uses.</li>
 * </ul>
 * Only the last two could go, and only for the bundled plugin, whose answers are ours: 10. The
 * marker, the record and vdi-type are three facts that need three calls after Volume.create
 * whatever their order, so 8 would need one of those guarantees dropped. Both went: Plugin.Query
 * answers are kept between runs by the executable's bytes (plugin.QueryStore), and the bundled
 * plugin's Volume.create answer is taken for its stat (it is built by the same function, and the
 * run checks that its URI names the volume's own file). The vdi-type Volume.set runs beside the
 * copy, so it costs no wall time of its own.
 */
public final class PluginCalls {
    /** Plugin.Query and SR.attach. */
    static final int RUN = 2;
    /** Datapath.attach, activate, deactivate and detach around the copies and read-back of a volume. */
    static final int ATTACHMENT = 4;

    private PluginCalls() {
    }

    /** {@link #of(List, boolean)} for a plugin whose Volume.create answer is not taken for its stat. */
    public static int of(List<Step> steps) {
        return of(steps, false);
    }

    /**
     * @param createAnswersAsStat true for the bundled plugin, whose Volume.create answers with the
     *                            record Volume.stat gives: no Volume.stat follows a create
     */
    public static int of(List<Step> steps, boolean createAnswersAsStat) {
        if (steps.isEmpty()) {
            return 0;
        }
        Map<String, String> lastData = new HashMap<>();
        Map<String, String> createdName = new HashMap<>();
        for (Step s : steps) {
            if (s instanceof CopyExtents || s instanceof VerifyVolume) {
                lastData.put(s.volume(), s.id());
            }
            if (s instanceof CreateVolume c) {
                createdName.put(c.id(), c.name());
            }
        }
        Set<String> stated = new HashSet<>();
        Set<String> attached = new HashSet<>();
        int n = RUN;
        for (Step s : steps) {
            String vol = s.volume();
            boolean data = s instanceof CopyExtents || s instanceof VerifyVolume;
            if (!data) {
                n += release(attached, vol);
                if (s instanceof SnapshotVolume v) {
                    n += release(attached, v.of());
                } else if (s instanceof CloneVolume c) {
                    n += release(attached, c.of());
                }
            }
            if (s instanceof CreateVolume) {
                n += 1;
                if (createAnswersAsStat) {
                    stated.add(vol);
                }
            } else if (s instanceof SnapshotVolume || s instanceof CloneVolume) {
                n += 2; // the call, and the volume's own record
            } else if (s instanceof ResizeVolume) {
                n += stat(stated, vol) + 1;
                stated.remove(vol); // the size changed: stat again before the next use
            } else if (data) {
                n += stat(stated, vol);
                if (attached.add(vol)) {
                    n += ATTACHMENT / 2;
                }
                if (s.id().equals(lastData.get(vol))) {
                    n += release(attached, vol);
                }
            } else if (s instanceof SetMetadata m) {
                n += stat(stated, vol);
                for (Map.Entry<String, String> k : m.keys().entrySet()) {
                    boolean xapi = !VolumeKeys.isOurs(k.getKey());
                    boolean defaultFalse = k.getKey().equals(VolumeKeys.IS_A_SNAPSHOT) && "false".equals(k.getValue());
                    if (xapi && !defaultFalse) {
                        n++;
                    }
                }
                n += (m.snapshotOf() != null ? 1 : 0) + 1; // snapshot_of, the record
                n += m.name().equals(createdName.get(vol)) ? 0 : 1; // set_name
                n += 1; // set_description: the in-progress marker (or the origin's text) goes
            }
        }
        return n;
    }

    private static int stat(Set<String> stated, String vol) {
        return stated.add(vol) ? 1 : 0;
    }

    private static int release(Set<String> attached, String vol) {
        return attached.remove(vol) ? ATTACHMENT / 2 : 0;
    }
}
