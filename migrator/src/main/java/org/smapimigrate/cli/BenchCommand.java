package org.smapimigrate.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder: filled in by the issue that builds 'bench'. */
@Command(name = "bench", description = "(not built yet)")
final class BenchCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UserError("'bench' is not built yet");
    }
}
