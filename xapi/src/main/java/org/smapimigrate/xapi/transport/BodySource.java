package org.smapimigrate.xapi.transport;

import java.io.IOException;
import java.io.InputStream;

/**
 * A request body of known length that can be opened again: an HTTP 302 from XAPI's import handler
 * means the body must be sent again to another host (xapi-integration.md section 3).
 */
public interface BodySource {
    long length();

    InputStream open() throws IOException;
}
