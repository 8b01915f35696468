package org.smapimigrate.xapi.standin;

/** Thrown by the dispatcher when a fault says: close the connection without answering. */
final class DropConnection extends RuntimeException {
    DropConnection() {
        super("dropped by fault injection", null, false, false);
    }
}
