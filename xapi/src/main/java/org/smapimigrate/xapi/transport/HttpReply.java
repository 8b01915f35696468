package org.smapimigrate.xapi.transport;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An HTTP response whose body is a stream, read by the caller and then closed. Header names are
 * lower-case.
 */
public final class HttpReply implements Closeable {
    private final int status;
    private final Map<String, List<String>> headers;
    private final InputStream body;

    public HttpReply(int status, Map<String, List<String>> headers, InputStream body) {
        this.status = status;
        this.headers = headers;
        this.body = body;
    }

    public int status() {
        return status;
    }

    public Optional<String> header(String name) {
        List<String> v = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    /** The same status and header with another body stream. */
    public HttpReply withBody(InputStream other) {
        return new HttpReply(status, headers, other);
    }

    public InputStream body() {
        return body;
    }

    /** The body read to its end, refusing more than {@code limit} bytes. */
    public byte[] readBody(int limit) throws IOException {
        byte[] b = body.readNBytes(limit);
        if (b.length == limit && body.read() >= 0) {
            throw new IOException("answer larger than " + limit + " bytes");
        }
        return b;
    }

    @Override
    public void close() throws IOException {
        body.close();
    }
}
