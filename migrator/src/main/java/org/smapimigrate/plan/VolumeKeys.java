package org.smapimigrate.plan;

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

    /** Keys in a stable order, unmodifiable. */
    static Map<String, String> sorted(Map<String, String> keys) {
        return Collections.unmodifiableMap(new TreeMap<>(keys));
    }
}
