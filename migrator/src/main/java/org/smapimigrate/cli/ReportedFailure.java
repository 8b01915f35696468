package org.smapimigrate.cli;

/**
 * A failure already reported on standard output as a JSON {@code failed} event: the error line
 * still goes to standard error and the exit code is 1, but no second JSON document follows.
 */
final class ReportedFailure extends RuntimeException {
    ReportedFailure(Exception cause) {
        super(cause.getMessage(), cause, false, false);
    }
}
