package org.smapimigrate.execute;

import org.smapimigrate.migrate.MigrationException;

/** A run that stopped before it changed anything: a check that must pass before the first write failed. */
public final class RunRefused extends MigrationException {
    public RunRefused(String message) {
        super(message);
    }
}
