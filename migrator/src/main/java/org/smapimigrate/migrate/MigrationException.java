package org.smapimigrate.migrate;

import java.io.IOException;

/** A migration that did not complete; the message is the one line the CLI prints. */
public class MigrationException extends IOException {
    public MigrationException(String message) {
        super(message);
    }

    public MigrationException(String message, Throwable cause) {
        super(message, cause);
    }
}
