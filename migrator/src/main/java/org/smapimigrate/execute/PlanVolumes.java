package org.smapimigrate.execute;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.smapimigrate.migrate.MigrationException;
import org.smapimigrate.migrate.StaleAttachment;
import org.smapimigrate.migrate.TargetSr;
import org.smapimigrate.plan.CloneVolume;
import org.smapimigrate.plan.CreateVolume;
import org.smapimigrate.plan.Plan;
import org.smapimigrate.plan.ResizeVolume;
import org.smapimigrate.plan.SetMetadata;
import org.smapimigrate.plan.SnapshotVolume;
import org.smapimigrate.plan.Step;
import org.smapimigrate.plan.VerifyVolume;
import org.smapimigrate.plan.VolumeKeys;
import org.smapimigrate.plan.VolumePurpose;
import org.smapimigrate.plugin.Volume;

/**
 * The target SR as a run of one plan finds it, set against the journal before any step runs:
 * <ul>
 *   <li>every volume the journal says a step made must still be there with the plan's id and that
 *       step in its keys; a journaled resize, verification or metadata step must still show
 *       (size, {@value VolumeKeys#DIGEST}, {@value VolumeKeys#STATE}); otherwise the run stops,
 *       since the target no longer is what the journal describes;</li>
 *   <li>a volume carrying the plan's id (in its {@value VolumeKeys#RECORD} key, or in its
 *       description's in-progress marker until then) that no journaled step made is the
 *       leftover of a step that never finished: it is destroyed, and the step runs again, so no
 *       volume is ever duplicated. One already marked complete means the journal was lost: the run
 *       stops rather than guess;</li>
 *   <li>a volume another run migrated completely from a VDI this plan migrates stops the run
 *       too: two copies of one VDI in an SR are a trap.</li>
 * </ul>
 * Every volume of the plan is released from the run's datapath domain first, in case a killed run
 * left one attached. After the last step the SR is looked at once more ({@link #sweep}).
 */
final class PlanVolumes {
    private final Plan plan;
    private final TargetSr target;
    private final String domain;

    PlanVolumes(Plan plan, TargetSr target, String domain) {
        this.plan = plan;
        this.target = target;
        this.domain = domain;
    }

    /** The plan id a volume of ours names: in our keys, else in its description's in-progress marker. */
    static String planOf(Volume v) {
        String p = VolumeKeys.ours(v.keys()).get(VolumeKeys.PLAN);
        if (p != null) {
            return p;
        }
        String[] m = VolumeKeys.inProgressOf(v.description());
        return m == null ? null : m[0];
    }

    /** The step that made a volume of ours, as the volume says (keys first, then the marker), or null. */
    static String stepOf(Volume v) {
        Map<String, String> ours = VolumeKeys.ours(v.keys());
        if (ours.containsKey(VolumeKeys.PLAN)) {
            return ours.get(VolumeKeys.MADE_BY_STEP);
        }
        String[] m = VolumeKeys.inProgressOf(v.description());
        return m == null ? null : m[1];
    }

    boolean isOurs(Volume v) {
        return plan.id().equals(planOf(v));
    }

    /**
     * Checks the journaled steps against the SR, releases and removes leftovers; returns notes.
     *
     * @param done journaled steps by id
     * @param made volume-making step id to volume key, from the journal
     * @param srCreatedNow true when this run created the SR (so it holds nothing yet: no SR.ls)
     * @param finished    true when every step was journaled before this run
     */
    List<String> reconcile(Map<String, JournalEntry> done, Map<String, String> made, RunEvents events,
                           boolean srCreatedNow, boolean finished) throws IOException {
        List<String> notes = new ArrayList<>();
        if (srCreatedNow) {
            // An SR this run created holds nothing: no leftover, duplicate or stale attachment to look for.
            return notes;
        }
        List<Volume> all = target.plugin().srLs(target.sr());
        Map<String, Volume> byKey = new HashMap<>();
        for (Volume v : all) {
            byKey.put(v.key(), v);
        }
        for (Step s : plan.steps()) {
            JournalEntry e = done.get(s.id());
            if (e != null) {
                recheck(s, e, made, byKey);
                events.stepRechecked(s, e);
            }
        }
        for (Volume v : all) {
            if (!isOurs(v)) {
                refuseDuplicate(v);
            } else if (!finished) {
                // A finished plan's last run released everything before its last steps were journaled.
                StaleAttachment.release(target.root(), v, domain);
            }
        }
        removeLeftovers(all, made, notes, events);
        return notes;
    }

