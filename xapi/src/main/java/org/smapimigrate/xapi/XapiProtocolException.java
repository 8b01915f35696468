package org.smapimigrate.xapi;

import java.io.IOException;

/** The server answered something that is not XAPI's JSON-RPC (HTML error page, bad JSON, wrong shape). */
public final class XapiProtocolException extends IOException {
    public XapiProtocolException(String message) {
        super(message);
    }
}
