package org.smapimigrate.nbd;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.nbd.server.ConnectionSummary;
import org.smapimigrate.nbd.server.NbdExport;
import org.smapimigrate.nbd.server.NbdServer;
import org.smapimigrate.nbd.server.ServerSettings;

/** Our server on a test's disk, over TCP (127.0.0.1, free port) or a UNIX socket; URIs for the peers. */
final class ServedExport implements AutoCloseable {
    final NbdServer server;
    final String name;
    final List<ConnectionSummary> ended;

    private ServedExport(NbdServer server, String name, List<ConnectionSummary> ended) {
        this.server = server;
        this.name = name;
        this.ended = ended;
    }

    static ServedExport tcp(VirtualDisk disk, String name) throws Exception {
        return start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), ServerSettings.of(
                List.of(new NbdExport(name, "test disk", disk))), name);
    }

    static ServedExport unix(VirtualDisk disk, String name, Path dir) throws Exception {
        return start(UnixDomainSocketAddress.of(dir.resolve("serve.sock")), ServerSettings.of(
                List.of(new NbdExport(name, "test disk", disk))), name);
    }

    static ServedExport start(SocketAddress where, ServerSettings settings, String name) throws Exception {
        List<ConnectionSummary> ended = new CopyOnWriteArrayList<>();
        NbdServer s = NbdServer.start(where, settings, ended::add);
        return new ServedExport(s, name, ended);
    }

    /** nbd://127.0.0.1:PORT/NAME or nbd+unix:///NAME?socket=PATH (scheme nbds with {@code tls}). */
    String uri(boolean tls, String extraQuery) {
        String u;
        if (server.address() instanceof UnixDomainSocketAddress a) {
            u = NbdUri.unix(a.getPath(), name).describe();
        } else {
            InetSocketAddress a = (InetSocketAddress) server.address();
            u = NbdUri.tcp("127.0.0.1", a.getPort(), name).describe();
        }
        if (tls) {
            u = u.replaceFirst("^nbd", "nbds");
        }
        if (!extraQuery.isEmpty()) {
            u += (u.contains("?") ? "&" : "?") + extraQuery;
        }
        return u;
    }

    String uri() {
        return uri(false, "");
    }

    @Override
    public void close() {
        server.close();
    }
}
