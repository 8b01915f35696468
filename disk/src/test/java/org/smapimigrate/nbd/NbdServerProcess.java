package org.smapimigrate.nbd;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real NBD server (nbdkit or qemu-nbd) started by a test on a UNIX socket in the test's temp
 * directory, or on a free TCP port of 127.0.0.1. Close it in a finally / try-with-resources: it
 * is stopped with SIGTERM (qemu-nbd then flushes and closes its image) and killed if it lingers.
 */
public final class NbdServerProcess implements AutoCloseable {
    private final Process process;
    private final Path socket;
    private final int port;
    private final Path log;
    private final List<String> command;

    private NbdServerProcess(Process process, Path socket, int port, Path log, List<String> command) {
        this.process = process;
        this.socket = socket;
        this.port = port;
        this.log = log;
        this.command = command;
    }

    /** nbdkit in the foreground on {@code dir/nbd.sock}; {@code args} are plugin, filters, options. */
    public static NbdServerProcess nbdkit(Path dir, String... args) throws Exception {
        Path sock = dir.resolve("nbd.sock");
        Path pid = dir.resolve("nbdkit.pid");
        List<String> cmd = new ArrayList<>(List.of(ThirdPartyTool.NBDKIT.path(), "-f", "--exit-with-parent",
                "-U", sock.toString(), "-P", pid.toString()));
        cmd.addAll(List.of(args));
        return start(cmd, dir, sock, -1, pid, false);
    }

    /** nbdkit listening on 127.0.0.1 at a free port. */
    public static NbdServerProcess nbdkitTcp(Path dir, String... args) throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = probe.getLocalPort();
        }
        Path pid = dir.resolve("nbdkit.pid");
        List<String> cmd = new ArrayList<>(List.of(ThirdPartyTool.NBDKIT.path(), "-f", "--exit-with-parent",
                "-i", "127.0.0.1", "-p", Integer.toString(port), "-P", pid.toString()));
        cmd.addAll(List.of(args));
        return start(cmd, dir, null, port, pid, false);
    }

    /** qemu-nbd serving many clients in turn (-t) on {@code dir/nbd.sock}. */
    public static NbdServerProcess qemuNbd(Path dir, String... args) throws Exception {
        Path sock = dir.resolve("nbd.sock");
        Path pid = dir.resolve("qemu-nbd.pid");
        List<String> cmd = new ArrayList<>(List.of(ThirdPartyTool.QEMU_NBD.path(), "-t", "-k", sock.toString(),
                "--pid-file", pid.toString()));
        cmd.addAll(List.of(args));
        return start(cmd, dir, sock, -1, pid, true);
    }

    /**
     * @param probe connect once before handing the server out: nbdkit writes its pid file only
     *              once it listens, so it needs no probe (which it would log as a failed client)
     */
    private static NbdServerProcess start(List<String> cmd, Path dir, Path sock, int port, Path pidFile,
            boolean probe) throws Exception {
        Path log = dir.resolve("server.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        NbdServerProcess server = new NbdServerProcess(p, sock, port, log, cmd);
        try {
            server.awaitReady(pidFile, probe);
            return server;
        } catch (Throwable t) {
            server.close();
            throw t;
        }
    }

    /** Ready once the pid file is written and the socket accepts connections. */
    private void awaitReady(Path pidFile, boolean probe) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail(String.join(" ", command) + " exited " + process.exitValue() + " before serving:\n" + log());
            }
            if (Files.exists(pidFile) && (socket == null || Files.exists(socket)) && (!probe || accepts())) {
                return;
            }
            Thread.sleep(20);
        }
        fail(String.join(" ", command) + " did not start serving within 30 s:\n" + log());
    }

    private boolean accepts() {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** nbd+unix:///EXPORT?socket=... or nbd://127.0.0.1:PORT/EXPORT */
    public String uri(String exportName) {
        return socket != null ? NbdUri.unix(socket, exportName).describe()
                : NbdUri.tcp("127.0.0.1", port, exportName).describe();
    }

    public String uri() {
        return uri("");
    }

    public Path socket() {
        return socket;
    }

    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** SIGTERM, wait, then SIGKILL if needed. Returns the exit code. */
    public int stop() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
        return process.isAlive() ? -1 : process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