    /**
     * Once every step ran: a plugin call a killed run left going (its process outlives ours) may
     * have made a volume after the first look; it goes like any leftover.
     */
    List<String> sweep(Map<String, String> made, RunEvents events, boolean earlierRuns) throws IOException {
        List<String> notes = new ArrayList<>();
        if (!earlierRuns) {
            return notes; // only a killed earlier run can have left a plugin call going
        }
        removeLeftovers(target.plugin().srLs(target.sr()), made, notes, events);
        return notes;
    }

    /** Destroys the volumes of this plan that no journaled step made; refuses complete ones. */
    private void removeLeftovers(List<Volume> all, Map<String, String> made, List<String> notes, RunEvents events)
            throws IOException {
        Set<String> journaledKeys = new HashSet<>(made.values());
        for (Volume v : all) {
            if (!isOurs(v) || journaledKeys.contains(v.key())) {
                continue;
            }
            if (VolumeKeys.COMPLETE.equals(VolumeKeys.ours(v.keys()).get(VolumeKeys.STATE))) {
                throw new MigrationException("volume " + v.describe() + " is marked complete by this plan (" + plan.id()
                        + ") but no step in the journal made it: the journal is not the one this plan was run with."
                        + " Put the right journal back, or destroy this plan's volumes and start again");
            }
            target.plugin().volumeDestroy(target.sr(), v.key());
            String step = stepOf(v);
            String note = "removed volume " + v.key() + " left by a step that never finished"
                    + (step == null ? " (killed before its keys were set)" : " (" + step + ")");
            notes.add(note);
            events.note(note);
        }
    }

    private void recheck(Step s, JournalEntry e, Map<String, String> made, Map<String, Volume> byKey)
            throws MigrationException {
        String key = made.get(s.volume());
        Volume v = key == null ? null : byKey.get(key);
        if (v == null) {
            throw changed(s, "its volume " + key + " is gone from the SR");
        }
        Map<String, String> ours = VolumeKeys.ours(v.keys());
        if (!plan.id().equals(planOf(v))) {
            throw changed(s, "volume " + key + " no longer carries this plan's id (in " + VolumeKeys.RECORD
                    + " or its description)");
        }
        if (s instanceof CreateVolume || s instanceof SnapshotVolume || s instanceof CloneVolume) {
            if (!s.id().equals(stepOf(v))) {
                throw changed(s, "volume " + key + " says it was made by step " + stepOf(v));
            }
        } else if (s instanceof ResizeVolume r && v.virtualSize() < r.toSize()) {
            throw changed(s, "volume " + key + " has " + v.virtualSize() + " bytes, it was grown to " + r.toSize());
        } else if (s instanceof VerifyVolume && ours.containsKey(VolumeKeys.DIGEST)
                && !String.valueOf(e.digest()).equals(ours.get(VolumeKeys.DIGEST))) {
            // The digest reaches the volume with its metadata (one Volume.set); before that the journal holds it.
            throw changed(s, "volume " + key + " records digest " + ours.get(VolumeKeys.DIGEST) + ", the journal "
                    + e.digest());
        } else if (s instanceof SetMetadata && !VolumeKeys.COMPLETE.equals(ours.get(VolumeKeys.STATE))) {
            throw changed(s, "volume " + key + " is no longer marked " + VolumeKeys.STATE + "=" + VolumeKeys.COMPLETE);
        }
    }

    private MigrationException changed(Step s, String what) {
        return new MigrationException("step " + s.id() + " is journaled as done, but " + what + ": the target SR"
                + " changed since; destroy this plan's volumes and remove the journal to start again");
    }

    /** A complete copy of one of our VDIs made by another run (another plan or 'migrate --vdi'). */
    private void refuseDuplicate(Volume v) throws MigrationException {
        Map<String, String> k = VolumeKeys.ours(v.keys());
        String sr = k.get(VolumeKeys.SOURCE_SR);
        boolean sameSr = sr != null && (sr.equals(plan.source().uuid()) || sr.equals(plan.source().path()));
        if (!sameSr || !VolumeKeys.COMPLETE.equals(k.get(VolumeKeys.STATE))) {
            return;
        }
        String vdi = k.get(VolumeKeys.SOURCE_VDI);
        for (Step s : plan.steps()) {
            boolean vdiVolume = (s instanceof CreateVolume c && c.purpose() == VolumePurpose.VDI && c.owner().equals(vdi))
                    || (s instanceof SnapshotVolume n && n.purpose() == VolumePurpose.VDI && n.owner().equals(vdi))
                    || (s instanceof CloneVolume c2 && c2.owner().equals(vdi));
            if (vdiVolume) {
                throw new MigrationException("VDI " + vdi + " was already migrated to volume " + v.describe()
                        + " by another run; this plan would make a second copy. Destroy that volume, or plan"
                        + " without the VDI (plan --vdi ...)");
            }
        }
    }
}
