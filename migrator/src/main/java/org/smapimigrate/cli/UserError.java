package org.smapimigrate.cli;

/** A failure caused by what the user asked for (a missing VDI, a bad option combination). */
public class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }
}
