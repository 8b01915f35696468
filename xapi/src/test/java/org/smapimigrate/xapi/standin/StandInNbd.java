package org.smapimigrate.xapi.standin;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The stand-in's xapi-nbd (xapi-integration.md section 4 "NBD"; nbd-protocol.md section 3): a
 * real third-party NBD server, {@code qemu-nbd}, per VDI and session, serving the VDI's raw data
 * file read-only ({@code -r}, persistent {@code -t}) on 127.0.0.1 with TLS forced
 * ({@code --object tls-creds-x509,...,endpoint=server,verify-peer=off --tls-creds}), the host's
 * own certificate and key (made by openssl, see {@link TestCertificates}), and the export name
 * xapi-nbd uses, {@code /<vdi-uuid>?session_id=<session ref>} (qemu-nbd takes any name up to 4096
 * bytes, so no nbdkit was needed). A client that asks for another name is refused by qemu-nbd
 * itself, which models xapi-nbd's session check.
 *
 * <p>Not modelled: xapi-nbd's dom0 VBD, plugged per connection (so {@code list_changed_blocks}
 * to a VDI being read is not refused here), its 16-connection limit, and its oldstyle quirks
 * (qemu-nbd speaks GO and structured replies). Because qemu-nbd takes the export name on its
 * command line, <b>this stand-in's</b> server processes show the session in {@code ps}, where
 * the real xapi-nbd receives it on the wire; tests that look for leaks in {@code ps} leave out
 * {@link #pids()}.
 */
final class StandInNbd implements AutoCloseable {
    /** One running server. */
    record Server(String vdi, String session, int port, String exportName, Process process) {
    }

    private final Path tlsDir;
    private final Map<String, Server> servers = new LinkedHashMap<>();

    /**
     * TLS material in qemu's layout: the host certificate and key, and the CA that signed it
     * (qemu requires a CA file and refuses a self-signed server certificate that is marked as a
     * CA, which is what {@code openssl req -x509} makes: a stand-in with such a master has no NBD).
     */
    StandInNbd(Path dir, TestCertificates.Identity host) throws IOException {
        this.tlsDir = Files.createDirectories(dir.resolve("nbd-tls"));
        Files.copy(host.certificatePem(), tlsDir.resolve("server-cert.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(host.issuerPem() != null ? host.issuerPem() : host.certificatePem(), tlsDir.resolve("ca-cert.pem"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(host.keyPem(), tlsDir.resolve("server-key.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** The server for {@code vdi} read by {@code session}, started on first use. */
    Server serve(String vdi, String vdiUuid, String session, Path file) {
        String key = vdi + " " + session;
        Server s = servers.get(key);
        if (s != null && s.process().isAlive()) {
            return s;
        }
        String exportName = "/" + vdiUuid + "?session_id=" + session;
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            int port = freePort();
            List<String> cmd = new ArrayList<>(List.of("qemu-nbd", "-r", "-t", "-f", "raw", "--shared=16",
                    "-b", "127.0.0.1", "-p", String.valueOf(port), "-x", exportName,
                    "--object", "tls-creds-x509,id=tls0,endpoint=server,verify-peer=off,dir=" + tlsDir,
                    "--tls-creds", "tls0", file.toString()));
            Process p;
            try {
                p = new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectOutput(tlsDir.resolveSibling("qemu-nbd-" + port + ".log").toFile()).start();
            } catch (IOException e) {
                throw new IllegalStateException("qemu-nbd is needed for the stand-in's get_nbd_info: apt-get install"
                        + " qemu-utils (" + e.getMessage() + ")", e);
            }
            if (waitListening(p, port)) {
                s = new Server(vdi, session, port, exportName, p);
                servers.put(key, s);
                return s;
            }
            p.destroy();
            last = new IOException("qemu-nbd did not listen on port " + port);
        }
        throw new IllegalStateException("the stand-in's NBD server did not start: " + last.getMessage() + "; see "
                + tlsDir.getParent());
    }

    private static boolean waitListening(Process p, int port) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                return false;
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return true;
            } catch (IOException e) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return false;
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stops every server of {@code vdi} (before its data goes: VDI.destroy, data_destroy). */
    void stop(String vdi) {
        servers.values().removeIf(s -> {
            if (s.vdi().equals(vdi)) {
                end(s.process());
                return true;
            }
            return false;
        });
    }

    /** The pids of the servers running now (this stand-in's processes, not the client's). */
    List<Long> pids() {
        return servers.values().stream().filter(s -> s.process().isAlive()).map(s -> s.process().pid()).toList();
    }

    /** How many servers were started and still run. */
    int running() {
        return (int) servers.values().stream().filter(s -> s.process().isAlive()).count();
    }

    private static void end(Process p) {
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        servers.values().forEach(s -> end(s.process()));
        servers.clear();
    }
}
