package org.smapimigrate.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Keys set on target volumes.
 *
 * <p>XAPI's own keys are the ones xapi-storage-script's {@code vdi_of_volume} reads back on
 * {@code sr-scan} (smapiv3-interface.md, volume record): {@code vdi-type}, {@code is_a_snapshot}
 * (parsed with OCaml's {@code bool_of_string}, so exactly {@code true} or {@code false}),
 * {@code snapshot_time} (XAPI's {@code 20260312T08:30:00Z} form) and {@code snapshot_of}.
 *
 * <p>{@code snapshot_of} holds the <em>target volume key</em> of the VDI the snapshot is of, not
 * a source uuid: xapi's {@code update_vdis} (xapi_sr.ml) resolves it as a VDI location in the
 * same SR, and a SMAPIv3 VDI's location is its volume key (its uuid is the volume uuid, which the
 * plugin picks at create time). Newer xapi also tries the value as a VDI uuid in the whole
 * database (CA-254515), so a source uuid would either resolve to nothing or, worse, to the source
 * VDI still attached in the same pool. The source uuid is kept in our own
 * {@value #SOURCE_SNAPSHOT_OF} instead.
 *
 * <p>Our own keys, defined here only (a single-VDI migration is a plan too): the source SR, VDI
 * and role, and a state that is {@value #INCOMPLETE} from creation until the volume is verified,
 * the plan and the step that made the volume, its purpose and, for snapshots, the source uuid it
 * is a snapshot of.
 *
 * <p>How they are stored (issue 10: each {@code Volume.set} is a plugin process, and the interface
 * sets one key per call). XAPI's keys are separate volume keys, since {@code SR.scan} reads them
 * by name (xapi-integration.md section 3); {@code is_a_snapshot} is left out when false, as XAPI's
 * own VDI.create leaves it out. Our own keys travel together as one JSON object of strings under
 * {@value #RECORD}, written by a single {@code Volume.set}: {@link #pack} writes it, {@link #ours}
 * reads it (and the separate {@code smapi-migrate-*} keys of volumes older versions made). The
 * record is set last, once the volume is verified, which is what marks it complete; until then a
 * created volume is known by the marker in its description ({@link #inProgress}), which
 * Volume.create writes together with the volume, so no moment exists where a volume of ours
 * carries neither. A snapshot or clone inherits its origin's keys and description, so it gets its
 * own record ({@value #INCOMPLETE}) at once.
 */
public final class VolumeKeys {
    public static final String VDI_TYPE = "vdi-type";
    public static final String IS_A_SNAPSHOT = "is_a_snapshot";
    public static final String SNAPSHOT_OF = "snapshot_of";
    public static final String SNAPSHOT_TIME = "snapshot_time";

    public static final String PREFIX = "smapi-migrate-";
    public static final String SOURCE_SR = PREFIX + "source-sr";
    public static final String SOURCE_VDI = PREFIX + "source-vdi";
    public static final String SOURCE_ROLE = PREFIX + "source-role";
    /** {@value #INCOMPLETE} from creation; {@value #COMPLETE} once verified (set by {@link SetMetadata}). */
    public static final String STATE = PREFIX + "state";
    public static final String INCOMPLETE = "incomplete";
    public static final String COMPLETE = "complete";
    /** The whole-disk digest the executor records when a {@link VerifyVolume} step passes. */
    public static final String DIGEST = PREFIX + "digest";
    public static final String SOURCE_SNAPSHOT_OF = PREFIX + "source-snapshot-of";
    public static final String MADE_BY_STEP = PREFIX + "step";
    /**
     * The id of the plan whose run made the volume, set by the executor the moment the volume
     * exists (with {@link #MADE_BY_STEP}), so that a re-run finds every volume of its plan.
     */
    public static final String PLAN = PREFIX + "plan";
    public static final String PURPOSE = PREFIX + "purpose";
    /** The one volume key holding all of ours, as a JSON object of strings. */
    public static final String RECORD = "smapi-migrate";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MARKER_HEAD = "[smapi-migrate plan ";
    private static final String MARKER_STEP = " step ";
    private static final String MARKER_TAIL = ", in progress]";

    private VolumeKeys() {
    }

    /** The keys set the moment a volume exists. */
    static Map<String, String> identity(String sourceSr, String owner, String ownerRole, String stepId,
                                        VolumePurpose purpose) {
        Map<String, String> m = new TreeMap<>();
        m.put(STATE, INCOMPLETE);
        m.put(SOURCE_SR, sourceSr == null ? "" : sourceSr);
        m.put(SOURCE_VDI, owner);
        m.put(SOURCE_ROLE, ownerRole);
        m.put(MADE_BY_STEP, stepId);
        m.put(PURPOSE, purpose.name().toLowerCase(java.util.Locale.ROOT));
        return m;
    }

    /** Our keys as the value of {@value #RECORD}: a JSON object of strings, keys sorted. */
    public static String pack(Map<String, String> ours) {
        try {
            return JSON.writeValueAsString(new TreeMap<>(ours));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Our keys on a volume with {@code keys}: those in {@value #RECORD}, over the separate
     * {@code smapi-migrate-*} keys older versions set. A record that is not a JSON object of
     * strings (someone else's, or damaged) counts as absent: the volume is then not known as ours.
     */
    public static Map<String, String> ours(Map<String, String> keys) {
        Map<String, String> m = new TreeMap<>();
        for (Map.Entry<String, String> e : keys.entrySet()) {
            if (e.getKey().startsWith(PREFIX)) {
                m.put(e.getKey(), e.getValue());
            }
        }
        String record = keys.get(RECORD);
        if (record != null) {
            try {
                Map<String, String> packed = JSON.readValue(record, new TypeReference<Map<String, String>>() { });
                if (packed != null) {
                    packed.forEach((k, v) -> {
                        if (k != null && v != null) {
                            m.put(k, v);
                        }
                    });
                }
            } catch (JsonProcessingException e) {
                // Not ours to read: treated as absent.
            }
        }
        return m;
    }

    /**
     * The state a volume with {@code keys} is in: {@value #COMPLETE} only once its record says so;
     * a volume without a record (still in progress) is {@value #INCOMPLETE}.
     */
    public static String stateOf(Map<String, String> keys) {
        return ours(keys).getOrDefault(STATE, INCOMPLETE);
    }

    /** True for a key of ours: {@value #RECORD} or a separate {@code smapi-migrate-*} key. */
    public static boolean isOurs(String key) {
        return key.equals(RECORD) || key.startsWith(PREFIX);
    }

    /**
     * The marker a created volume's description carries until its metadata is set: it names the
     * plan and the step that made it, so a re-run finds the volume even if it was killed the
     * moment Volume.create returned.
     */
    public static String inProgress(String planId, String stepId) {
        return MARKER_HEAD + planId + MARKER_STEP + stepId + MARKER_TAIL;
    }

    /** The plan id and step of an {@link #inProgress} marker in {@code description}, or null. */
    public static String[] inProgressOf(String description) {
        if (description == null) {
            return null;
        }
        int at = description.lastIndexOf(MARKER_HEAD);
        if (at < 0 || !description.endsWith(MARKER_TAIL)) {
            return null;
        }
        String inner = description.substring(at + MARKER_HEAD.length(), description.length() - MARKER_TAIL.length());
        int step = inner.indexOf(MARKER_STEP);
        return step < 0 ? new String[] {inner, null}
                : new String[] {inner.substring(0, step), inner.substring(step + MARKER_STEP.length())};
    }

    /** Keys in a stable order, unmodifiable. */
    static Map<String, String> sorted(Map<String, String> keys) {
        return Collections.unmodifiableMap(new TreeMap<>(keys));
    }
}
