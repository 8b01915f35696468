package org.smapimigrate.cli;

import java.io.PrintWriter;
import org.smapimigrate.chain.VhdChain;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.report.TerminalText;
import org.smapimigrate.vhd.Finding;

/** Prints what a reader noticed but could read through (a corrupt primary footer, a bad batmap). */
final class Warnings {
    private Warnings() {
    }

    static void print(VirtualDisk disk, PrintWriter err) {
        if (disk instanceof OwningDisk owning) {
            print(owning.unwrap(), err);
        } else if (disk instanceof VhdChain chain) {
            for (Finding f : chain.findings()) {
                err.println("smapi-migrate: warning: " + TerminalText.escape(f.toString()));
            }
            err.flush();
        }
    }
}
