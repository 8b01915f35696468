package org.smapimigrate.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.smapimigrate.plan.TargetCapabilities;
import org.smapimigrate.plan.TargetProbe;

/**
 * A volume plugin installed under {@code ROOT/volume/NAME} (smapiv3-interface.md section 1): the
 * method executables it has. Until the plugin client runs {@code Plugin.Query}, its features are
 * inferred from those executables ({@code Volume.snapshot} means VDI_SNAPSHOT, and so on) unless
 * given with --target-features. zfs-vol clones only from snapshots (section 3), so a plugin of that
 * name is planned that way.
 */
final class PluginDirectoryProbe implements TargetProbe {
    private final Path root;
    private final String name;

    PluginDirectoryProbe(Path root, String name) {
        this.root = root;
        this.name = name;
    }

    @Override
    public TargetCapabilities probe() throws IOException {
        Path dir = root.resolve("volume").resolve(name);
        if (!Files.isDirectory(dir)) {
            throw new UserError("no volume plugin " + name + " under " + root + " (expected the directory " + dir
                    + " holding its method scripts)");
        }
        List<String> methods = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(Files::isExecutable).map(p -> p.getFileName().toString())
                    .filter(n -> n.contains(".")).sorted().forEach(methods::add);
        }
        List<String> features = new ArrayList<>();
        String[][] implied = {{"volume.create", TargetCapabilities.VDI_CREATE},
            {"volume.snapshot", TargetCapabilities.VDI_SNAPSHOT}, {"volume.clone", TargetCapabilities.VDI_CLONE},
            {"volume.resize", TargetCapabilities.VDI_RESIZE}};
        for (String[] m : implied) {
            if (methods.stream().anyMatch(x -> x.toLowerCase(Locale.ROOT).equals(m[0]))) {
                features.add(m[1]);
            }
        }
        return new TargetCapabilities("volume plugin " + name + " in " + root + " (features inferred from its "
                + "method scripts)", features, methods, null, null, null, name.contains("zfs"));
    }
}
