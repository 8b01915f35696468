package org.smapimigrate.batch;

import java.nio.file.Path;

/**
 * A job file that cannot be run as written: one line naming the file, the line and the key, what
 * is wrong and what to do ({@code jobs.yaml:12: jobs[0].options.window: ...}). A usage error:
 * the command line exits 2 for it, as picocli does for a bad option.
 */
public final class JobFileError extends RuntimeException {
    private final Path file;
    private final int line;
    private final String key;

    JobFileError(Path file, int line, String key, String problem) {
        super(file + ":" + line + ": " + key + ": " + problem);
        this.file = file;
        this.line = line;
        this.key = key;
    }

    public Path file() {
        return file;
    }

    /** 1-based, as editors count. */
    public int line() {
        return line;
    }

    /** The key's path inside the file, e.g. {@code jobs[1].target.target-sr}. */
    public String key() {
        return key;
    }
}
