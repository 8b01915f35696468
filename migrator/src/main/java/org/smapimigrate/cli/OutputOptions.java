package org.smapimigrate.cli;

import picocli.CommandLine.Option;

/** How a command reports: for people (progress, summary lines), quietly, or as JSON for scripts. */
final class OutputOptions {
    @Option(names = "--json", description = "Print results as JSON on standard output, on failure too.")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar and no summary lines; errors only.")
    boolean quiet;
}
