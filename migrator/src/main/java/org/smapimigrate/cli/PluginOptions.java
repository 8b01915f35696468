package org.smapimigrate.cli;

import java.nio.file.Path;
import java.time.Duration;
import org.smapimigrate.plugin.PluginRoot;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Where the SMAPIv3 plugins are and how long one call may take; shared by 'plan', 'migrate' and 'verify'. */
final class PluginOptions {
    /** A plugin call on a busy host can be slow (Volume.snapshot of a large volume, an NFS stall). */
    static final String DEFAULT_TIMEOUT = "600";

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--plugins", paramLabel = "ROOT",
            description = "Plugin tree with volume/ and datapath/ (default: " + PluginRoot.HOST_ROOT
                    + "; with --target-sr: the bundled one; with --plan or --manifest: the one recorded there).")
    Path root;

    @Option(names = "--plugin-timeout", paramLabel = "SECONDS", defaultValue = DEFAULT_TIMEOUT,
            description = "Time limit for one plugin call (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    /** The time limit, refusing a non-positive one as a usage error. */
    Duration callLimit() {
        if (timeoutSeconds <= 0) {
            throw new CommandLine.ParameterException(mixee.commandLine(),
                    "--plugin-timeout must be a positive number of seconds");
        }
        return Duration.ofSeconds(timeoutSeconds);
    }
}
