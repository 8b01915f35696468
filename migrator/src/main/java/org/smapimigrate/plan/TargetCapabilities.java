package org.smapimigrate.plan;

import java.util.List;
import java.util.Locale;

/**
 * What the SMAPIv3 target can do, as far as the planner cares: {@code Plugin.query} features,
 * the method executables the volume plugin actually has (smapiv3-interface.md section 6: both must
 * be consulted before planning a snapshot tree), and {@code SR.stat} space.
 *
 * @param description           one line naming the target, for reports
 * @param features              {@code Plugin.query} features ({@code VDI_SNAPSHOT}, {@code VDI_CLONE}, ...)
 * @param methods               executables present in the plugin directory ({@code Volume.snapshot}, ...),
 *                              or null when not known (then the features alone decide)
 * @param freeSpace             {@code SR.stat free_space} in bytes, or null when unknown
 * @param totalSpace            {@code SR.stat total_space} in bytes, or null when unknown
 * @param sharesBlocks          whether a snapshot or clone shares unchanged blocks with its origin
 *                              (reflinks, ZFS) instead of copying them; null when unknown
 * @param cloneFromSnapshotOnly {@code Volume.clone} works only on a snapshot (zfs-vol), so a
 *                              writable copy of a live volume needs a snapshot first
 */
public record TargetCapabilities(String description, List<String> features, List<String> methods,
                                 Long freeSpace, Long totalSpace, Boolean sharesBlocks,
                                 boolean cloneFromSnapshotOnly) {

    public static final String VDI_CREATE = "VDI_CREATE";
    public static final String VDI_SNAPSHOT = "VDI_SNAPSHOT";
    public static final String VDI_CLONE = "VDI_CLONE";
    public static final String VDI_RESIZE = "VDI_RESIZE";

    public TargetCapabilities {
        features = features == null ? List.of() : List.copyOf(features);
        methods = methods == null ? null : List.copyOf(methods);
    }

    /** How the probe describes the bundled plugin's SR (migrate.PluginQueryProbe). */
    public static final String BUNDLED_DESCRIPTION = "bundled plugin org.smapimigrate.dirvol, ";

    /**
     * True for the bundled plugin, whose Volume.create answers with the very record Volume.stat
     * gives, so a run needs no Volume.stat after creating a volume (PluginCalls, execute.RunVolumes).
     */
    public boolean createAnswersAsStat() {
        return description != null && description.startsWith(BUNDLED_DESCRIPTION);
    }

    /** Everything the planner can use, with unknown space: for comparisons and tests. */
    public static TargetCapabilities full(String description) {
        return new TargetCapabilities(description, List.of(VDI_CREATE, VDI_SNAPSHOT, VDI_CLONE, VDI_RESIZE),
                null, null, null, null, false);
    }

    public boolean hasFeature(String feature) {
        return features.contains(feature);
    }

    /** True when the plugin has an executable for {@code method}, or when that is not known. */
    public boolean hasMethod(String method) {
        // xapi-storage-script looks method files up case-insensitively (smapiv3-interface.md section 1).
        return methods == null || methods.stream().anyMatch(m -> m.toLowerCase(Locale.ROOT)
                .equals(method.toLowerCase(Locale.ROOT)));
    }

    public boolean canCreate() {
        return hasFeature(VDI_CREATE) && hasMethod("Volume.create");
    }

    public boolean canSnapshot() {
        return hasFeature(VDI_SNAPSHOT) && hasMethod("Volume.snapshot");
    }

    public boolean canClone() {
        return hasFeature(VDI_CLONE) && hasMethod("Volume.clone");
    }

    public boolean canResize() {
        return hasFeature(VDI_RESIZE) && hasMethod("Volume.resize");
    }

    /** A missing Volume.set is a silent no-op in xapi-storage-script: keys would be lost. */
    public boolean canSetKeys() {
        return methods == null || hasMethod("Volume.set");
    }

    /** Whether a writable copy of a live volume can be made on the target at all. */
    public boolean canCopyWritable() {
        return canClone() && (!cloneFromSnapshotOnly || canSnapshot());
    }

    /** Whether any snapshot tree can be kept: the target makes snapshots or clones. */
    public boolean canKeepTrees() {
        return canSnapshot() || canClone();
    }
}
