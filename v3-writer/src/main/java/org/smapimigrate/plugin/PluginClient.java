package org.smapimigrate.plugin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Calls the method executables of one plugin directory exactly as xapi-storage-script's
 * {@code fork_exec_rpc} does (shared/docs/smapiv3-interface.md section 1): runs
 * {@code <dir>/<Interface>.<method> --json} (the symlink path itself, never its target; the file
 * name matched case-insensitively), writes the params object as one JSON line on stdin and closes
 * it, and reads the bare JSON result from stdout. A non-zero exit carries
 * {@code {"code","params","backtrace"}} on stdout. Standard output and error are drained on their
 * own threads so a chatty plugin cannot deadlock on a full pipe.
 */
public final class PluginClient {
    /** Standard output kept at most (an SR.ls of thousands of volumes fits). */
    static final int STDOUT_LIMIT = 64 << 20;
    /** Tail of standard error kept for reports. */
    static final int STDERR_LIMIT = 64 << 10;
    /** How long to wait for the pipes to drain after the process has exited. */
    private static final long DRAIN_GRACE_MS = 5_000;

    private final Path dir;
    private final Duration timeLimit;
    private final ObjectMapper json;

    public PluginClient(Path dir, Duration timeLimit) {
        this.dir = dir;
        this.timeLimit = timeLimit;
        this.json = PluginJson.mapper();
    }

    public Path dir() {
        return dir;
    }

    /** The plugin's name: its directory name. */
    public String name() {
        return dir.getFileName().toString();
    }

    public Duration timeLimit() {
        return timeLimit;
    }

