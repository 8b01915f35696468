package org.smapimigrate.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder: filled in by the issue that builds 'plan'. */
@Command(name = "plan", description = "(not built yet)")
final class PlanCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UserError("'plan' is not built yet");
    }
}
