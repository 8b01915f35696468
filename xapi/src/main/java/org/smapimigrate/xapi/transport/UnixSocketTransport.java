package org.smapimigrate.xapi.transport;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.smapimigrate.xapi.XapiConnectionException;

/**
 * HTTP/1.1 over XAPI's local Unix socket in dom0 ({@code /var/lib/xcp/xapi}, xen-api
 * xapi_globs.ml unix_domain_socket; xapi-integration.md section 1). {@code java.net.http} cannot
 * use a Unix socket, so this is a small client over {@link SocketChannel} with a
 * {@link UnixDomainSocketAddress}: one connection per request ({@code Connection: close}), bodies
 * sent with a Content-Length, replies read by {@link Http11Reader}.
 */
public final class UnixSocketTransport implements Transport {
    private final Path socket;

    public UnixSocketTransport(Path socket) {
        this.socket = socket;
    }

    @Override
    public String describe() {
        return "unix:" + socket;
    }

    @Override
    public HttpReply post(String target, Map<String, String> headers, byte[] body) throws IOException {
        StringBuilder extra = new StringBuilder("Content-Type: application/json\r\n");
        headers.forEach((k, v) -> extra.append(k).append(": ").append(v).append("\r\n"));
        return exchange("POST", target, extra.toString(), body.length, out -> out.write(body));
    }

    @Override
    public HttpReply get(String target) throws IOException {
        return exchange("GET", target, "", -1, out -> { });
    }

    @Override
    public HttpReply put(String target, BodySource body) throws IOException {
        long length = body.length();
        return exchange("PUT", target, "Content-Type: application/octet-stream\r\n", length, out -> {
            try (InputStream in = body.open()) {
                byte[] buf = new byte[1 << 20];
                long left = length;
                while (left > 0) {
                    int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                    if (n < 0) {
                        throw new IOException("the body to upload ended " + left + " bytes before its stated length");
                    }
                    out.write(buf, 0, n);
                    left -= n;
                }
            }
        });
    }

    @Override
    public Transport redirected(URI location) throws IOException {
        throw new IOException("XAPI redirected to " + location.getScheme() + "://" + location.getRawAuthority()
                + ", another host, which the local Unix socket cannot reach: use --xapi https://MASTER instead");
    }

    private interface BodyWriter {
        void write(OutputStream out) throws IOException;
    }

    private HttpReply exchange(String verb, String target, String headers, long length, BodyWriter body)
            throws IOException {
        if (!target.startsWith("/") || target.contains("\r") || target.contains("\n") || target.contains(" ")) {
            throw new IllegalArgumentException("bad request target: " + target);
        }
        SocketChannel ch;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        } catch (UnsupportedOperationException e) {
            throw new XapiConnectionException("this JVM cannot open Unix sockets", false, e);
        }
        boolean sent = false;
        try {
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                throw new XapiConnectionException("cannot connect to " + describe() + ": " + e.getMessage()
                        + " (is this dom0 and xapi running?)", false, e);
            }
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
            StringBuilder head = new StringBuilder()
                    .append(verb).append(' ').append(target).append(" HTTP/1.1\r\n")
                    .append("Host: localhost\r\nUser-Agent: smapi-migrate\r\nConnection: close\r\n")
                    .append(headers);
            if (length >= 0) {
                head.append("Content-Length: ").append(length).append("\r\n");
            }
            head.append("\r\n");
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            body.write(out);
            out.flush();
            sent = true;
            InputStream in = new BufferedInputStream(Channels.newInputStream(ch), 1 << 16);
            HttpReply reply = Http11Reader.read(in, describe());
            return reply.withBody(new ClosingStream(reply.body(), ch));
        } catch (XapiConnectionException e) {
            ch.close();
            throw e;
        } catch (IOException e) {
            ch.close();
            throw new XapiConnectionException("connection to " + describe() + " broke off before the answer: "
                    + e.getMessage(), sent || length > 0, e);
        }
    }

    /** Closes the connection with the body. */
    private static final class ClosingStream extends FilterInputStream {
        private final SocketChannel ch;

        ClosingStream(InputStream in, SocketChannel ch) {
            super(in);
            this.ch = ch;
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }

    @Override
    public void close() {
        // nothing held between requests
    }
}
