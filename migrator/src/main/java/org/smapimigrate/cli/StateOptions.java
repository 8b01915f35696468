package org.smapimigrate.cli;

import java.nio.file.Path;
import org.smapimigrate.execute.StateDirectory;
import picocli.CommandLine.Option;

/** Where runs keep what they must find again: plans made on the fly, journals, manifests. */
final class StateOptions {
    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = StateDirectory.DEFAULT,
            description = "Where 'migrate --sr ... --vdi ...' keeps the plan it makes, its journal and the"
                    + " manifests (default: ./${DEFAULT-VALUE}). Run the same command again to resume.")
    Path dir;
}
