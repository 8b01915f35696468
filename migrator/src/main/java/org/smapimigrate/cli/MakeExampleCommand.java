package org.smapimigrate.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.smapimigrate.examples.ExampleFileSr;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Hidden: regenerates the bundled example file SR (examples/file-sr) with our VHD writer. */
@Command(name = "make-example-sr", hidden = true,
        description = "Write the example file SR into DIR/<sr-uuid> (DIR/<sr-uuid> must not exist).")
final class MakeExampleCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR")
    Path dir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        spec.commandLine().getOut().println(ExampleFileSr.create(dir));
        return 0;
    }
}
