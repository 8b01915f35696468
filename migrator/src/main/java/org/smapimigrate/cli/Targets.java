package org.smapimigrate.cli;

import java.io.IOException;
import org.smapimigrate.disk.DiskSink;

/** Recognises and opens the kinds of output a command can write to besides files. */
final class Targets {
    private Targets() {
    }

    static boolean isNbdUri(String s) {
        return s.startsWith("nbd://") || s.startsWith("nbd+unix://") || s.startsWith("nbds://")
                || s.startsWith("nbds+unix://") || s.startsWith("nbd:");
    }

    static DiskSink openNbd(String uri, long size) throws IOException {
        throw new UserError("NBD output is not available yet: " + uri);
    }
}
