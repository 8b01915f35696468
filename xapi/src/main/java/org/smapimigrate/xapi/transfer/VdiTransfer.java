package org.smapimigrate.xapi.transfer;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.smapimigrate.xapi.OneLine;
import org.smapimigrate.xapi.TaskProgress;
import org.smapimigrate.xapi.XapiConnectionException;
import org.smapimigrate.xapi.XapiException;
import org.smapimigrate.xapi.XapiProtocolException;
import org.smapimigrate.xapi.XapiSession;
import org.smapimigrate.xapi.XapiTasks;
import org.smapimigrate.xapi.transport.BodySource;
import org.smapimigrate.xapi.transport.HttpReply;
import org.smapimigrate.xapi.transport.Transport;

/**
 * Moves a VDI's bytes through XAPI's HTTP disk handlers (xapi-integration.md section 3, "Creating
 * a VDI through XAPI, and moving bytes over HTTP"; xen-api export_raw_vdi.ml, import_raw_vdi.ml):
 * <ul>
 * <li>{@code GET /export_raw_vdi?vdi=&format=raw|vhd[&base=]&session_id=&task_id=}: the reply has
 *     no Content-Length, so it is read to its end and streamed to the caller;</li>
 * <li>{@code PUT /import_raw_vdi?vdi=&format=raw|vhd&session_id=&task_id=} with a Content-Length
 *     (XAPI refuses HTTP Transfer-Encoding).</li>
 * </ul>
 * The format is only a name here ({@link DiskFormat}): this module never reads a VHD. Every
 * failure is one line naming the handler and the VDI, with XAPI's code (from the task) or the
 * HTTP status.
 * Both handlers may answer 302 to a host that sees the SR: followed, re-sending the PUT body. Each
 * transfer runs under a task made with {@code task.create}; the task's outcome, not the end of
 * the stream, says whether it worked. The session ref in the URL is a secret: it never appears in
 * a message. Memory stays at one buffer whatever the disk size.
 */
public final class VdiTransfer {
    static final int BUFFER = 1 << 20;
    static final int MAX_REDIRECTS = 3;

    private final XapiSession session;
    private final XapiTasks tasks;

    public VdiTransfer(XapiSession session, XapiTasks tasks) {
        this.session = session;
        this.tasks = tasks;
    }

    /**
     * Streams the VDI ({@code vdi}: ref or uuid) as raw bytes into {@code out}; with {@code base}
     * (ref or uuid, or null) only the blocks that differ from it. Returns the bytes written; when
     * {@code expectedSize} is not negative, fewer or more bytes are an error.
     */
    public long exportRaw(String vdi, String base, OutputStream out, long expectedSize, TransferProgress progress)
            throws IOException {
        return export(vdi, DiskFormat.RAW, base, out, expectedSize, progress);
    }

    /**
     * Streams the VDI in {@code format} into {@code out} and returns the bytes written. With
     * {@code expectedLength} not negative, another length is an error (only meaningful for raw,
     * whose length is the virtual size; a VHD stream's length depends on what is allocated).
     */
    public long export(String vdi, DiskFormat format, String base, OutputStream out, long expectedLength,
                       TransferProgress progress) throws IOException {
        String handler = "export_raw_vdi";
        String what = what(handler, vdi);
        String task = createTask("export", vdi);
        Map<String, String> q = new LinkedHashMap<>();
        q.put("vdi", vdi);
        q.put("format", format.wireName());
        if (base != null) {
            q.put("base", base);
        }
        long n;
        try {
            HttpReply reply = follow(what, "/" + handler, q, task, null);
            try (reply) {
                if (reply.status() != 200) {
                    failed(what, reply, task);
                }
                n = copy(what, reply.body(), out, expectedLength, progress);
            }
        } catch (IOException | RuntimeException e) {
            abandon(task);
            throw e;
        }
        tasks.await(what, task, TaskProgress.NONE);
        if (expectedLength >= 0 && n != expectedLength) {
            throw new IOException(what + " gave " + n + " bytes, expected " + expectedLength);
        }
        return n;
    }

    /** Writes {@code data} (raw, its full length) into the VDI {@code vdi} (ref or uuid). */
    public void importRaw(String vdi, BodySource data, TransferProgress progress) throws IOException {
        importInto(vdi, DiskFormat.RAW, data, progress);
    }

