package org.smapimigrate.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder: filled in by the issue that builds 'export'. */
@Command(name = "export", description = "(not built yet)")
final class ExportCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UserError("'export' is not built yet");
    }
}
