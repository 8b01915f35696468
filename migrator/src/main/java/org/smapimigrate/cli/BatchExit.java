package org.smapimigrate.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/**
 * The exit codes of 'batch run', distinct so that a timer or a script can tell a failure from
 * work a closed window left for the next night, and from a run that found another one busy.
 */
final class BatchExit {
    /** Every volume this host sees is done (and verified). */
    static final int DONE = 0;
    /** Something failed: a volume after its retries, or a source that cannot be read. */
    static final int FAILED = 1;
    /** A bad command line or job file. */
    static final int USAGE = 2;
    /** Nothing failed, but the window closed with volumes left: the next run in the window takes them. */
    static final int WORK_LEFT = 3;
    /** Another run holds the state directory; this one did nothing. */
    static final int LOCKED = 4;

    private BatchExit() {
    }

    /** One JSON document on one line, flushed. */
    static void print(PrintWriter out, Object doc) {
        try {
            out.println(CliJson.LINES.writeValueAsString(doc));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.flush();
    }
}
