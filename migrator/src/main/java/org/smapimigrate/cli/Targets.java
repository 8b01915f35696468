package org.smapimigrate.cli;

import java.io.IOException;
import org.smapimigrate.disk.DiskSink;
import org.smapimigrate.nbd.NbdSink;

/** Recognises and opens the kinds of output a command can write to besides files. */
final class Targets {
    private Targets() {
    }

    static boolean isNbdUri(String s) {
        return s.startsWith("nbd://") || s.startsWith("nbd+unix://") || s.startsWith("nbds://")
                || s.startsWith("nbds+unix://") || s.startsWith("nbd:");
    }

    /** Connects to the export; it must be at least {@code size} bytes. */
    static DiskSink openNbd(String uri, long size) throws IOException {
        return NbdSink.open(uri, size);
    }
}
