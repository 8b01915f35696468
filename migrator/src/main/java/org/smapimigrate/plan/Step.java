package org.smapimigrate.plan;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;

/**
 * One thing an executor does, in plan order. Ids are stable and unique within a plan and say what
 * the step is about ({@code create:<vdi>}, {@code copy:<image>@<volume owner>}, ...), so an
 * executor can journal them and a re-run can skip the ones already done.
 *
 * <p>Target volumes do not exist when the plan is made, so a step names the volume it works on by
 * the id of the step that made it ({@link CreateVolume}, {@link SnapshotVolume}, {@link CloneVolume});
 * the executor records each made volume's key and uuid under that id.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
    @JsonSubTypes.Type(value = CreateVolume.class, name = "create-volume"),
    @JsonSubTypes.Type(value = CopyExtents.class, name = "copy-extents"),
    @JsonSubTypes.Type(value = ResizeVolume.class, name = "resize-volume"),
    @JsonSubTypes.Type(value = SnapshotVolume.class, name = "snapshot-volume"),
    @JsonSubTypes.Type(value = CloneVolume.class, name = "clone-volume"),
    @JsonSubTypes.Type(value = VerifyVolume.class, name = "verify-volume"),
    @JsonSubTypes.Type(value = SetMetadata.class, name = "set-metadata"),
})
public sealed interface Step
        permits CreateVolume, CopyExtents, ResizeVolume, SnapshotVolume, CloneVolume, VerifyVolume, SetMetadata {

    /** Stable, unique id. */
    String id();

    /** Ids of earlier steps this one needs done first. */
    List<String> after();

    /** Data bytes this step reads from the source and writes to the target (0 for control steps). */
    long bytes();

    /**
     * The step id of the target volume this step works on or makes; for a volume-making step,
     * its own id.
     */
    String volume();
}
