package org.smapimigrate.xapi.transport;

import java.io.IOException;
import java.net.URI;
import java.util.Map;

/**
 * HTTP/1.1 to one XAPI host: HTTPS ({@link HttpsTransport}) or dom0's Unix socket
 * ({@link UnixSocketTransport}). Targets are {@code /path?query}; every reply is streamed and
 * must be closed. Failures to connect or a connection dropped before the reply are
 * {@link org.smapimigrate.xapi.XapiConnectionException}s.
 */
public interface Transport extends AutoCloseable {
    /** Where this transport goes, for messages: {@code https://host:443} or {@code unix:/var/lib/xcp/xapi}. */
    String describe();

    HttpReply post(String target, Map<String, String> headers, byte[] body) throws IOException;

    HttpReply get(String target) throws IOException;

    /** PUT with a {@code Content-Length} (XAPI's import handler refuses Transfer-Encoding). */
    HttpReply put(String target, BodySource body) throws IOException;

    /** A transport to the host of an absolute URL a 302 pointed at, with the same trust. */
    Transport redirected(URI location) throws IOException;

    @Override
    void close();
}
