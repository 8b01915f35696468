package org.smapimigrate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.smapimigrate.nbd.server.ConnectionSummary;
import org.smapimigrate.nbd.server.NbdExport;
import org.smapimigrate.nbd.server.NbdServer;
import org.smapimigrate.nbd.server.ServerSettings;
import org.smapimigrate.nbd.tls.TlsCredentials;
import org.smapimigrate.serve.ServedVdis;
import org.smapimigrate.serve.StopSignals;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code smapi-migrate serve}: SMAPIv1 VDIs as read-only NBD exports. */
@Command(name = "serve",
        sortOptions = false,
        headerHeading = "%n",
        header = "Serve SMAPIv1 VDIs as read-only NBD exports (one per VDI), for any NBD client.",
        synopsisHeading = "%nUsage: ",
        descriptionHeading = "%nDescription:%n",
        description = {
            "Each VDI is served as its whole chain, read exactly as 'export' reads it, under",
            "its uuid as export name; NBD_OPT_LIST shows them. Clients see the holes too",
            "(base:allocation block status, hole chunks in reads), computed from the VHD",
            "metadata without reading data. The SR is opened read-only: writes are refused",
            "(EPERM) and a 'migrate' of the same SR can run meanwhile.",
            "",
            "Listens on 127.0.0.1:10809 unless told otherwise. Prints one URI per export on",
            "standard output, then one line per finished connection on standard error.",
            "Stops on SIGTERM or Ctrl-C, or with --once when its clients have disconnected."},
        parameterListHeading = "%nArguments:%n",
        optionListHeading = "%nOptions:%n",
        footerHeading = "%nExamples:%n",
        footer = {
            "  smapi-migrate serve --sr /run/sr-mount/SR",
            "  nbdcopy nbd://127.0.0.1/UUID disk.raw",
            "  smapi-migrate serve --sr /dev/sdb --vdi UUID --unix /run/vdi.sock --once",
            "  smapi-migrate serve a.vhd b.vhd --listen 0.0.0.0:10809 --tls-certs DIR",
            "  nbdinfo --map 'nbds://host/a?tls-certificates=DIR'",
            "",
            "Exit status: 0 after a clean stop; 1 when the sources cannot be opened or the",
            "address cannot be bound; 2 for usage errors."})
final class ServeCommand implements Callable<Integer> {

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--sr", arity = "1..*", paramLabel = "SR", required = true,
                description = "The SR: a file SR directory, or the PVs of an LVM SR (repeat or list).")
        List<Path> sr;

        @Parameters(paramLabel = "VHD_FILE", arity = "1..*", description = "VHD files to serve (each with its "
                + "parents, looked up in its own directory), instead of --sr; export name: the file name without .vhd.")
        List<Path> vhdFiles;
    }

    @Option(names = "--vdi", paramLabel = "UUID", description = "Serve only this VDI of the SR (repeat for several); "
            + "default: every readable VDI.")
    List<String> vdis = List.of();

    @ArgGroup(exclusive = true)
    Where where;

    static final class Where {
        @Option(names = "--listen", paramLabel = "HOST:PORT",
                description = "TCP address to listen on (default 127.0.0.1:10809; port 0 picks a free one).")
        String listen;

        @Option(names = "--unix", paramLabel = "PATH", description = "Listen on this UNIX socket instead (it must not exist).")
        Path unix;
    }

    @Option(names = "--tls-certs", paramLabel = "DIR",
            description = "Require TLS: DIR holds ca-cert.pem, server-cert.pem and server-key.pem (the layout of "
                    + "qemu's tls-creds-x509 and nbdkit's --tls-certificates). URIs become nbds://.")
    Path tlsCerts;

    @Option(names = "--tls-verify-peer", description = "With --tls-certs: clients must present a certificate "
            + "signed by ca-cert.pem.")
    boolean verifyPeer;

    @Option(names = "--once", description = "Exit once the first clients have all disconnected (as qemu-nbd without -t).")
    boolean once;

    @Option(names = "--max-connections", paramLabel = "N", description = "Connections served at once "
            + "(default ${DEFAULT-VALUE}); more wait for a free slot.")
    int maxConnections = ServerSettings.DEFAULT_MAX_CONNECTIONS;

    @Option(names = "--json", description = "JSON lines instead of text: {\"event\":\"export\",...} per export, "
            + "{\"event\":\"connection\",...} per finished connection.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (source.vhdFiles != null && !vdis.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "give either a VHD_FILE or --sr with --vdi, not both");
        }
        if (verifyPeer && tlsCerts == null) {
            throw new ParameterException(spec.commandLine(), "--tls-verify-peer needs --tls-certs DIR");
        }
        if (maxConnections < 1) {
            throw new ParameterException(spec.commandLine(), "--max-connections must be at least 1");
        }
        SocketAddress address = address();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ServedVdis served = source.sr != null
                ? ServedVdis.fromSr(SourceRepositories.open(source.sr), vdis, m -> warn(err, m))
                : ServedVdis.files(source.vhdFiles, SourceRepositories::openVhdFile);
        try (served) {
            for (NbdExport e : served.exports()) {
                Warnings.print(e.disk(), err);
            }
            ServerSettings settings = ServerSettings.of(served.exports())
                    .withLimits(maxConnections, java.time.Duration.ofSeconds(30), java.time.Duration.ofSeconds(120))
                    .withOnce(once);
            if (tlsCerts != null) {
                settings = settings.withTls(TlsCredentials.server(tlsCerts, verifyPeer), verifyPeer);
            }
            NbdServer server = NbdServer.start(address, settings, c -> logConnection(err, c));
            StopSignals.onStop(server::close);
            try {
                for (NbdExport e : served.exports()) {
                    String uri = ServedVdis.uri(server.address(), e.name(), tlsCerts != null);
                    if (json) {
                        out.println(jsonLine(Map.of("event", "export", "export", e.name(), "uri", uri,
                                "size", e.disk().size())));
                    } else {
                        out.println(uri);
                    }
                }
                out.flush();
                server.awaitTermination();
            } finally {
                server.close();
            }
        }
        return 0;
    }

    private SocketAddress address() throws java.io.IOException {
        if (where != null && where.unix != null) {
            return UnixDomainSocketAddress.of(where.unix);
        }
        String listen = where == null || where.listen == null ? "127.0.0.1:10809" : where.listen;
        int colon = listen.lastIndexOf(':');
        if (colon <= 0) {
            throw new ParameterException(spec.commandLine(), "--listen wants HOST:PORT, got '" + listen + "'");
        }
        String host = listen.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "--listen port must be a number from 0 to 65535");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (java.net.UnknownHostException e) {
            throw new UserError("--listen: cannot resolve host '" + host + "'");
        }
    }

    private void logConnection(PrintWriter err, ConnectionSummary c) {
        synchronized (err) {
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("event", "connection");
                m.put("peer", c.peer());
                m.put("export", c.export());
                m.put("tls", c.tls());
                m.put("requests", c.requests());
                m.put("bytes_read", c.bytesRead());
                m.put("seconds", c.nanos() / 1e9);
                m.put("ending", c.ending());
                m.put("clean", c.clean());
                err.println(jsonLine(m));
            } else {
                err.println("smapi-migrate: serve: " + c.describe());
            }
            err.flush();
        }
    }

    private void warn(PrintWriter err, String message) {
        synchronized (err) {
            err.println("smapi-migrate: warning: " + message);
            err.flush();
        }
    }

    private static String jsonLine(Map<String, ?> m) {
        try {
            return new ObjectMapper().writeValueAsString(m);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
