package org.smapimigrate.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder: filled in by the issue that builds 'scan'. */
@Command(name = "scan", description = "(not built yet)")
final class ScanCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UserError("'scan' is not built yet");
    }
}
