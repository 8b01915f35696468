package org.smapimigrate.xapi.transport;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads one HTTP/1.1 response (RFC 9112): the status line, the header fields, and a body framed
 * by chunked transfer coding, by Content-Length, or by the end of the connection (section 6.3,
 * in that order of precedence). XAPI's export handler sends no Content-Length and closes
 * (xapi-integration.md section 3), so all three occur. Head size is bounded.
 */
final class Http11Reader {
    static final int MAX_HEAD = 64 << 10;

    private Http11Reader() {
    }

    static HttpReply read(InputStream in, String where) throws IOException {
        int budget = MAX_HEAD;
        String statusLine = line(in, budget, where);
        if (statusLine == null) {
            throw new IOException(where + " closed the connection without an answer");
        }
        budget -= statusLine.length();
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || !parts[1].matches("\\d{3}")) {
            throw new IOException(where + " answered something that is not HTTP/1.x: " + cut(statusLine));
        }
        int status = Integer.parseInt(parts[1]);
        Map<String, List<String>> headers = new HashMap<>();
        while (true) {
            String h = line(in, budget, where);
            if (h == null) {
                throw new IOException(where + " closed the connection in the middle of the header");
            }
            if (h.isEmpty()) {
                break;
            }
            budget -= h.length() + 2;
            int colon = h.indexOf(':');
            if (colon <= 0) {
                throw new IOException(where + " sent a malformed header line: " + cut(h));
            }
            headers.computeIfAbsent(h.substring(0, colon).strip().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(h.substring(colon + 1).strip());
        }
        InputStream body;
        List<String> te = headers.get("transfer-encoding");
        List<String> cl = headers.get("content-length");
        if (te != null && te.get(te.size() - 1).toLowerCase(Locale.ROOT).endsWith("chunked")) {
            body = new Chunked(in, where);
        } else if (cl != null) {
            long n;
            try {
                n = Long.parseLong(cl.get(0));
            } catch (NumberFormatException e) {
                throw new IOException(where + " sent a bad Content-Length " + cut(cl.get(0)));
            }
            if (n < 0) {
                throw new IOException(where + " sent a negative Content-Length");
            }
            body = new Limited(in, n, where);
        } else {
            body = in; // to the end of the connection
        }
        return new HttpReply(status, headers, body);
    }

    /** One CRLF- (or LF-) terminated line in ISO-8859-1, or null at end of stream before any byte. */
    static String line(InputStream in, int budget, String where) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(80);
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                byte[] a = b.toByteArray();
                int len = a.length > 0 && a[a.length - 1] == '\r' ? a.length - 1 : a.length;
                return new String(a, 0, len, StandardCharsets.ISO_8859_1);
            }
            if (b.size() >= budget) {
                throw new IOException(where + " sent an HTTP head larger than " + MAX_HEAD + " bytes");
            }
            b.write(c);
        }
        if (b.size() == 0) {
            return null;
        }
        throw new IOException(where + " closed the connection in the middle of a line");
    }

    private static String cut(String s) {
        return org.smapimigrate.xapi.OneLine.quoted(s, 120);
    }

    /** A body stream whose single-byte read goes through the bulk read, where the framing is. */
    private abstract static class Body extends FilterInputStream {
        Body(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public abstract int read(byte[] b, int off, int len) throws IOException;
    }

    /** A body of exactly n bytes: an early end is an error, not a short body. */
    private static final class Limited extends Body {
        private long left;
        private final String where;

        Limited(InputStream in, long n, String where) {
            super(in);
            this.left = n;
            this.where = where;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left == 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new IOException(where + " closed the connection " + left + " bytes before the end of the body");
            }
            left -= n;
            return n;
        }
    }

    /** Chunked transfer coding (RFC 9112 section 7.1); trailers are read and dropped. */
    private static final class Chunked extends Body {
        private long left;
        private boolean done;
        private final String where;

        Chunked(InputStream in, String where) {
            super(in);
            this.where = where;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (left == 0) {
                String size = line(in, 1024, where);
                if (size == null) {
                    throw new IOException(where + " closed the connection inside a chunked body");
                }
                int semi = size.indexOf(';');
                String hex = (semi >= 0 ? size.substring(0, semi) : size).strip();
                try {
                    left = Long.parseLong(hex, 16);
                } catch (NumberFormatException e) {
                    throw new IOException(where + " sent a bad chunk size " + cut(size));
                }
                if (left < 0) {
                    throw new IOException(where + " sent a negative chunk size");
                }
                if (left == 0) {
                    String t;
                    while ((t = line(in, 8192, where)) != null && !t.isEmpty()) {
                        // trailer field: ignored
                    }
                    done = true;
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new IOException(where + " closed the connection inside a chunk");
            }
            left -= n;
            if (left == 0) {
                String crlf = line(in, 2, where);
                if (crlf == null || !crlf.isEmpty()) {
                    throw new IOException(where + " sent a chunk without its closing CRLF");
                }
            }
            return n;
        }
    }
}
