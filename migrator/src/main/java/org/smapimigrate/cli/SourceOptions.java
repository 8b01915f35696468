package org.smapimigrate.cli;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** The SMAPIv1 source SR, as 'plan' and 'migrate' take it. */
final class SourceOptions {
    @Option(names = "--sr", arity = "1..*", paramLabel = "SR",
            description = "The source SR: a file SR directory, or the physical volumes of an LVM SR (files or"
                    + " devices, in any order), or an XVA archive (xe vm-export; '-' for standard input). Opened read-only.")
    List<Path> sr;
}
