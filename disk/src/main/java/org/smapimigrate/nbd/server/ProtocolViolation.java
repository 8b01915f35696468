package org.smapimigrate.nbd.server;

import java.io.IOException;

/**
 * The client broke the protocol in a way that leaves no safe answer (a bad magic, an option too
 * large to drain, a WRITE the server will not read): the connection is closed, the reason logged.
 */
final class ProtocolViolation extends IOException {
    ProtocolViolation(String message) {
        super(message);
    }
}
