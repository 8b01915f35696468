package org.smapimigrate.nbd.tls;

import java.io.IOException;

/** The TLS certificate directory cannot be used: names the file and what is wrong with it. */
public final class TlsSetupException extends IOException {
    public TlsSetupException(String message) {
        super(message);
    }

    public TlsSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
