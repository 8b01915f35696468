package org.smapimigrate.live;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.smapimigrate.migrate.MigrationException;

/**
 * A command the local controller runs to act on the writer of a disk ({@code --stop-hook},
 * {@code --start-hook}, {@code --reopen-hook}): given by the user as one shell command line, run
 * with {@code /bin/sh -c}, standard input empty, the action and the disk in the environment:
 * <ul>
 *   <li>{@value #ACTION}: {@code pause} / {@code unpause} (reopen hook: as {@code tap-ctl pause}
 *       and {@code unpause}: close the leaf and stop writing, then reopen it by its name),
 *       {@code stop} / {@code force-stop} (stop hook), {@code start} (start hook);</li>
 *   <li>{@value #VDI}: the VDI uuid; {@value #LEAF}: the leaf file's path; {@value #SR}: the SR
 *       directory; {@value #TARGET_VOLUME}: for the start hook after a switch-over, the key of
 *       the target volume the writer should now use (absent when it starts on its old disk).</li>
 * </ul>
 * It succeeds when it exits 0 within its time limit; otherwise it is killed (its whole process
 * tree is not: a hook should exec or wait for its children) and the failure names the hook, the
 * exit status and the last line it printed, escaped by the caller before reaching a terminal.
 */
public final class HookCommand {
    public static final String ACTION = "SMAPI_MIGRATE_ACTION";
    public static final String VDI = "SMAPI_MIGRATE_VDI";
    public static final String LEAF = "SMAPI_MIGRATE_LEAF";
    public static final String SR = "SMAPI_MIGRATE_SR";
    /** For the start hook after a switch-over: the key of the volume that now holds the disk. */
    public static final String TARGET_VOLUME = "SMAPI_MIGRATE_TARGET_VOLUME";
    /** Output kept for the error message; the rest is read and dropped, so the hook never blocks. */
    private static final int KEEP = 2048;

    private final String name;
    private final String command;

    /**
     * @param name    the option it came from, for messages ({@code --stop-hook})
     * @param command the shell command line
     */
    public HookCommand(String name, String command) {
        if (command == null || command.isBlank()) {
            throw new IllegalArgumentException(name + " is empty");
        }
        this.name = name;
        this.command = command;
    }

    public String name() {
        return name;
    }

    /**
     * Runs the hook for {@code action}, waiting at most {@code limit}.
     *
     * @throws MigrationException when it fails or runs out of time (then it is killed)
     */
    public void run(String action, Map<String, String> env, Duration limit) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(env);
        pb.environment().put(ACTION, action);
        Process p = pb.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread drain = new Thread(() -> drain(p.getInputStream(), out), "hook-output");
        drain.setDaemon(true);
        drain.start();
        boolean done;
        try {
            done = p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException(name + " (" + action + ") interrupted");
        }
        if (!done) {
            p.destroyForcibly();
            throw new HookTimeout(name + " (" + action + ") did not finish within " + limit.toSeconds()
                    + " s and was killed" + lastLine(out));
        }
        try {
            drain.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (p.exitValue() != 0) {
            throw new MigrationException(name + " (" + action + ") exited with status " + p.exitValue()
                    + lastLine(out));
        }
    }

    /** A hook that ran out of time (as opposed to one that said no). */
    public static final class HookTimeout extends MigrationException {
        HookTimeout(String message) {
            super(message);
        }
    }

    private static void drain(InputStream in, ByteArrayOutputStream out) {
        byte[] buf = new byte[4096];
        try (in) {
            for (int n; (n = in.read(buf)) > 0; ) {
                synchronized (out) {
                    if (out.size() > KEEP * 4) {
                        byte[] tail = out.toByteArray();
                        out.reset();
                        out.write(tail, tail.length - KEEP, KEEP);
                    }
                    out.write(buf, 0, n);
                }
            }
        } catch (IOException e) {
            // The hook's output is only for the message.
        }
    }

    private static String lastLine(ByteArrayOutputStream out) {
        String s;
        synchronized (out) {
            s = out.toString(StandardCharsets.UTF_8).strip();
        }
        if (s.isEmpty()) {
            return "";
        }
        int nl = s.lastIndexOf('\n');
        String last = nl < 0 ? s : s.substring(nl + 1);
        return ": " + (last.length() > 200 ? last.substring(0, 200) + "..." : last);
    }

    @Override
    public String toString() {
        return name;
    }
}
