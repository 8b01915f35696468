package org.smapimigrate.migrate;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.smapimigrate.plan.TargetCapabilities;
import org.smapimigrate.plan.TargetProbe;
import org.smapimigrate.plugin.CallLog;
import org.smapimigrate.plugin.PluginRoot;
import org.smapimigrate.plugin.QueryResult;
import org.smapimigrate.plugin.VolumePlugin;

/**
 * Asks a volume plugin what it can do without touching any SR: its {@code Plugin.Query} features
 * and which method executables it has (smapiv3-interface.md section 6: both decide). For the
 * bundled plugin the free space is that of the filesystem holding the SR directory; for other
 * plugins it would take SR.attach and SR.stat, which planning does not do, so it is unknown unless
 * given. zfs-vol clones only from snapshots (section 3), so a plugin of that name is planned so.
 */
public final class PluginQueryProbe implements TargetProbe {
    /** The methods a plan can use, looked up case-insensitively as xapi-storage-script does. */
    public static final List<String> METHODS = List.of("Volume.create", "Volume.snapshot", "Volume.clone", "Volume.resize",
            "Volume.set", "Volume.set_name", "Volume.set_description", "Volume.destroy", "Volume.stat", "SR.stat");

    private final PluginRoot root;
    private final String name;
    private final Path srDirectory;
    private double callSeconds;

    /** @param srDirectory the bundled SR's directory, for its filesystem's free space; else null */
    public PluginQueryProbe(PluginRoot root, String name, Path srDirectory) {
        this.root = root;
        this.name = name;
        this.srDirectory = srDirectory;
    }

    /** What the Plugin.Query call of the last probe took: the cost of one plugin call here, for the estimate. */
    public double callSeconds() {
        return callSeconds;
    }

    @Override
    public TargetCapabilities probe() throws IOException {
        VolumePlugin plugin = root.volumePlugin(name);
        CallLog.Mark before = CallLog.process().mark();
        QueryResult q = plugin.query();
        // Plugin.Query is asked once per process (and, kept on disk, once a day): if this answer
        // came from a cache, the call cost is what the process's calls took on average so far,
        // or what the Query took when it was asked.
        List<CallLog.Call> ran = CallLog.process().since(before);
        List<CallLog.Call> all = ran.isEmpty() ? CallLog.process().since(new CallLog.Mark(0)) : ran;
        callSeconds = all.isEmpty() ? plugin.querySeconds()
                : all.stream().mapToDouble(CallLog.Call::seconds).average().orElse(0);
        List<String> methods = new ArrayList<>();
        for (String m : METHODS) {
            if (plugin.has(m)) {
                methods.add(m);
            }
        }
        Long free = null;
        Long total = null;
        String where = "volume plugin " + name + " in " + root;
        if (srDirectory != null) {
            Path existing = srDirectory.toAbsolutePath();
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            if (existing != null) {
                FileStore store = Files.getFileStore(existing);
                free = store.getUsableSpace();
                total = store.getTotalSpace();
            }
            where = (name.equals(BundledPluginRoot.VOLUME_PLUGIN) ? TargetCapabilities.BUNDLED_DESCRIPTION
                    : "bundled plugin " + name + ", ") + "SR at " + srDirectory;
        }
        return new TargetCapabilities(where + (q.version() == null ? "" : " (version " + q.version() + ")"),
                q.features(), methods, free, total, null, name.contains("zfs"));
    }
}
