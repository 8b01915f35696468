package org.smapimigrate.xapi.standin;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

/** One HTTP request to the stand-in, whichever server took it (TCP/TLS or the Unix socket). */
interface StandInExchange {
    String method();

    String path();

    /** The raw query string, or null. */
    String query();

    /** A request header, or null. */
    String header(String name);

    InputStream body();

    /** Sends the status and headers; {@code length} < 0 means the length is not known. Returns the body stream. */
    OutputStream respond(int status, Map<String, String> headers, long length) throws IOException;

    /** Closes the connection without any answer (an injected fault). */
    void drop();
}
