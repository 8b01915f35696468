package org.smapimigrate.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder: filled in by the issue that builds 'migrate'. */
@Command(name = "migrate", description = "(not built yet)")
final class MigrateCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UserError("'migrate' is not built yet");
    }
}
