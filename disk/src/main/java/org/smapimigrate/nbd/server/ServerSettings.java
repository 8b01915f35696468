package org.smapimigrate.nbd.server;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * How a server behaves, apart from where it listens.
 *
 * @param exports         the disks, one export each; names unique
 * @param tls             null for no TLS (STARTTLS answered ERR_POLICY); otherwise the server's
 *                        context, and the server is FORCEDTLS (proto.md "TLS support"): everything
 *                        but STARTTLS and ABORT is refused with ERR_TLS_REQD before TLS
 * @param verifyPeer      with TLS, demand a client certificate signed by the CA
 * @param maxConnections  connections served at once; more wait in the listen backlog
 * @param handshakeLimit  a client must reach transmission within this time, else it is dropped
 * @param writeStallLimit a reply the client does not read for this long drops the connection
 * @param once            stop accepting once the first connections have all ended (qemu-nbd without -t)
 */
public record ServerSettings(List<NbdExport> exports, SSLContext tls, boolean verifyPeer, int maxConnections,
        Duration handshakeLimit, Duration writeStallLimit, boolean once) {

    /** Enough for 32 nbdcopy clients with 4 connections each. */
    public static final int DEFAULT_MAX_CONNECTIONS = 256;

    public ServerSettings {
        exports = List.copyOf(exports);
        Objects.requireNonNull(handshakeLimit);
        Objects.requireNonNull(writeStallLimit);
        if (exports.isEmpty()) {
            throw new IllegalArgumentException("a server needs at least one export");
        }
        if (exports.stream().map(NbdExport::name).distinct().count() != exports.size()) {
            throw new IllegalArgumentException("export names must be unique");
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1");
        }
    }

    /** Plain TCP or UNIX socket serving, defaults for everything else. */
    public static ServerSettings of(List<NbdExport> exports) {
        return new ServerSettings(exports, null, false, DEFAULT_MAX_CONNECTIONS, Duration.ofSeconds(30),
                Duration.ofSeconds(120), false);
    }

    public ServerSettings withTls(SSLContext context, boolean verify) {
        return new ServerSettings(exports, context, verify, maxConnections, handshakeLimit, writeStallLimit, once);
    }

    public ServerSettings withOnce(boolean stopAfterClients) {
        return new ServerSettings(exports, tls, verifyPeer, maxConnections, handshakeLimit, writeStallLimit,
                stopAfterClients);
    }

    public ServerSettings withLimits(int connections, Duration handshake, Duration writeStall) {
        return new ServerSettings(exports, tls, verifyPeer, connections, handshake, writeStall, once);
    }

    /**
     * The export a client named. "" is the default export (nbdinfo nbd://host), meaningful
     * only when there is exactly one.
     */
    NbdExport find(String name) {
        for (NbdExport e : exports) {
            if (e.name().equals(name)) {
                return e;
            }
        }
        return name.isEmpty() && exports.size() == 1 ? exports.get(0) : null;
    }
}
