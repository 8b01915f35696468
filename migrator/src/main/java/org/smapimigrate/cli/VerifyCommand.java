package org.smapimigrate.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder: filled in by the issue that builds 'verify'. */
@Command(name = "verify", description = "(not built yet)")
final class VerifyCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UserError("'verify' is not built yet");
    }
}
