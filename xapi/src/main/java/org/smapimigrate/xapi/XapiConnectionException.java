package org.smapimigrate.xapi;

import java.io.IOException;

/**
 * The pool could not be reached or the conversation broke off (refused connection, TLS failure,
 * dropped connection, HTTP error instead of JSON-RPC). {@link #mayHaveHappened()} is true when the
 * request was sent but no answer came back: the call may or may not have been applied, so the
 * caller must re-read the state instead of repeating a change blindly.
 */
public class XapiConnectionException extends IOException {
    private final boolean mayHaveHappened;

    public XapiConnectionException(String message, boolean mayHaveHappened, Throwable cause) {
        super(message, cause);
        this.mayHaveHappened = mayHaveHappened;
    }

    public boolean mayHaveHappened() {
        return mayHaveHappened;
    }
}