    /**
     * PUTs {@code data} in {@code format} into the VDI {@code vdi} (ref or uuid) with a
     * Content-Length. With format=vhd XAPI writes the blocks the stream holds and leaves the rest
     * of the VDI as it was (what delta imports onto a copy of their base rely on).
     */
    public void importInto(String vdi, DiskFormat format, BodySource data, TransferProgress progress)
            throws IOException {
        String handler = "import_raw_vdi";
        String what = what(handler, vdi);
        String task = createTask("import", vdi);
        Map<String, String> q = new LinkedHashMap<>();
        q.put("vdi", vdi);
        q.put("format", format.wireName());
        BodySource counted = new BodySource() {
            @Override
            public long length() {
                return data.length();
            }

            @Override
            public InputStream open() throws IOException {
                return new Counting(data.open(), data.length(), progress);
            }
        };
        try {
            HttpReply reply;
            try {
                reply = follow(what, "/" + handler, q, task, counted);
            } catch (XapiConnectionException e) {
                // The handler may refuse before reading the body and close: its task says why.
                throw taskError(what, task).orElse(new XapiConnectionException(what + ": " + e.getMessage(),
                        e.mayHaveHappened(), e));
            }
            try (reply) {
                if (reply.status() != 200) {
                    failed(what, reply, task);
                }
                reply.body().transferTo(OutputStream.nullOutputStream());
            }
        } catch (IOException | RuntimeException e) {
            abandon(task);
            throw e;
        }
        tasks.await(what, task, TaskProgress.NONE);
    }

    /** How messages name a transfer: the handler and the VDI (a uuid or ref, never the session). */
    private static String what(String handler, String vdi) {
        return handler + " of VDI " + OneLine.of(vdi, 60);
    }

    private String createTask(String what, String vdi) throws IOException {
        return session.callForString("task.create", "smapi-migrate " + what, "VDI " + vdi);
    }

    private HttpReply follow(String what, String path, Map<String, String> query, String task, BodySource body)
            throws IOException {
        Map<String, String> q = new LinkedHashMap<>(query);
        q.put("session_id", session.sessionRef());
        q.put("task_id", task);
        Transport transport = session.transport();
        String target = path + "?" + encode(q);
        for (int hop = 0; ; hop++) {
            HttpReply reply = body == null ? transport.get(target) : transport.put(target, body);
            if (reply.status() != 302 && reply.status() != 307) {
                return reply;
            }
            String location = reply.header("location").orElse(null);
            reply.close();
            if (location == null || hop >= MAX_REDIRECTS) {
                throw new XapiProtocolException(what + ": " + transport.describe() + " redirected "
                        + (location == null ? "without a Location" : "more than " + MAX_REDIRECTS + " times"));
            }
            URI loc = URI.create(location);
            if (loc.isAbsolute()) {
                transport = transport.redirected(loc);
            }
            target = loc.getRawPath() + (loc.getRawQuery() == null ? "" : "?" + loc.getRawQuery());
        }
    }

    /** The error of {@code task} if it has already failed (read once, no waiting). */
    private java.util.Optional<IOException> taskError(String what, String task) {
        try {
            org.smapimigrate.xapi.records.Task t = tasks.read(task);
            if (!t.isPending() && !t.errorInfo().isEmpty()) {
                return java.util.Optional.of(new XapiException(what, t.errorInfo().get(0),
                        t.errorInfo().subList(1, t.errorInfo().size())));
            }
        } catch (IOException e) {
            // no better error than the connection's
        }
        return java.util.Optional.empty();
    }

    /** A non-200 answer: the task's error when it has one, else the HTTP status. */
    private void failed(String what, HttpReply reply, String task) throws IOException {
        java.util.Optional<IOException> e = taskError(what, task);
        if (e.isPresent()) {
            throw e.get();
        }
        throw new XapiProtocolException(what + ": " + session.transport().describe() + " answered HTTP "
                + reply.status());
    }

    private void abandon(String task) {
        try {
            session.call("task.cancel", task);
        } catch (IOException e) {
            // it may have finished already
        }
        try {
            session.call("task.destroy", task);
        } catch (IOException e) {
            // collected by XAPI after 65 minutes
        }
    }

    private static long copy(String what, InputStream in, OutputStream out, long total, TransferProgress progress)
            throws IOException {
        byte[] buf = new byte[BUFFER];
        long n = 0;
        while (true) {
            int r;
            try {
                r = in.read(buf);
            } catch (XapiConnectionException e) {
                throw e;
            } catch (IOException e) {
                throw new XapiConnectionException(what + " broke off after " + n + " bytes: " + e.getMessage(),
                        true, e);
            }
            if (r < 0) {
                return n;
            }
            out.write(buf, 0, r); // a failure here is the caller's sink, reported as it is
            n += r;
            progress.update(n, total);
        }
    }

    static String encode(Map<String, String> q) {
        StringBuilder b = new StringBuilder();
        q.forEach((k, v) -> b.append(b.length() == 0 ? "" : "&").append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return b.toString();
    }

    /** Counts bytes as they are read, for progress. */
    private static final class Counting extends FilterInputStream {
        private final long total;
        private final TransferProgress progress;
        private long done;
        private long reported;

        Counting(InputStream in, long total, TransferProgress progress) {
            super(in);
            this.total = total;
            this.progress = progress;
        }

        @Override
        public int read() throws IOException {
            int c = in.read();
            if (c >= 0) {
                count(1);
            }
            return c;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) {
            done += n;
            if (done - reported >= BUFFER || done == total) {
                reported = done;
                progress.update(done, total);
            }
        }
    }
}
