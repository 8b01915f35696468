package org.smapimigrate.cli;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.smapimigrate.plan.TargetCapabilities;
import org.smapimigrate.plan.TargetProbe;

/**
 * The bundled SMAPIv3 plugin ({@code org.smapimigrate.dirvol}: sparse raw files in one directory)
 * at {@code --target-sr DIR}: its features as its {@code Plugin.Query} lists them, and the free space
 * of the filesystem holding DIR. Whether its snapshots share blocks depends on that filesystem
 * (reflinks on btrfs and XFS, full copies elsewhere), so it is left unknown.
 *
 * <p>Once the plugin client lands, this can call {@code Plugin.Query} and {@code SR.stat} instead.
 */
final class BundledPluginProbe implements TargetProbe {
    static final List<String> FEATURES = List.of("SR_ATTACH", "SR_DETACH", "SR_CREATE", "SR_DELETE", "SR_UPDATE",
            "VDI_CREATE", "VDI_DESTROY", "VDI_UPDATE", "VDI_RESIZE", "VDI_SNAPSHOT", "VDI_CLONE");

    private final Path dir;

    BundledPluginProbe(Path dir) {
        this.dir = dir;
    }

    @Override
    public TargetCapabilities probe() throws IOException {
        Path existing = dir.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        Long free = null;
        Long total = null;
        if (existing != null) {
            FileStore store = Files.getFileStore(existing);
            free = store.getUsableSpace();
            total = store.getTotalSpace();
        }
        return new TargetCapabilities("bundled plugin org.smapimigrate.dirvol at " + dir, FEATURES, null, free, total,
                null, false);
    }
}