    /** The executable for {@code method}, found case-insensitively as xapi-storage-script does. */
    public Optional<Path> executable(String method) throws IOException {
        Path exact = dir.resolve(method);
        if (Files.exists(exact)) {
            return Optional.of(exact);
        }
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                if (p.getFileName().toString().equalsIgnoreCase(method)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    public boolean has(String method) throws IOException {
        return executable(method).isPresent();
    }

    /** Calls {@code method} and decodes its result as {@code type}. */
    public <T> T call(String method, Map<String, ?> params, Class<T> type) throws IOException {
        return decode(method, call(method, params), json.constructType(type), null);
    }

    /** Calls {@code method} and decodes its result as {@code type} (for generic types). */
    public <T> T call(String method, Map<String, ?> params, JavaType type) throws IOException {
        return decode(method, call(method, params), type, null);
    }

    /**
     * Calls {@code method} and returns its result as a JSON tree ({@code null} becomes a NullNode).
     * Every call, answered or not, goes into the process's {@link CallLog}.
     */
    public JsonNode call(String method, Map<String, ?> params) throws IOException {
        long t0 = System.nanoTime();
        boolean ok = false;
        try {
            JsonNode result = run(method, params);
            ok = true;
            return result;
        } finally {
            CallLog.process().record(new CallLog.Call(name(), method, (System.nanoTime() - t0) / 1e9, ok));
        }
    }

    private JsonNode run(String method, Map<String, ?> params) throws IOException {
        Path exe = executable(method).orElseThrow(() -> new PluginCallException(PluginFailure.MISSING_METHOD,
                name(), method, null, null, "the plugin has no '" + method + "' executable in " + dir, null));
        byte[] input = (json.writeValueAsString(params) + "\n").getBytes(StandardCharsets.UTF_8);
        Process process;
        try {
            process = new ProcessBuilder(exe.toString(), "--json").start();
        } catch (IOException e) {
            throw new PluginCallException(PluginFailure.START_FAILED, name(), method, null, null,
                    "cannot run " + exe + ": " + e.getMessage(), null);
        }
        Drain out = new Drain(process.getInputStream(), STDOUT_LIMIT, false, "plugin-stdout");
        Drain err = new Drain(process.getErrorStream(), STDERR_LIMIT, true, "plugin-stderr");
        Thread feeder = feed(process.getOutputStream(), input);
        int exit;
        try {
            if (!process.waitFor(timeLimit.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(process);
                out.await();
                err.await();
                throw new PluginCallException(PluginFailure.TIME_LIMIT, name(), method, null, null,
                        "no answer within " + timeLimit.toSeconds() + " s; killed it", err.text());
            }
            exit = process.exitValue();
            out.await();
            err.await();
            feeder.join(DRAIN_GRACE_MS);
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while " + name() + " " + method + " ran");
        }
        String stdout = out.text();
        String stderr = err.text();
        if (out.truncated()) {
            throw new PluginCallException(PluginFailure.BAD_OUTPUT, name(), method, null, null,
                    "more than " + STDOUT_LIMIT + " bytes on stdout", stderr);
        }
        return reply(method, exit, stdout, stderr);
    }

    /**
     * What a finished call answered: the result tree for exit 0, else the plugin's error as a
     * {@link PluginCallException}. Everything on stdout is the plugin's to choose, so every shape
     * of it ends here or in {@link #decode} as a tree or a typed exception.
     */
    JsonNode reply(String method, int exit, String stdout, String stderr) throws PluginCallException {
        JsonNode tree;
        try {
            tree = json.readTree(stdout);
        } catch (JsonProcessingException e) {
            tree = null;
        }
        if (tree == null || tree.isMissingNode()) {
            throw new PluginCallException(PluginFailure.BAD_OUTPUT, name(), method, null, null,
                    (exit == 0 ? "exit 0" : "exit " + exit) + " with output that is not JSON: "
                            + quote(stdout), stderr);
        }
        if (exit != 0) {
            throw errorOf(method, exit, tree, stderr);
        }
        return tree;
    }

    /** Turns a protocol error object into the typed exception; anything else is bad output. */
    private PluginCallException errorOf(String method, int exit, JsonNode tree, String stderr) {
        JsonNode code = tree.get("code");
        JsonNode params = tree.get("params");
        if (code != null && code.isTextual() && (params == null || params.isArray())) {
            List<String> list = new ArrayList<>();
            if (params != null) {
                params.forEach(p -> list.add(p.isTextual() ? p.asText() : p.toString()));
            }
            return new PluginCallException(PluginFailure.PLUGIN_ERROR, name(), method, code.asText(), list,
                    null, stderr);
        }
        return new PluginCallException(PluginFailure.BAD_OUTPUT, name(), method, null, null,
                "exit " + exit + " without an error object {code, params} on stdout: " + quote(tree.toString()),
                stderr);
    }

    <T> T decode(String method, JsonNode tree, JavaType type, String stderr) throws PluginCallException {
        if (tree.isNull()) {
            throw new PluginCallException(PluginFailure.BAD_OUTPUT, name(), method, null, null,
                    "result is null where a " + type.getRawClass().getSimpleName() + " was expected", stderr);
        }
        try {
            return json.treeToValue(tree, type);
        } catch (JsonProcessingException e) {
            throw new PluginCallException(PluginFailure.BAD_OUTPUT, name(), method, null, null,
                    "result is not a valid " + type.getRawClass().getSimpleName() + ": "
                            + e.getOriginalMessage() + " in " + quote(tree.toString()), stderr);
        } catch (IllegalArgumentException e) {
            throw new PluginCallException(PluginFailure.BAD_OUTPUT, name(), method, null, null,
                    "result is not a valid " + type.getRawClass().getSimpleName() + ": "
                            + e.getMessage() + " in " + quote(tree.toString()), stderr);
        }
    }

    private static String quote(String s) {
        String t = s.strip().replace('\n', ' ');
        return "\"" + (t.length() > 200 ? t.substring(0, 200) + "..." : t) + "\"";
    }

    /** Kills the process and everything it started (descendants first, while they are still ours). */
    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(DRAIN_GRACE_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread feed(OutputStream stdin, byte[] input) {
        Thread t = new Thread(() -> {
            try (OutputStream in = stdin) {
                in.write(input);
            } catch (IOException e) {
                // The plugin exited without reading its params (broken pipe): its exit says why.
            }
        }, "plugin-stdin");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Reads a stream to its end on its own thread, keeping the head (stdout) or the tail (stderr). */
    private static final class Drain {
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final Thread thread;
        private final InputStream in;
        private volatile boolean truncated;

        Drain(InputStream in, int limit, boolean keepTail, String name) {
            this.in = in;
            this.thread = new Thread(() -> run(limit, keepTail), name);
            thread.setDaemon(true);
            thread.start();
        }

        private void run(int limit, boolean keepTail) {
            byte[] buf = new byte[8192];
            try (InputStream s = in) {
                int n;
                while ((n = s.read(buf)) > 0) {
                    synchronized (kept) {
                        if (kept.size() + n > limit) {
                            truncated = true;
                            if (!keepTail) {
                                continue; // keep reading so the plugin is not blocked, drop the rest
                            }
                            byte[] old = kept.toByteArray();
                            int keep = Math.max(0, limit - n);
                            kept.reset();
                            kept.write(old, old.length - Math.min(keep, old.length), Math.min(keep, old.length));
                        }
                        kept.write(buf, 0, n);
                    }
                }
            } catch (IOException e) {
                // Stream closed under us (process killed): keep what arrived.
            }
        }

        /** Waits a little for the end of the stream; a grandchild may still hold the pipe open. */
        void await() throws InterruptedException {
            thread.join(DRAIN_GRACE_MS);
            if (thread.isAlive()) {
                try {
                    in.close();
                } catch (IOException e) {
                    // nothing more to read anyway
                }
            }
        }

        boolean truncated() {
            return truncated;
        }

        String text() {
            synchronized (kept) {
                return kept.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
