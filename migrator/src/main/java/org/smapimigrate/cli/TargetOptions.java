package org.smapimigrate.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The options naming a SMAPIv3 target SR, shared by 'plan' and 'migrate' ({@link TargetChoice} decides). */
final class TargetOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--target-sr", paramLabel = "DIR",
            description = "Target: an SR of the bundled SMAPIv3 plugin (org.smapimigrate.dirvol) in DIR, created"
                    + " when absent (after every check passed). With --xapi --vm: the pool's SMAPIv3 SR, by name or"
                    + " uuid.")
    Path targetSr;

    @Option(names = "--volume-plugin", paramLabel = "NAME",
            description = "Target: an SR of this installed volume plugin (a directory under ROOT/volume).")
    String volumePlugin;

    @Option(names = "--sr-config", paramLabel = "K=V",
            description = "With --volume-plugin: the SR's configuration for SR.attach (repeat), e.g. path=/srv/sr.")
    Map<String, String> srConfig = new LinkedHashMap<>();

    @Mixin
    PluginOptions plugins;

    /** True when any target option was given. */
    boolean given() {
        return targetSr != null || volumePlugin != null || !srConfig.isEmpty();
    }

    TargetChoice choice() {
        return TargetChoice.of(targetSr, plugins.root, volumePlugin, srConfig,
                m -> new CommandLine.ParameterException(mixee.commandLine(), m));
    }
}
