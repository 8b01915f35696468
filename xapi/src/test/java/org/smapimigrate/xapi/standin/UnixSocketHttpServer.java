package org.smapimigrate.xapi.standin;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A small HTTP/1.1 server on a Unix socket, like xapi's in dom0 (written from RFC 9112, not from
 * our client): one request per connection; request bodies framed by Content-Length or chunked
 * coding; answers of known length sent with chunked coding (to exercise a client's decoder) and
 * answers of unknown length (the disk export) delimited by closing the connection, as XAPI's
 * export handler does.
 */
final class UnixSocketHttpServer implements AutoCloseable {
    private final ServerSocketChannel server;
    private final Path path;
    private final Thread acceptor;

    UnixSocketHttpServer(Path path, Consumer<StandInExchange> handler) throws IOException {
        this.path = path;
        Files.deleteIfExists(path);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        acceptor = new Thread(() -> {
            while (server.isOpen()) {
                try {
                    SocketChannel ch = server.accept();
                    Thread t = new Thread(() -> serve(ch, handler), "stand-in-unix-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "stand-in-unix-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private static void serve(SocketChannel ch, Consumer<StandInExchange> handler) {
        try (ch) {
            InputStream in = new BufferedInputStream(Channels.newInputStream(ch));
            String requestLine = line(in);
            if (requestLine == null) {
                return;
            }
            String[] parts = requestLine.split(" ");
            if (parts.length != 3) {
                return;
            }
            Map<String, String> headers = new HashMap<>();
            String h;
            while ((h = line(in)) != null && !h.isEmpty()) {
                int c = h.indexOf(':');
                if (c > 0) {
                    headers.put(h.substring(0, c).strip().toLowerCase(Locale.ROOT), h.substring(c + 1).strip());
                }
            }
            InputStream body;
            if (headers.containsKey("content-length")) {
                body = new java.io.ByteArrayInputStream(new byte[0]);
                long n = Long.parseLong(headers.get("content-length"));
                body = limited(in, n);
            } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                body = new java.io.ByteArrayInputStream(dechunk(in));
            } else {
                body = new java.io.ByteArrayInputStream(new byte[0]);
            }
            String target = parts[1];
            int q = target.indexOf('?');
            InputStream requestBody = body;
            OutputStream raw = Channels.newOutputStream(ch);
            handler.accept(new StandInExchange() {
                @Override
                public String method() {
                    return parts[0];
                }

                @Override
                public String path() {
                    return q < 0 ? target : target.substring(0, q);
                }

                @Override
                public String query() {
                    return q < 0 ? null : target.substring(q + 1);
                }

                @Override
                public String header(String name) {
                    return headers.get(name.toLowerCase(Locale.ROOT));
                }

                @Override
                public InputStream body() {
                    return requestBody;
                }

                @Override
                public OutputStream respond(int status, Map<String, String> hs, long length) throws IOException {
                    StringBuilder head = new StringBuilder("HTTP/1.1 " + status + " X\r\n");
                    hs.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
                    head.append("Connection: close\r\n");
                    if (length >= 0) {
                        head.append("Transfer-Encoding: chunked\r\n");
                    }
                    head.append("\r\n");
                    raw.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
                    if (length < 0) {
                        return raw; // delimited by closing the connection
                    }
                    return new FilterOutputStream(raw) {
                        @Override
                        public void write(byte[] b, int off, int len) throws IOException {
                            // small chunks, so a decoder meets many chunk boundaries
                            for (int i = 0; i < len; i += 100) {
                                int n = Math.min(100, len - i);
                                out.write((Integer.toHexString(n) + ";ext=1\r\n").getBytes(StandardCharsets.ISO_8859_1));
                                out.write(b, off + i, n);
                                out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                            }
                        }

                        @Override
                        public void close() throws IOException {
                            out.write("0\r\nX-Trailer: t\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                            out.flush();
                        }
                    };
                }

                @Override
                public void drop() {
                    try {
                        ch.close();
                    } catch (IOException e) {
                        // closed either way
                    }
                }
            });
        } catch (IOException | RuntimeException e) {
            // connection ends
        }
    }

    private static InputStream limited(InputStream in, long n) {
        return new InputStream() {
            long left = n;

            @Override
            public int read() throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int c = in.read();
                if (c >= 0) {
                    left--;
                }
                return c;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int r = in.read(b, off, (int) Math.min(len, left));
                if (r > 0) {
                    left -= r;
                }
                return r;
            }
        };
    }

    private static byte[] dechunk(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            String size = line(in);
            int n = Integer.parseInt(size.split(";")[0].strip(), 16);
            if (n == 0) {
                while (!line(in).isEmpty()) {
                    // trailers
                }
                return out.toByteArray();
            }
            out.write(in.readNBytes(n));
            line(in);
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                b.write(c);
            }
        }
        if (c < 0 && b.size() == 0) {
            return null;
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        try {
            server.close();
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // best effort
        }
    }
}
