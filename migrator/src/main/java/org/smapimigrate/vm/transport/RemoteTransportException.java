package org.smapimigrate.vm.transport;

import java.io.IOException;

/**
 * A failure of the remote (XAPI HTTP) transport, in one line: the source VDI, the handler or call,
 * XAPI's code or the HTTP status. Never holds the session reference or a password; the cause is
 * kept for --debug, and its own message went through the same redaction before reaching here.
 */
public final class RemoteTransportException extends IOException {
    RemoteTransportException(String oneLine, Throwable cause) {
        super(oneLine);
        // The cause's message may carry a URL with session_id: keep only its type for stack traces.
        initCause(new IOException(cause.getClass().getName()));
    }
}
